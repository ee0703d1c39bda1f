// @ts-check
// Building DOM from data. Everything that comes from a message or from DNS
// is inserted as text (textContent / text nodes), never parsed as HTML: a
// PTR record can contain markup.

import { t } from './i18n.js';

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {{
 *   className?: string,
 *   text?: string,
 *   dataset?: Record<string, string>,
 *   attrs?: Record<string, string>,
 *   hidden?: boolean,
 *   onClick?: (event: Event) => void,
 * }} Props
 */

/**
 * Creates an element. Children that are strings or numbers become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {Child[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, children = []) {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.dataset) {
    for (const [key, value] of Object.entries(props.dataset)) element.dataset[key] = value;
  }
  if (props.attrs) {
    for (const [key, value] of Object.entries(props.attrs)) {
      if (/^on/i.test(key) || key === 'style' || key === 'srcdoc') throw new Error(`refusing attribute ${key}`);
      element.setAttribute(key, value);
    }
  }
  if (props.hidden) element.hidden = true;
  if (props.onClick) element.addEventListener('click', props.onClick);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return element;
}

/**
 * Removes every child of a node.
 * @param {Element} element
 */
export function clear(element) {
  element.replaceChildren();
}

/**
 * Copies text to the clipboard; resolves true on success.
 * @param {string} text
 * @returns {Promise<boolean>}
 */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A button that copies `text` and says so.
 * @param {string} text
 * @param {string} label
 * @param {string} [done]
 * @param {string} [failed]
 * @returns {HTMLButtonElement}
 */
export function copyButton(text, label, done = t('copied'), failed = t('copyFailed')) {
  const button = h('button', { className: 'copy', text: label, attrs: { type: 'button' } });
  button.addEventListener('click', async () => {
    const ok = await copyText(text);
    button.textContent = ok ? done : failed;
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
  return button;
}
