// @ts-check
// The in-page panel: the report component inside a closed shadow root, so
// the webmail's CSS and scripts can neither style nor read it. The host
// element carries no result: nothing about the check is exposed to the page.

import { ext } from '../api.js';
import { h } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { renderReport } from '../../js/report-view.js';

/** @typedef {import('../../pkg/iprev_extension.js').Report} Report */

let css = /** @type {Promise<CSSStyleSheet> | null} */ (null);

/** The page's stylesheet, shared by every panel, adopted (not linked): page CSP cannot block it. */
function stylesheet() {
  css ??= fetch(ext.runtime.getURL('css/style.css'))
    .then((response) => response.text())
    .then((text) => {
      const sheet = new CSSStyleSheet();
      // The page's variables live on :root; in a shadow tree they belong on :host.
      const scoped = text.replace(/:root\b/g, ':host');
      sheet.replaceSync(`${scoped}\n:host { display: block; margin: 0 0 1rem; font: 14px/1.5 system-ui, sans-serif; color: var(--fg); }\n.panel { border: 2px solid var(--accent); border-radius: 8px; padding: 0.5rem 1rem 1rem; background: var(--bg); color: var(--fg); }\n.panel-head { display: flex; justify-content: space-between; align-items: center; }`);
      return sheet;
    });
  return css;
}

/** A panel placed before an element of the page. */
export class Panel {
  /** @param {Element} anchor */
  constructor(anchor) {
    this.host = document.createElement('div');
    this.host.setAttribute('data-iprev-panel', '');
    anchor.before(this.host);
    this.root = this.host.attachShadow({ mode: 'closed' });
    this.body = h('div', { className: 'panel-body' });
    const close = h('button', { text: t('panelClose'), attrs: { type: 'button' } });
    close.addEventListener('click', () => this.host.remove());
    this.root.append(
      h('div', { className: 'panel', attrs: { role: 'region', 'aria-label': t('panelTitle') } }, [
        h('div', { className: 'panel-head' }, [h('strong', { text: t('panelTitle') }), close]),
        h('div', { attrs: { role: 'status', 'aria-live': 'polite' } }, [this.body]),
      ]),
    );
    void stylesheet().then((sheet) => {
      this.root.adoptedStyleSheets = [sheet];
    });
  }

  /** @param {string} text */
  message(text) {
    this.body.replaceChildren(h('p', { text }));
  }

  /**
   * @param {Report} report
   * @param {{checking?: boolean, allHops?: boolean}} [state]
   */
  show(report, state = {}) {
    this.body.replaceChildren(renderReport(report, state));
  }
}
