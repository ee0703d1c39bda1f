// @ts-check
// The toolbar popup: the report of the message open in the current tab
// (asked from the webmail's content script, or found by injecting the
// detector where none runs), of a report stored by the context menu
// (?key=…), or of a pasted or chosen message. Checks run in the background.

import init, { looksLikeMbox, splitMbox } from '../pkg/iprev_extension.js';
import { ext } from './api.js';
import { localize } from './i18n-dom.js';
import { findHeaderText } from './content/detect.js';
import { isRoundcubeSourceView } from './content/adapters/roundcube.js';
import { h, clear } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { renderReport } from '../js/report-view.js';
import { cached } from './report-cache.js';
import { load as loadPrefs } from './prefs.js';

/** @typedef {import('../pkg/iprev_extension.js').Report} Report */

const status = /** @type {HTMLElement} */ (document.getElementById('status'));
const reportBox = /** @type {HTMLElement} */ (document.getElementById('report'));
const messagesBox = /** @type {HTMLElement} */ (document.getElementById('messages'));
const paste = /** @type {HTMLTextAreaElement} */ (document.getElementById('paste'));
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('file'));
const manual = /** @type {HTMLDetailsElement} */ (document.getElementById('manual'));

/** @param {string} text */
function say(text) {
  status.textContent = text;
}

/** @param {Report} report */
async function show(report) {
  const { allHops } = await loadPrefs();
  clear(reportBox);
  reportBox.append(renderReport(report, { allHops }));
  say('');
}

/**
 * Has the background check a message; shows the result.
 * @param {string} raw
 * @param {string} source
 */
async function check(raw, source) {
  say(t('popupChecking'));
  /** @type {import('./messages.js').CheckReply | undefined} */
  const reply = await ext.runtime.sendMessage({ type: 'iprev:check', raw, source });
  if (reply?.ok) await show(reply.report);
  else say(t('errorPrefix', reply?.error ?? 'no answer'));
}

/**
 * The message shown in a tab: from its content script, else by injection.
 * @param {chrome.tabs.Tab} tab
 * @returns {Promise<import('./messages.js').SourceReply>}
 */
async function sourceOf(tab) {
  if (tab.id === undefined) return { error: t('popupNothingHere') };
  try {
    const reply = await ext.tabs.sendMessage(tab.id, { type: 'iprev:getSource' });
    if (reply && typeof reply === 'object') return reply;
  } catch {
    // No content script in this tab: try the detector below.
  }
  try {
    const [result] = await ext.scripting.executeScript({ target: { tabId: tab.id }, func: findHeaderText });
    if (typeof result?.result === 'string') {
      const name = isRoundcubeSourceView(tab.url ?? '') ? 'Roundcube' : new URL(tab.url ?? 'about:blank').hostname;
      return { raw: result.result, source: name };
    }
  } catch {
    // No access to this tab (a browser page, or not granted).
  }
  return { error: t('popupNothingHere') };
}

async function fromTab() {
  const params = new URLSearchParams(location.search);
  const key = params.get('key');
  if (key) {
    const stored = await cached(key);
    if (stored) await show(stored);
    else say(t('popupNothingHere'));
    return;
  }
  const tabParam = Number(params.get('tab'));
  const tab = Number.isInteger(tabParam) && tabParam > 0
    ? await ext.tabs.get(tabParam).catch(() => undefined)
    : (await ext.tabs.query({ active: true, currentWindow: true }))[0];
  if (!tab) {
    say(t('popupNothingHere'));
    manual.open = true;
    return;
  }
  say(t('popupLooking'));
  const found = await sourceOf(tab);
  if ('error' in found) {
    say(found.error);
    manual.open = true;
    return;
  }
  await check(found.raw, found.source);
}

/**
 * A pasted or chosen message, or an mbox of them (split by the core).
 * @param {Uint8Array} bytes
 * @param {string} name
 */
async function fromBytes(bytes, name) {
  await ready;
  clear(messagesBox);
  const decode = (/** @type {Uint8Array} */ part) => new TextDecoder().decode(part);
  if (!looksLikeMbox(bytes)) {
    void check(decode(bytes), name);
    return;
  }
  const parts = splitMbox(bytes);
  const select = h('select', { attrs: { 'aria-label': t('mboxPicker', name, parts.length) } });
  parts.forEach((_, i) => select.append(h('option', { text: t('mboxOption', i + 1, parts.length), attrs: { value: String(i) } })));
  select.addEventListener('change', () => {
    const i = Number(select.value);
    void check(decode(parts[i]), `${name}#${i + 1}`);
  });
  messagesBox.append(h('label', { text: t('mboxPicker', name, parts.length) }), select);
  if (parts.length) void check(decode(parts[0]), `${name}#1`);
}

const ready = init({ module_or_path: ext.runtime.getURL('pkg/iprev_extension_bg.wasm') });

localize(document);
document.getElementById('check')?.addEventListener('click', () => {
  if (paste.value.trim()) void fromBytes(new TextEncoder().encode(paste.value), 'pasted');
});
fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  if (file) void fromBytes(new Uint8Array(await file.slice(0, 256 * 1024 * 1024).arrayBuffer()), file.name);
});
void fromTab();
