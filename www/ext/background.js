// @ts-check
// The extension's background (Chrome: a module service worker; Firefox: a
// module background script). It alone runs checks: the WebAssembly core,
// the DNS-over-HTTPS requests (its host permissions cover the built-in
// resolvers), the bounded cache of reports in storage.session
// (report-cache.js), the toolbar badge and the context menu.

import init, { check } from '../pkg/iprev_extension.js';
import { ext } from './api.js';
import { fromThisExtension, validate } from './messages.js';
import { load as loadPrefs, resolverUrl } from './prefs.js';
import { findHeaderText } from './content/detect.js';
import { cached, contentKey, store } from './report-cache.js';

const MENU_ID = 'iprev-check-selection';

/** @typedef {import('../pkg/iprev_extension.js').Report} Report */

let ready = /** @type {Promise<unknown> | null} */ (null);

function wasm() {
  ready ??= init({ module_or_path: ext.runtime.getURL('pkg/iprev_extension_bg.wasm') });
  return ready;
}

const BADGE = {
  pass: { key: 'badgePass', color: '#1a7f37' },
  fail: { key: 'badgeFail', color: '#cf222e' },
  permerror: { key: 'badgePermerror', color: '#cf222e' },
  temperror: { key: 'badgeTemperror', color: '#9a6700' },
};

/**
 * Shows the sender verdict on the toolbar button of one tab.
 * @param {number | undefined} tabId
 * @param {Report} report
 */
async function setBadge(tabId, report) {
  if (tabId === undefined || tabId < 0) return;
  const hop = report.sender_hop === null ? null : report.hops[report.sender_hop];
  const result = hop?.iprev?.result;
  if (!result) {
    await ext.action.setBadgeText({ tabId, text: '' });
    return;
  }
  const badge = BADGE[result];
  await ext.action.setBadgeText({ tabId, text: ext.i18n.getMessage(badge.key) });
  await ext.action.setBadgeBackgroundColor({ tabId, color: badge.color });
  await ext.action.setTitle({ tabId, title: ext.i18n.getMessage('badgeTitle', result) });
}

/**
 * True when the sender verdict is a temporary failure.
 * @param {Report} report
 */
function temporary(report) {
  const hop = report.sender_hop === null ? null : report.hops[report.sender_hop];
  return hop?.iprev?.result === 'temperror';
}

/**
 * Checks a message, or returns the report cached for the same source (found
 * by its SHA-256, whatever page it came from). The report is cached unless
 * it ends in a temporary failure; storage that fails is a cache miss.
 * @param {string} raw
 * @param {string} source where the message came from, for the report
 * @param {number} [tabId]
 * @returns {Promise<{report: Report, key: string}>}
 */
export async function runCheck(raw, source, tabId) {
  const key = await contentKey(raw);
  const stored = await cached(key);
  if (stored) {
    await setBadge(tabId, stored);
    return { report: { ...stored, source }, key };
  }
  await wasm();
  const prefs = await loadPrefs();
  const report = /** @type {Report} */ (
    await check(new TextEncoder().encode(raw), {
      resolvers: [resolverUrl(prefs)],
      timeoutMs: prefs.timeoutSeconds * 1000,
      allHops: prefs.allHops,
      source,
    })
  );
  // Keep only finished verdicts: a temporary failure is worth a retry.
  if (!temporary(report)) await store(key, report);
  await setBadge(tabId, report);
  return { report, key };
}

ext.runtime.onMessage.addListener((message, sender, reply) => {
  // Not from this extension (another extension, a web page): no answer at all.
  if (!fromThisExtension(sender)) return false;
  const checked = validate(message);
  if ('error' in checked) {
    reply({ ok: false, error: checked.error });
    return false;
  }
  const request = checked.request;
  if (request.type !== 'iprev:check') {
    reply({ ok: false, error: `${request.type} is for a content script, not the background` });
    return false;
  }
  runCheck(request.raw, request.source, sender.tab?.id)
    .then(({ report }) => reply({ ok: true, report }))
    .catch((error) => reply({ ok: false, error: String(error?.message ?? error) }));
  return true;
});

/**
 * The context-menu path: read the selection (keeping its line breaks, which
 * the menu's selectionText loses), check it, open the report in a tab.
 * @param {chrome.contextMenus.OnClickData} info
 * @param {chrome.tabs.Tab | undefined} tab
 */
export async function checkSelection(info, tab) {
  let text = info.selectionText ?? '';
  if (tab?.id !== undefined) {
    try {
      const [result] = await ext.scripting.executeScript({
        target: { tabId: tab.id, frameIds: info.frameId === undefined ? undefined : [info.frameId] },
        func: () => globalThis.getSelection()?.toString() ?? '',
      });
      if (typeof result?.result === 'string' && result.result.trim()) text = result.result;
    } catch {
      // A page scripts cannot run in: keep the menu's own text.
    }
  }
  const checked = await runCheck(text, 'selection', tab?.id);
  // The tab reads the report from the cache, where runCheck put a finished
  // verdict; a temporary failure goes there under a key of its own, so that
  // the next check of the same source asks DNS again.
  let key = checked.key;
  if (temporary(checked.report)) {
    key = `${key}-${Date.now()}`;
    await store(key, checked.report);
  }
  await ext.tabs.create({ url: ext.runtime.getURL(`ext/popup.html?key=${encodeURIComponent(key)}`) });
}

/**
 * Finds a message source in a tab without a content script (self-hosted
 * webmails, source views): needs activeTab, granted by the toolbar click.
 * @param {number} tabId
 * @returns {Promise<string | null>}
 */
export async function sourceByInjection(tabId) {
  const [result] = await ext.scripting.executeScript({ target: { tabId }, func: findHeaderText });
  return typeof result?.result === 'string' ? result.result : null;
}

ext.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID) void checkSelection(info, tab);
});

ext.runtime.onInstalled.addListener(() => {
  ext.contextMenus.create({ id: MENU_ID, title: ext.i18n.getMessage('contextMenuCheck'), contexts: ['selection'] });
});

ext.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === 'loading') void ext.action.setBadgeText({ tabId, text: '' });
});

// For the browser tests and for debugging from the extension's own
// console: the service worker's global scope is not reachable from pages.
Object.assign(globalThis, { iprev: { runCheck, checkSelection, sourceByInjection } });
