// @ts-check
// Outlook on the web (outlook.office.com, outlook.office365.com, outlook.live.com).
//
// DOM facts: "View message source" (⋯ → View → View message source) and
// "Message details" open a dialog, an element with role="dialog", that shows
// the source or the Internet headers in a <pre> or <textarea>.

import { t } from '../../../js/i18n.js';
import { sourceViewAdapter } from './source-view.js';

export const outlook = sourceViewAdapter({
  name: 'Outlook',
  hosts: ['outlook.office.com', 'outlook.office365.com', 'outlook.live.com'],
  scope: '[role="dialog"]',
  missing: t('genericNoSource'),
});
