// @ts-check
// Fastmail (app.fastmail.com, www.fastmail.com).
//
// DOM facts: "Show raw message" (More → Show raw message) opens the message
// in a new tab as a plain-text document (text/plain, rendered by the browser
// as one <pre>). The web app is an HTML document, in which message bodies
// are rendered; attachments are served from another origin
// (www.fastmailusercontent.com, the JMAP session's downloadUrl), where this
// content script does not run. Only a top-level plain-text document on these
// hosts is read, automatically or on a click: the app's pages, and so any
// <pre> in a message body, never are.

import { t } from '../../../js/i18n.js';
import { isPlainTextDocument, sourceViewAdapter } from './source-view.js';

export const fastmail = sourceViewAdapter({
  name: 'Fastmail',
  hosts: ['app.fastmail.com', 'www.fastmail.com'],
  views: () => (isPlainTextDocument() && document.body ? [document.body] : []),
  missing: t('fastmailNoSource'),
});
