// @ts-check
// User-visible strings: manifest/_locales/en/messages.json is their one
// source. In the extension they come from chrome.i18n; on the web page from
// messages-en.js, which scripts/build-dist.sh generates from that file.

import { MESSAGES } from './messages-en.js';

/**
 * The message `key`, with `$1`…`$9` replaced by `subs`.
 * @param {string} key
 * @param {...(string | number)} subs
 * @returns {string}
 */
export function t(key, ...subs) {
  const api = /** @type {any} */ (globalThis).chrome?.i18n;
  if (api?.getMessage) {
    const message = api.getMessage(key, subs.map(String));
    if (message) return message;
  }
  const text = MESSAGES[key];
  if (text === undefined) return key;
  return text.replace(/\$([1-9])/g, (_, n) => String(subs[Number(n) - 1] ?? ''));
}
