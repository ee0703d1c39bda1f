// @ts-check
// The content script of the supported webmails: picks the adapter for the
// page, answers the popup's "what message is here?", and checks the
// webmail's own source view (automatically, when the settings say so) or a
// message whose iprev button was pressed, showing the report in a panel on
// the page. Only what an adapter recognises as the webmail's source view is
// ever read, automatically or on a click: message bodies never are.

import { ext } from '../api.js';
import { fromThisExtension, parse } from '../messages.js';
import { load as loadPrefs } from '../prefs.js';
import { t } from '../../js/i18n.js';
import { Panel } from './panel.js';
import { fastmail } from './adapters/fastmail.js';
import { gmail } from './adapters/gmail.js';
import { outlook } from './adapters/outlook.js';
import { proton } from './adapters/proton.js';
import { yahoo } from './adapters/yahoo.js';

const ADAPTERS = [gmail, outlook, yahoo, proton, fastmail];

/** @typedef {import('./adapters/source-view.js').Source} Source */

/**
 * Checks a message and shows the report above `anchor`.
 * @param {Element} anchor
 * @param {() => Promise<Source>} getSource
 * @param {boolean} allHops whether every public hop is checked (the settings)
 */
async function checkInto(anchor, getSource, allHops) {
  const panel = new Panel(anchor);
  panel.message(t('popupChecking'));
  const found = await getSource();
  if ('error' in found) {
    panel.message(found.error);
    return;
  }
  /** @type {import('../messages.js').CheckReply | undefined} */
  const reply = await ext.runtime.sendMessage({ type: 'iprev:check', raw: found.raw, source: found.source });
  if (reply?.ok) panel.show(reply.report, { allHops });
  else panel.message(t('errorPrefix', reply?.error ?? 'no answer'));
}

export async function start() {
  const adapter = ADAPTERS.find((a) => a.hosts.includes(location.hostname));
  if (!adapter) return;
  ext.runtime.onMessage.addListener((message, sender, reply) => {
    if (!fromThisExtension(sender) || parse(message)?.type !== 'iprev:getSource') return false;
    adapter.source().then(reply);
    return true;
  });
  const prefs = await loadPrefs();
  adapter.watch((anchor, getSource, manual) => {
    if (manual || prefs.autoCheck) void checkInto(anchor, getSource, prefs.allHops);
  });
}
