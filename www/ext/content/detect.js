// @ts-check
// Finding a message's source on a page that shows it: a `pre`, a
// `textarea`, or a document the browser renders as plain text.
//
// `findHeaderText` is self-contained (no imports, no outer variables): the
// popup injects it as is with scripting.executeScript on pages where no
// content script runs (self-hosted Roundcube, any source view), and the
// content scripts call it directly.

/**
 * The longest text on the page that holds a header block with Received
 * fields, or null.
 * @param {Document} [doc]
 * @returns {string | null}
 */
export function findHeaderText(doc = document) {
  const header = /^[\x21-\x39\x3b-\x7e]{1,100}:/m;
  const received = /^Received:[ \t]/im;
  /** @param {string} text */
  const looksLikeHeaders = (text) => received.test(text) && header.test(text);
  /** @type {string[]} */
  const candidates = [];
  if (doc.contentType === 'text/plain' && doc.body) candidates.push(doc.body.textContent ?? '');
  for (const element of doc.querySelectorAll('pre, textarea')) {
    candidates.push(element instanceof HTMLTextAreaElement ? element.value : (element.textContent ?? ''));
  }
  const found = candidates.filter(looksLikeHeaders).sort((a, b) => b.length - a.length);
  return found[0] ?? null;
}

/**
 * The element that holds that text (to put the panel above it), or null.
 * @param {Document} [doc]
 * @returns {Element | null}
 */
export function findHeaderElement(doc = document) {
  const text = findHeaderText(doc);
  if (text === null) return null;
  for (const element of doc.querySelectorAll('pre, textarea')) {
    const value = element instanceof HTMLTextAreaElement ? element.value : element.textContent;
    if (value === text) return element;
  }
  return doc.body;
}
