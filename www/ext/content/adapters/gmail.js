// @ts-check
// Gmail (mail.google.com).
//
// DOM facts this adapter relies on (Gmail's web client, 2024–2026):
// - "Show original" opens .../mail/u/<n>/?ik=<ik>&view=om&permmsgid=msg-f:<decimal id>,
//   a page whose <pre id="raw_message_text"> holds the whole raw message.
// - In a conversation every message is an element carrying
//   data-message-id="#msg-f:<decimal id>" (and data-legacy-message-id="<hex id>");
//   the last of them is the newest, open message.
// - The account's path is /mail/u/<n>/ at the start of location.pathname.
// - Gmail's own Show original links carry `ik`, the 10th element of the
//   GLOBALS array its inline script defines (`var GLOBALS=[...]`); without it
//   the same URL is tried with no `ik`.
// What is read: automatically, only the <pre id="raw_message_text"> of a
// page whose URL has view=om (Gmail writes the message into it as text, so
// the message cannot add elements to that page); on a click (the button
// added to each message, or the toolbar), that message's own Show original,
// fetched. The conversation's message bodies (.a3s, whatever they hold) are
// never read. When these facts do not hold, the adapter says so ("open the
// message first") instead of guessing.

import { t } from '../../../js/i18n.js';

/** @typedef {import('./source-view.js').Source} Source */

const RAW = '#raw_message_text';
const MESSAGE = '[data-message-id]';

function isShowOriginal() {
  return new URLSearchParams(location.search).get('view') === 'om';
}

/** @returns {string} */
function accountPath() {
  const match = /^\/mail\/u\/\d+\//.exec(location.pathname);
  return match ? match[0] : '/mail/u/0/';
}

/** @returns {string | null} */
function ik() {
  for (const script of document.querySelectorAll('script:not([src])')) {
    const match = /GLOBALS\s*=\s*\[(?:[^,\]]*,){9}\s*"([0-9a-f]{6,16})"/.exec(script.textContent ?? '');
    if (match) return match[1];
  }
  return null;
}

/**
 * The decimal message id of a message element (`#msg-f:1781234567890123456`).
 * @param {Element} element
 * @returns {string | null}
 */
function messageId(element) {
  const match = /msg-f:(\d{6,25})$/.exec(element.getAttribute('data-message-id') ?? '');
  return match ? match[1] : null;
}

/**
 * Fetches a message's raw source from Gmail's own Show original view
 * (same origin, the user's session).
 * @param {string} id
 * @returns {Promise<Source>}
 */
async function fetchOriginal(id) {
  const params = new URLSearchParams();
  const key = ik();
  if (key) params.set('ik', key);
  params.set('view', 'om');
  params.set('permmsgid', `msg-f:${id}`);
  const url = `${location.origin}${accountPath()}?${params}`;
  let response;
  try {
    response = await fetch(url, { credentials: 'include' });
  } catch (error) {
    return { error: t('gmailFetchFailed', String(error)) };
  }
  if (!response.ok) return { error: t('gmailFetchFailed', `HTTP ${response.status}`) };
  // Parsed, never run: DOMParser does not execute scripts.
  const page = new DOMParser().parseFromString(await response.text(), 'text/html');
  const raw = page.querySelector(RAW)?.textContent;
  if (!raw) return { error: t('gmailFetchFailed', 'no raw message in the page') };
  return { raw, source: 'Gmail' };
}

/** @returns {Promise<Source>} */
async function source() {
  if (isShowOriginal()) {
    const raw = document.querySelector(RAW)?.textContent;
    return raw ? { raw, source: 'Gmail' } : { error: t('gmailOpenShowOriginal') };
  }
  const messages = document.querySelectorAll(MESSAGE);
  const last = messages[messages.length - 1];
  const id = last ? messageId(last) : null;
  return id ? fetchOriginal(id) : { error: t('gmailOpenShowOriginal') };
}

/**
 * @param {(anchor: Element, source: () => Promise<Source>, manual: boolean) => void} found
 */
function watch(found) {
  if (isShowOriginal()) {
    const pre = document.querySelector(RAW);
    if (pre) found(pre, source, false);
    return;
  }
  const decorate = () => {
    for (const element of document.querySelectorAll(MESSAGE)) {
      const id = messageId(element);
      if (!id || element.querySelector(':scope > [data-iprev-button]')) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('data-iprev-button', '');
      button.textContent = t('panelCheckButton');
      button.addEventListener('click', () => found(element, () => fetchOriginal(id), true));
      element.prepend(button);
    }
  };
  decorate();
  new MutationObserver(decorate).observe(document.documentElement, { childList: true, subtree: true });
}

/** @type {import('./source-view.js').Adapter} */
export const gmail = { name: 'Gmail', hosts: ['mail.google.com'], source, watch };
