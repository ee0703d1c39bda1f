// @ts-check
// Yahoo Mail and AOL Mail's raw view (mail.yahoo.com).
//
// URL and DOM facts: "View raw message" (⋯ → View raw message) opens the
// message in a new tab at
// /ws/v3/mailboxes/@.id==<mailbox>/messages/@.id==<message>/content/rawplaintext?appId=…,
// served as text/plain, which the browser renders as one <pre>.
// Only such a page is read (its path ends in /content/rawplaintext and it
// is a plain-text document), automatically or on a click. The mail app
// itself is an HTML page where message bodies are rendered: it is never
// searched, so a <pre> in a message body is never checked.

import { t } from '../../../js/i18n.js';
import { isPlainTextDocument, sourceViewAdapter } from './source-view.js';

/** True on Yahoo's raw-message page. */
export function isRawView() {
  return /\/messages\/[^/]+\/content\/rawplaintext$/.test(location.pathname) && isPlainTextDocument();
}

export const yahoo = sourceViewAdapter({
  name: 'Yahoo',
  hosts: ['mail.yahoo.com'],
  views: () => (isRawView() && document.body ? [document.body] : []),
  missing: t('yahooNoSource'),
});
