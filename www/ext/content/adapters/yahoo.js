// @ts-check
// Yahoo Mail and AOL Mail's raw view (mail.yahoo.com).
//
// DOM facts: "View raw message" (⋯ → View raw message) opens the message in
// a new tab as a plain-text document (…/content/rawplaintext…), which the
// browser renders as one <pre>.

import { t } from '../../../js/i18n.js';
import { sourceViewAdapter } from './source-view.js';

export const yahoo = sourceViewAdapter({ name: 'Yahoo', hosts: ['mail.yahoo.com'], scope: '', missing: t('genericNoSource') });
