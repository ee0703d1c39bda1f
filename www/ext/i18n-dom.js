// @ts-check
// Fills the text of extension pages from _locales: every element with
// data-i18n="key" gets that message as its text.

import { t } from '../js/i18n.js';

/** @param {ParentNode} root */
export function localize(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    const key = element.getAttribute('data-i18n');
    if (key) element.textContent = t(key);
  }
}
