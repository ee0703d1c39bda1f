// @ts-check
// The extension's settings, in storage.local.

import { ext } from './api.js';
import { PRESETS, urlProblem } from '../js/settings.js';

/**
 * @typedef {{
 *   resolver: 'cloudflare' | 'google' | 'quad9' | 'custom',
 *   customUrl: string,
 *   timeoutSeconds: number,
 *   autoCheck: boolean,
 *   allHops: boolean,
 * }} Prefs
 */

/** @returns {Prefs} */
export function defaults() {
  return { resolver: 'cloudflare', customUrl: '', timeoutSeconds: 5, autoCheck: true, allHops: false };
}

/**
 * The saved settings, anything malformed replaced by its default.
 * @returns {Promise<Prefs>}
 */
export async function load() {
  const prefs = defaults();
  const saved = /** @type {Partial<Prefs> | undefined} */ ((await ext.storage.local.get('prefs')).prefs);
  if (saved && typeof saved === 'object') {
    if (saved.resolver && ['cloudflare', 'google', 'quad9', 'custom'].includes(saved.resolver)) prefs.resolver = saved.resolver;
    if (typeof saved.customUrl === 'string') prefs.customUrl = saved.customUrl.slice(0, 2000);
    const seconds = Number(saved.timeoutSeconds);
    if (Number.isFinite(seconds) && seconds >= 1 && seconds <= 60) {
      prefs.timeoutSeconds = seconds;
    }
    if (typeof saved.autoCheck === 'boolean') prefs.autoCheck = saved.autoCheck;
    if (typeof saved.allHops === 'boolean') prefs.allHops = saved.allHops;
  }
  return prefs;
}

/** @param {Prefs} prefs */
export async function save(prefs) {
  await ext.storage.local.set({ prefs });
}

/**
 * The resolver URL the settings select (a bad custom URL falls back to Cloudflare).
 * @param {Prefs} prefs
 */
export function resolverUrl(prefs) {
  if (prefs.resolver === 'custom' && !urlProblem(prefs.customUrl)) return prefs.customUrl;
  return prefs.resolver === 'custom' ? PRESETS.cloudflare : PRESETS[prefs.resolver];
}
