// @ts-check
// The shared shape of an adapter for a webmail that shows a message's
// source in a view of its own (a dialog, a page, a plain-text document).

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
 * An adapter that finds the source in `scope` (a CSS selector for the view
 * holding it; the whole document when empty), watching the page for the
 * view to appear.
 * @param {{name: string, hosts: string[], scope: string, missing: string}} spec
 * @returns {Adapter}
 */
export function sourceViewAdapter(spec) {
  /** @returns {Element | null} */
  function container() {
    return spec.scope ? document.querySelector(spec.scope) : document.documentElement;
  }
  /** @returns {Promise<Source>} */
  async function source() {
    const scope = container();
    const text = scope ? findHeaderText(scopedDocument(scope)) : null;
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
        const scope = container();
        const anchor = scope ? findHeaderElement(scopedDocument(scope)) : null;
        if (anchor && anchor !== shown && !anchor.closest('[data-iprev-panel]')) {
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
 * A document-like view of one element, for the detector.
 * @param {Element} scope
 * @returns {Document}
 */
function scopedDocument(scope) {
  if (scope === document.documentElement) return document;
  return /** @type {Document} */ (
    /** @type {unknown} */ ({
      contentType: 'text/html',
      body: null,
      querySelectorAll: (/** @type {string} */ selector) => scope.querySelectorAll(selector),
    })
  );
}
