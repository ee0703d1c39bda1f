// @ts-check
// The resolver choice, kept in localStorage.

/** The built-in DNS-over-HTTPS resolvers (RFC 8484 endpoints). */
export const PRESETS = {
  cloudflare: 'https://cloudflare-dns.com/dns-query',
  google: 'https://dns.google/dns-query',
  quad9: 'https://dns.quad9.net/dns-query',
};

const KEY = 'iprev.settings';

/**
 * @typedef {{ resolver: 'cloudflare' | 'google' | 'quad9' | 'custom', customUrl: string, timeoutSeconds: number, allHops: boolean }} Settings
 */

/** @returns {Settings} */
export function defaults() {
  return { resolver: 'cloudflare', customUrl: '', timeoutSeconds: 5, allHops: false };
}

/**
 * Reads the saved settings; anything malformed falls back to the defaults.
 * @param {Storage} storage
 * @returns {Settings}
 */
export function load(storage) {
  const settings = defaults();
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? '{}');
    if (['cloudflare', 'google', 'quad9', 'custom'].includes(saved.resolver)) settings.resolver = saved.resolver;
    if (typeof saved.customUrl === 'string') settings.customUrl = saved.customUrl.slice(0, 2000);
    if (Number.isFinite(saved.timeoutSeconds) && saved.timeoutSeconds >= 1 && saved.timeoutSeconds <= 60) {
      settings.timeoutSeconds = saved.timeoutSeconds;
    }
    if (typeof saved.allHops === 'boolean') settings.allHops = saved.allHops;
  } catch {
    // Unreadable: keep the defaults.
  }
  return settings;
}

/**
 * @param {Storage} storage
 * @param {Settings} settings
 */
export function save(storage, settings) {
  storage.setItem(KEY, JSON.stringify(settings));
}

/**
 * Why a custom resolver URL is not acceptable, or null when it is:
 * https://, or http:// to a loopback address.
 * @param {string} text
 * @returns {string | null}
 */
export function urlProblem(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  if (url.protocol === 'https:') return null;
  // The page's Content-Security-Policy lets it reach plain http:// only on
  // these two loopback names (a local resolver, the tests).
  if (url.protocol === 'http:') {
    return ['localhost', '127.0.0.1'].includes(url.hostname) ? null : 'use an https:// URL (http:// only to 127.0.0.1 or localhost)';
  }
  return 'use an https:// URL';
}

/**
 * The resolver URL the settings select, or null when the custom URL is bad.
 * @param {Settings} settings
 * @returns {string | null}
 */
export function resolverUrl(settings) {
  if (settings.resolver === 'custom') return urlProblem(settings.customUrl) ? null : settings.customUrl;
  return PRESETS[settings.resolver];
}
