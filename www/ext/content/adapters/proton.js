// @ts-check
// Proton Mail (mail.proton.me).
//
// DOM facts: "View headers" (message ⋯ → View headers) opens a modal dialog
// (role="dialog" or a <dialog>) with the headers in a <pre> or <textarea>.

import { t } from '../../../js/i18n.js';
import { sourceViewAdapter } from './source-view.js';

export const proton = sourceViewAdapter({
  name: 'Proton',
  hosts: ['mail.proton.me'],
  scope: '[role="dialog"], dialog',
  missing: t('genericNoSource'),
});
