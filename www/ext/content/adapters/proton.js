// @ts-check
// Proton Mail (mail.proton.me).
//
// DOM facts: "View headers" (message ⋯ → View headers) opens a modal dialog
// (role="dialog" or a <dialog>) with the headers in a <pre> or <textarea>.
// Message bodies are rendered inside an iframe, which this content script
// (top frame only) does not see; compose areas are contenteditable.
// Only a <pre> or <textarea> inside such a dialog, and not inside an element
// with role="document" or a compose area, is read, automatically or on a
// click.

import { t } from '../../../js/i18n.js';
import { sourceViewAdapter } from './source-view.js';

export const proton = sourceViewAdapter({
  name: 'Proton',
  hosts: ['mail.proton.me'],
  views: () => [...document.querySelectorAll('[role="dialog"], dialog')],
  exclude: '[role="document"], [contenteditable=""], [contenteditable="true"]',
  missing: t('protonNoSource'),
});
