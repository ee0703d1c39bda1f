// @ts-check
// The shared shape of an adapter for a webmail that shows a message's
// source in a view of its own (a dialog, or a plain-text document). Such an
// adapter reads that view and nothing else, automatically or on a click: a
// message body can hold a <pre> full of Received fields that its sender
// wrote, and checking it would ask the resolver about names the sender chose
// (a read receipt) and show a verdict on text the sender made up.

import { findHeaderElement, findHeaderText } from '../detect.js';

/**
 * @typedef {{ raw: string, source: string } | { error: string }} Source
 * @typedef {{
 *   name: string,
 *   hosts: string[],
 *   source: () => Promise<Source>,
 *   watch: (found: (anchor: Element, source: () => Promise<Source>, manual: boolean) => void) => void,
 * }} Adapter
 */

/**
 * The webmail's own source views on this page: the elements holding them
 * (none when the page shows none), and what inside them is never read.
 * @typedef {{
 *   name: string,
 *   hosts: string[],
 *   views: () => Element[],
 *   exclude?: string,
 *   missing: string,
 * }} SourceViewSpec
 */

/**
 * True when the page is a plain-text document: the browser shows the
 * response itself (one <pre> in the body), not a web application's HTML, in
 * which message bodies would be rendered.
 */
export function isPlainTextDocument() {
  return document.contentType === 'text/plain' && document.body !== null;
}

/**
 * An adapter that reads the <pre> and <textarea> elements of the source
 * views `spec.views()` names (outside `spec.exclude`), watching the page for
 * such a view to appear.
 * @param {SourceViewSpec} spec
 * @returns {Adapter}
 */
export function sourceViewAdapter(spec) {
  /** The elements that may hold the source, as a document-like object for the detector. */
  function scope() {
    /** @type {Element[]} */
    const elements = [];
    for (const view of spec.views()) {
      const inside = view.matches('pre, textarea') ? [view] : [...view.querySelectorAll('pre, textarea')];
      for (const element of inside) {
        if (spec.exclude && element.closest(spec.exclude)) continue;
        if (element.closest('[data-iprev-panel]')) continue;
        if (!elements.includes(element)) elements.push(element);
      }
    }
    return elements.length ? scopedDocument(elements) : null;
  }
  /** @returns {Promise<Source>} */
  async function source() {
    const within = scope();
    const text = within ? findHeaderText(within) : null;
    if (text === null) return { error: spec.missing };
    return { raw: text, source: `${spec.name}: ${location.hostname}` };
  }
  return {
    name: spec.name,
    hosts: spec.hosts,
    source,
    watch(found) {
      /** @type {Element | null} */
      let shown = null;
      const look = () => {
        const within = scope();
        const anchor = within ? findHeaderElement(within) : null;
        if (anchor && anchor !== shown) {
          shown = anchor;
          found(anchor, source, false);
        }
      };
      look();
      let pending = false;
      new MutationObserver(() => {
        if (pending) return;
        pending = true;
        setTimeout(() => {
          pending = false;
          look();
        }, 250);
      }).observe(document.documentElement, { childList: true, subtree: true });
    },
  };
}

/**
 * A document-like view of some elements, for the detector: it sees those
 * elements and nothing else.
 * @param {Element[]} elements
 * @returns {Document}
 */
function scopedDocument(elements) {
  return /** @type {Document} */ (
    /** @type {unknown} */ ({
      contentType: 'text/html',
      body: null,
      querySelectorAll: () => elements,
    })
  );
}
