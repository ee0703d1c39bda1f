// @ts-check
// Fastmail (app.fastmail.com, www.fastmail.com).
//
// DOM facts: "Show raw message" (More → Show raw message) opens the message
// as a plain-text document in a new tab.

import { t } from '../../../js/i18n.js';
import { sourceViewAdapter } from './source-view.js';

export const fastmail = sourceViewAdapter({
  name: 'Fastmail',
  hosts: ['app.fastmail.com', 'www.fastmail.com'],
  scope: '',
  missing: t('genericNoSource'),
});
