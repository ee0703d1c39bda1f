// The Chrome build (dist/chrome) loaded into Debian's Chromium, on fixture
// webmail pages served over HTTPS under the real host names, with the
// default resolver (cloudflare-dns.com) mapped to the DoH test server: the
// real match patterns, host permissions and content scripts at work.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, ROOT, launchWithExtensions, panelVerdict, startDoh } from './helpers.mjs';
import { GMAIL_IK, GMAIL_MESSAGE_ID, sample, startWebmail } from './webmail.mjs';
import { findHeaderText } from '../../www/ext/content/detect.js';

const HOSTS = ['mail.google.com', 'outlook.office.com', 'mail.yahoo.com', 'app.fastmail.com', 'mail.proton.me', 'webmail.example-hosting.net'];

/** @type {Awaited<ReturnType<typeof startDoh>>} */
let doh;
/** @type {Awaited<ReturnType<typeof startWebmail>>} */
let webmail;
/** @type {import('playwright-core').BrowserContext} */
let context;
/** @type {import('playwright-core').Worker} */
let worker;
let extensionId = '';
let profile = '';

before(async () => {
  doh = await startDoh(join(ROOT, 'tests', 'e2e', 'zone.txt'));
  webmail = await startWebmail(doh.url);
  const rules = [
    ...HOSTS.map((host) => `MAP ${host} 127.0.0.1:${webmail.webmailPort}`),
    `MAP cloudflare-dns.com 127.0.0.1:${webmail.dohPort}`,
  ].join(', ');
  ({ context, profile } = await launchWithExtensions([join(ROOT, 'dist', 'chrome')], rules));
  worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  extensionId = new URL(worker.url()).host;
});

after(async () => {
  await context?.close();
  webmail?.close();
  doh?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The badge text of a page's tab. @param {string} url */
async function badge(url) {
  const id = await tabId(url);
  return id === undefined ? null : worker.evaluate((tab) => chrome.action.getBadgeText({ tabId: tab }), id);
}

/** @param {string} url */
async function tabId(url) {
  // tabs.query's url is a match pattern (no fragments, no query strings): compare exactly instead.
  return worker.evaluate(async (pageUrl) => (await chrome.tabs.query({})).find((tab) => tab.url === pageUrl)?.id, url);
}

test('Gmail "Show original": the report appears above the raw text without a click', async () => {
  const page = await context.newPage();
  const url = `https://mail.google.com/mail/u/0/?ik=${GMAIL_IK}&view=om&permmsgid=msg-f:${GMAIL_MESSAGE_ID}`;
  await page.goto(url);
  const panel = await panelVerdict(context, page);
  assert.equal(panel.result, 'pass');
  const sender = panel.elements.find((e) => e.attrs['data-hop-index'] === '2');
  assert.equal(sender?.attrs['data-ip'], '81.2.69.150');
  assert.equal(sender?.attrs['data-iprev-result'], 'pass');
  assert.ok(panel.elements.some((e) => e.attrs['data-advice-id'] === 'helo-internal'));
  assert.equal(await badge(url), 'pass');
  // The host element says nothing about the result, and the page cannot open the shadow root.
  assert.deepEqual(await page.evaluate(() => {
    const host = document.querySelector('[data-iprev-panel]');
    return host ? [...host.attributes].map((a) => a.name).concat(String(host.shadowRoot)) : null;
  }), ['data-iprev-panel', 'null']);
  await page.screenshot({ path: join(ARTIFACTS, 'extension-panel-gmail.png') });
  await page.close();
});

test('Gmail conversation: one click on the added button fetches Show original and shows the report', async () => {
  const page = await context.newPage();
  await page.goto('https://mail.google.com/mail/u/0/#inbox/FMfcgzQZTBcqLtdh');
  await page.click('[data-iprev-button]');
  const panel = await panelVerdict(context, page);
  assert.equal(panel.result, 'pass');
  await page.close();
});

test('the toolbar popup shows the report of the open Gmail message', async () => {
  const page = await context.newPage();
  await page.goto('https://mail.google.com/mail/u/0/#inbox/FMfcgzQZTBcqLtdh');
  await page.waitForSelector('[data-iprev-button]');
  const id = await tabId(page.url());
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 800, height: 900 });
  await popup.goto(`chrome-extension://${extensionId}/ext/popup.html?tab=${id}`);
  await popup.waitForSelector('[data-sender-result="pass"]');
  assert.ok(await popup.$('tr[data-hop-index="2"][data-ip="81.2.69.150"][data-iprev-result="pass"]'));
  await popup.screenshot({ path: join(ARTIFACTS, 'extension-popup.png'), fullPage: true });
  await popup.close();
  await page.close();
});

test('Outlook "View message source" dialog: checked as it appears', async () => {
  const page = await context.newPage();
  const url = 'https://outlook.office.com/mail/inbox/id/AAQkADAwATM3ZmYAZS05';
  await page.goto(url);
  const panel = await panelVerdict(context, page);
  assert.equal(panel.result, 'permerror');
  assert.ok(panel.elements.some((e) => e.attrs['data-advice-id'] === 'ptr-missing'));
  assert.equal(await badge(url), 'perm');
  await page.close();
});

test('Yahoo raw message and Fastmail raw view (plain-text documents)', async () => {
  const yahoo = await context.newPage();
  await yahoo.goto('https://mail.yahoo.com/ws/v3/mailboxes/@.id==VjN-abc/messages/@.id==AKm9/content/rawplaintext?appId=YMailNorrin');
  assert.equal((await panelVerdict(context, yahoo)).result, 'pass');
  await yahoo.close();
  const fastmail = await context.newPage();
  await fastmail.goto('https://app.fastmail.com/mail/Inbox/T1a2b3c/raw');
  assert.equal((await panelVerdict(context, fastmail)).result, 'fail');
  await fastmail.close();
});

test('context menu: the selected headers are checked and the report opens in a tab', async () => {
  const page = await context.newPage();
  const url = 'https://mail.yahoo.com/ws/v3/mailboxes/@.id==VjN-abc/messages/@.id==AKm9/content/rawplaintext?appId=YMailNorrin';
  await page.goto(url);
  await panelVerdict(context, page);
  await page.evaluate(() => {
    const pre = document.querySelector('body > pre');
    if (pre) getSelection()?.selectAllChildren(pre);
  });
  const id = await tabId(url);
  const opened = context.waitForEvent('page');
  await worker.evaluate(
    ({ tab }) => globalThis.iprev.checkSelection({ menuItemId: 'iprev-check-selection', frameId: 0, selectionText: 'x' }, { id: tab }),
    { tab: id },
  );
  const report = await opened;
  await report.waitForSelector('[data-sender-result="pass"]');
  assert.match(report.url(), /\/ext\/popup\.html\?key=selection/);
  await report.close();
  await page.close();
});

test('a hostile PTR name renders inert inside the panel', async () => {
  const page = await context.newPage();
  await page.goto('https://mail.proton.me/u/0/inbox/abc');
  const panel = await panelVerdict(context, page);
  assert.equal(panel.result, 'fail');
  assert.match(panel.text, /<img\\ src=x\\ onerror=window\.__pwned=1>\.evil\.example/);
  assert.match(panel.text, /<script>window\.__pwned=2<\/script>/);
  assert.equal(panel.elements.filter((e) => e.name === 'img' || e.name === 'script').length, 0);
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__pwned), undefined);
  await page.close();
});

test('a self-hosted Roundcube source view needs the toolbar click (activeTab); without it the popup says so', async () => {
  const page = await context.newPage();
  const url = 'https://webmail.example-hosting.net/?_task=mail&_action=viewsource&_uid=42&_mbox=INBOX';
  await page.goto(url);
  // Without access to the site, the extension cannot even read the tab's URL: take the newest tab.
  const id = await worker.evaluate(async () => Math.max(...(await chrome.tabs.query({})).map((tab) => tab.id ?? -1)));
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/ext/popup.html?tab=${id}`);
  await popup.waitForFunction(() => document.getElementById('status')?.textContent?.includes('No message source'));
  assert.equal(await popup.$('[data-sender-result]'), null);
  await popup.close();
  // What the toolbar click injects there (scripting.executeScript with this very function) finds the source.
  const found = await page.evaluate(`(${findHeaderText.toString()})()`);
  assert.equal(found, sample('sendmail-may-be-forged.eml').replace(/\r\n/g, '\n'));
  await page.close();
});

test('the resolver never sees the messages: only reverse names and host names', () => {
  const lines = doh.log();
  assert.ok(lines.length > 0);
  for (const line of lines) {
    const [, method, target, ...question] = line.split(' ');
    assert.equal(method, 'GET', line);
    assert.match(question.join(' '), /^(\S+\.(in-addr|ip6)\.arpa PTR|\S+ (A|AAAA))$/, line);
    assert.ok(target.startsWith('/dns-query?dns='), line);
    for (const secret of ['Quartalszahlen', 'alice', 'Hallo', 'Subject', 'pwned=3']) assert.ok(!line.includes(secret), line);
  }
});

test('the options page saves the resolver, timeout and automatic checks', async () => {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/ext/options.html`);
  await page.waitForSelector('input[name="resolver"][value="cloudflare"]:checked');
  assert.equal(await page.textContent('h1'), 'iprev settings');
  await page.check('input[name="resolver"][value="quad9"]');
  await page.fill('#timeout', '7');
  await page.uncheck('#auto');
  await page.click('button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('saved')?.textContent === 'Saved.');
  const prefs = await worker.evaluate(async () => (await chrome.storage.local.get('prefs')).prefs);
  assert.deepEqual(prefs, { resolver: 'quad9', customUrl: '', timeoutSeconds: 7, autoCheck: false });
  // A custom resolver must be https:// (or loopback http://); a bad one is refused before any prompt.
  await page.check('input[name="resolver"][value="custom"]');
  await page.fill('#custom-url', 'http://dns.example.net/dns-query');
  await page.click('button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('saved')?.textContent?.startsWith('Custom resolver:'));
  await worker.evaluate(() => chrome.storage.local.remove('prefs'));
  await page.close();
});
