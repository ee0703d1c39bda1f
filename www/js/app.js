// @ts-check
// The standalone page: paste or drop a message, see its route at once, then
// the live reverse-DNS verdicts as they come in.

import init, { analyze, check, looksLikeMbox, splitMbox, inputPrefixBytes } from '../pkg/iprev_extension.js';
import { h, clear } from './dom.js';
import { renderReport } from './report-view.js';
import * as settingsStore from './settings.js';

/** @typedef {import('../pkg/iprev_extension.js').Report} Report */

/** Largest mbox read whole in the browser. */
const MAX_MBOX_BYTES = 256 * 1024 * 1024;

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} missing`);
  return element;
}

const paste = byId('paste', HTMLTextAreaElement);
const fileInput = byId('file', HTMLInputElement);
const drop = byId('drop', HTMLElement);
const checkButton = byId('check', HTMLButtonElement);
const offlineBox = byId('offline', HTMLInputElement);
const status = byId('status', HTMLElement);
const messagesBox = byId('messages', HTMLElement);
const reportBox = byId('report', HTMLElement);
const customUrl = byId('custom-url', HTMLInputElement);
const timeoutInput = byId('timeout', HTMLInputElement);
const allHopsBox = byId('all-hops', HTMLInputElement);
const settingsError = byId('settings-error', HTMLElement);

let settings = settingsStore.load(localStorage);
/** Bumped on every new run, so a slow check cannot overwrite a newer one. */
let generation = 0;

/** @param {string} text */
function say(text) {
  status.textContent = text;
}

function showSettings() {
  for (const radio of document.querySelectorAll('input[name="resolver"]')) {
    if (radio instanceof HTMLInputElement) radio.checked = radio.value === settings.resolver;
  }
  customUrl.value = settings.customUrl;
  timeoutInput.value = String(settings.timeoutSeconds);
  allHopsBox.checked = settings.allHops;
}

function readSettings() {
  const chosen = document.querySelector('input[name="resolver"]:checked');
  const value = chosen instanceof HTMLInputElement ? chosen.value : 'cloudflare';
  settings = {
    resolver: value === 'google' || value === 'quad9' || value === 'custom' ? value : 'cloudflare',
    customUrl: customUrl.value.trim(),
    timeoutSeconds: Math.min(60, Math.max(1, Number(timeoutInput.value) || 5)),
    allHops: allHopsBox.checked,
  };
  const problem = settings.resolver === 'custom' ? settingsStore.urlProblem(settings.customUrl) : null;
  settingsError.textContent = problem ? `Custom resolver: ${problem}.` : '';
  settingsStore.save(localStorage, settings);
}

/**
 * Options for the bridge.
 * @param {string} source
 * @returns {import('../pkg/iprev_extension.js').CheckOptions}
 */
function options(source) {
  const url = settingsStore.resolverUrl(settings) ?? settingsStore.PRESETS.cloudflare;
  return { resolvers: [url], timeoutMs: settings.timeoutSeconds * 1000, allHops: settings.allHops, source };
}

/**
 * Shows a report (replacing what was there).
 * @param {Report} report
 * @param {{checking?: boolean, offline?: boolean}} state
 */
function show(report, state) {
  clear(reportBox);
  reportBox.append(renderReport(report, { ...state, allHops: settings.allHops }));
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function errorText(error) {
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}

/**
 * Analyses one message, then checks it live.
 * @param {Uint8Array} bytes
 * @param {string} source
 */
async function run(bytes, source) {
  const mine = ++generation;
  const offline = offlineBox.checked;
  let report;
  try {
    report = /** @type {Report} */ (analyze(bytes, options(source)));
  } catch (error) {
    clear(reportBox);
    say('');
    reportBox.append(h('p', { className: 'error', attrs: { role: 'alert' }, text: errorText(error) }));
    return;
  }
  show(report, { checking: !offline, offline });
  if (offline) {
    say(`Parsed ${report.hops.length} Received fields.`);
    return;
  }
  say('Checking reverse DNS…');
  checkButton.disabled = true;
  try {
    const checked = /** @type {Report} */ (await check(bytes, options(source)));
    if (mine !== generation) return;
    show(checked, {});
    const sender = checked.sender_hop === null ? null : checked.hops[checked.sender_hop];
    say(sender?.iprev ? `Sender hop ${sender.index}: iprev=${sender.iprev.result}.` : 'Checked: no sender hop to judge.');
  } catch (error) {
    if (mine !== generation) return;
    show(report, { offline: true });
    say(`The check failed: ${errorText(error)}`);
  } finally {
    checkButton.disabled = false;
  }
}

/**
 * Starts on some input: one message, or an mbox to choose from.
 * @param {Uint8Array} bytes
 * @param {string} name
 */
function start(bytes, name) {
  clear(messagesBox);
  if (!looksLikeMbox(bytes)) {
    void run(bytes, name);
    return;
  }
  const parts = splitMbox(bytes);
  if (parts.length === 0) {
    void run(bytes, name);
    return;
  }
  const select = h('select', { attrs: { id: 'message-select', 'aria-label': 'Message of the mailbox' } });
  parts.forEach((_, i) => select.append(h('option', { text: `Message ${i + 1} of ${parts.length}`, attrs: { value: String(i) } })));
  select.addEventListener('change', () => {
    const i = Number(select.value);
    void run(parts[i], `${name}#${i + 1}`);
  });
  messagesBox.append(h('label', { text: `${name} holds ${parts.length} messages: ` }), select);
  void run(parts[0], `${name}#1`);
}

/** @param {File} file */
async function readFile(file) {
  const whole = looksLikeMbox(new Uint8Array(await file.slice(0, 1024).arrayBuffer()));
  if (whole && file.size > MAX_MBOX_BYTES) {
    say(`${file.name} is a ${Math.round(file.size / 1048576)} MB mailbox; the page reads at most 256 MB. Use the iprev command for large archives.`);
    return;
  }
  const limit = whole ? file.size : Math.min(file.size, inputPrefixBytes());
  start(new Uint8Array(await file.slice(0, limit).arrayBuffer()), file.name);
}

function fromPaste() {
  const text = paste.value;
  if (!text.trim()) {
    say('Paste a message first, or drop a file.');
    return;
  }
  start(new TextEncoder().encode(text), 'pasted');
}

async function main() {
  await init();
  showSettings();
  document.body.dataset.ready = 'true';
  checkButton.addEventListener('click', fromPaste);
  paste.addEventListener('paste', () => setTimeout(fromPaste, 0));
  paste.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) fromPaste();
  });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) void readFile(file);
  });
  drop.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      fileInput.click();
    }
  });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (event) => {
      event.preventDefault();
      drop.classList.add('over');
    });
  }
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const file = event.dataTransfer?.files?.[0];
    if (file) void readFile(file);
  });
  for (const element of document.querySelectorAll('input[name="resolver"], #custom-url, #timeout, #all-hops')) {
    element.addEventListener('change', readSettings);
  }
}

main().catch((error) => {
  say(`iprev could not start: ${errorText(error)}`);
});
