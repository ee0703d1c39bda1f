// @ts-check
// The options page. A custom resolver's origin is asked for as an optional
// host permission when it is saved (a click, so the browser can ask).

import { ext } from './api.js';
import { localize } from './i18n-dom.js';
import { load, save } from './prefs.js';
import { clearAll } from './report-cache.js';
import { urlProblem } from '../js/settings.js';
import { t } from '../js/i18n.js';

const form = /** @type {HTMLFormElement} */ (document.getElementById('form'));
const customUrl = /** @type {HTMLInputElement} */ (document.getElementById('custom-url'));
const timeout = /** @type {HTMLInputElement} */ (document.getElementById('timeout'));
const auto = /** @type {HTMLInputElement} */ (document.getElementById('auto'));
const allHops = /** @type {HTMLInputElement} */ (document.getElementById('all-hops'));
const saved = /** @type {HTMLElement} */ (document.getElementById('saved'));

async function show() {
  const prefs = await load();
  for (const radio of form.querySelectorAll('input[name="resolver"]')) {
    if (radio instanceof HTMLInputElement) radio.checked = radio.value === prefs.resolver;
  }
  customUrl.value = prefs.customUrl;
  timeout.value = String(prefs.timeoutSeconds);
  auto.checked = prefs.autoCheck;
  allHops.checked = prefs.allHops;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const chosen = form.querySelector('input[name="resolver"]:checked');
  const value = chosen instanceof HTMLInputElement ? chosen.value : 'cloudflare';
  const resolver = value === 'google' || value === 'quad9' || value === 'custom' ? value : 'cloudflare';
  const url = customUrl.value.trim();
  if (resolver === 'custom') {
    const problem = urlProblem(url);
    if (problem) {
      saved.textContent = t('optionsBadUrl', problem);
      return;
    }
    const origin = `${new URL(url).origin}/*`;
    // An origin outside optional_host_permissions (http://[::1], say) makes the request throw.
    const granted = await ext.permissions.request({ origins: [origin] }).catch(() => false);
    if (!granted) {
      saved.textContent = t('optionsPermissionDenied', new URL(url).origin);
      return;
    }
  }
  await save({
    resolver,
    customUrl: url,
    timeoutSeconds: Math.min(60, Math.max(1, Number(timeout.value) || 5)),
    autoCheck: auto.checked,
    allHops: allHops.checked,
  });
  // Reports of this session were made with the old settings.
  await clearAll();
  saved.textContent = t('optionsSaved');
});

localize(document);
void show();
