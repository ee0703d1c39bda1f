// @ts-check
// Outlook on the web (outlook.office.com, outlook.office365.com, outlook.live.com).
//
// DOM facts: "View message source" (⋯ → View → View message source) and
// "Message details" open a dialog, an element with role="dialog", that shows
// the source or the Internet headers in a <pre> or <textarea>. Message
// bodies are rendered in an element with role="document" (aria-label
// "Message body"), in the reading pane and also in a dialog (an attached
// message opened on its own); compose areas are contenteditable.
// Only a <pre> or <textarea> inside a role="dialog" element, and not inside
// a message body or compose area, is read, automatically or on a click.

import { t } from '../../../js/i18n.js';
import { sourceViewAdapter } from './source-view.js';

export const outlook = sourceViewAdapter({
  name: 'Outlook',
  hosts: ['outlook.office.com', 'outlook.office365.com', 'outlook.live.com'],
  views: () => [...document.querySelectorAll('[role="dialog"]')],
  exclude: '[role="document"], [contenteditable=""], [contenteditable="true"]',
  missing: t('outlookNoSource'),
});
