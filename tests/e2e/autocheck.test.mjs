// What the extension checks without a click: only the webmail's own source
// view. The Chrome build (dist/chrome) in Debian's Chromium, on fixture
// webmail pages (tests/e2e/webmail.mjs) whose open message has a body
// holding Received fields that name a relay of the sender's choosing (a read
// receipt, if anything asked the resolver about it), on every adapter:
// Gmail, Outlook, Yahoo, Proton, Fastmail, and a self-hosted webmail where
// only the toolbar click's injected detector runs. Without a click the
// resolver's log stays empty and no panel appears; a click does what the
// README says for that webmail, and the body is never what gets checked.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, ROOT, assertOnlyDnsNames, launchWithExtensions, panelContents, panelVerdict, reverseName, startDoh } from './helpers.mjs';
import { GMAIL_MESSAGE_ID, RECEIPT, startWebmail } from './webmail.mjs';

const HOSTS = ['mail.google.com', 'outlook.office.com', 'mail.yahoo.com', 'app.fastmail.com', 'mail.proton.me', 'webmail.example-hosting.net'];
/** The extension's strings (what the popup says). */
const MESSAGES = JSON.parse(readFileSync(join(ROOT, 'manifest', '_locales', 'en', 'messages.json'), 'utf8'));
/** What the sender's relays are called: never for the resolver. */
const RECEIPT_NAMES = Object.values(RECEIPT).flatMap((n) => [reverseName(`81.2.69.${n}`), `rcpt-${n}.receipts.example`]);

/** Pages whose open message has a body holding Received fields, and no source view. */
const HOSTILE = {
  gmail: 'https://mail.google.com/mail/u/0/?hostile=1#inbox/FMfcgzQZTBcqLtdh',
  outlook: 'https://outlook.office.com/mail/inbox/id/hostile-AAQkADAwATM3',
  yahoo: 'https://mail.yahoo.com/d/folders/1/messages/42',
  yahooAttachment: 'https://mail.yahoo.com/ws/v3/mailboxes/@.id==VjN-abc/messages/@.id==AKm9/content/parts/@.id==2/raw',
  proton: 'https://mail.proton.me/u/0/inbox/hostile',
  fastmail: 'https://app.fastmail.com/mail/Inbox/Tabc.Mdef',
  roundcube: 'https://webmail.example-hosting.net/?_task=mail&_action=show&_uid=42&_mbox=INBOX',
};

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
  // Automatic checks are on, as by default.
  assert.equal(await worker.evaluate(async () => (await chrome.storage.local.get('prefs')).prefs), undefined);
});

after(async () => {
  await context?.close();
  webmail?.close();
  doh?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The id of the newest tab (without host access the extension cannot read a tab's URL). */
async function newestTab() {
  return worker.evaluate(async () => Math.max(...(await chrome.tabs.query({})).map((tab) => tab.id ?? -1)));
}

/**
 * Opens `url`, leaves the content script time to act (its watcher waits
 * 250 ms after a change; a check takes well under a second here), and
 * returns the page and what it caused: panels in the page, DNS questions,
 * the tab's badge.
 * @param {string} url
 */
async function visit(url) {
  const before = doh.log().length;
  const page = await context.newPage();
  await page.goto(url);
  const tab = await newestTab();
  await page.waitForTimeout(2000);
  const panels = await page.locator('[data-iprev-panel]').count();
  const inside = await panelContents(context, page);
  const badge = await worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tab);
  return { page, tab, panels, panelElements: inside.elements.length, asked: doh.log().slice(before), badge };
}

/**
 * The toolbar popup for a tab (what a click on the toolbar button opens);
 * waits until it has said what it found.
 * @param {number} tab
 */
async function popupFor(tab) {
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 800, height: 600 });
  await popup.goto(`chrome-extension://${extensionId}/ext/popup.html?tab=${tab}`);
  await popup.waitForFunction(() => {
    const text = document.getElementById('status')?.textContent ?? '';
    return document.querySelector('[data-sender-result]') !== null || (text !== '' && !text.endsWith('…'));
  });
  return { popup, status: await popup.textContent('#status'), report: await popup.$('[data-sender-result]') };
}

for (const [name, url] of Object.entries(HOSTILE)) {
  test(`${name}: a message body holding Received fields is not checked without a click`, async () => {
    const seen = await visit(url);
    assert.deepEqual(seen.asked, [], `the resolver was asked without a click on ${url}`);
    assert.equal(seen.panels, 0, 'a panel appeared without a click');
    assert.equal(seen.panelElements, 0);
    assert.equal(seen.badge, '');
    await seen.page.close();
  });
}

test('gmail: the click fetches the message\'s own Show original; the body is never what is checked', async () => {
  const before = doh.log().length;
  const page = await context.newPage();
  await page.goto(HOSTILE.gmail);
  await page.click(`[data-message-id="#msg-f:${GMAIL_MESSAGE_ID}"] > [data-iprev-button]`);
  const panel = await panelVerdict(context, page);
  assert.equal(panel.result, 'pass');
  assert.ok(panel.elements.some((e) => e.attrs['data-hop-index'] === '2' && e.attrs['data-ip'] === '81.2.69.150'));
  assert.ok(!panel.text.includes('receipts.example'), 'the panel shows the body\'s relays');
  const asked = doh.log().slice(before);
  assert.ok(asked.some((line) => line.includes(reverseName('81.2.69.150'))), asked.join('\n'));
  assertOnlyDnsNames(asked, { secrets: RECEIPT_NAMES });
  await page.screenshot({ path: join(ARTIFACTS, 'autocheck-gmail-click.png') });
  await page.close();
});

test('outlook: the toolbar click finds no source outside the source dialog; "View message source" is then checked', async () => {
  const before = doh.log().length;
  const page = await context.newPage();
  await page.goto(HOSTILE.outlook);
  const { popup, status, report } = await popupFor(await newestTab());
  assert.equal(status, MESSAGES.outlookNoSource.message);
  assert.equal(report, null);
  await popup.close();
  assert.deepEqual(doh.log().slice(before), []);
  // The webmail's own source view, opened by the user: checked as documented.
  await page.click('#view-source');
  const panel = await panelVerdict(context, page);
  assert.equal(panel.result, 'permerror');
  // The panel stands above the source, not above the attached message's body.
  assert.equal(await page.evaluate(() => document.querySelector('[data-iprev-panel]')?.nextElementSibling?.closest('[aria-label="Message source"]') !== null), true);
  assertOnlyDnsNames(doh.log().slice(before), { secrets: RECEIPT_NAMES });
  await page.close();
});

for (const name of /** @type {const} */ (['yahoo', 'yahooAttachment', 'proton', 'fastmail'])) {
  test(`${name}: the toolbar click reads only the source view, and says where to find it`, async () => {
    const before = doh.log().length;
    const page = await context.newPage();
    await page.goto(HOSTILE[name]);
    const { popup, status, report } = await popupFor(await newestTab());
    const key = { yahoo: 'yahooNoSource', yahooAttachment: 'yahooNoSource', proton: 'protonNoSource', fastmail: 'fastmailNoSource' }[name];
    assert.equal(status, MESSAGES[key].message);
    assert.equal(report, null);
    if (name === 'yahoo') await popup.screenshot({ path: join(ARTIFACTS, 'autocheck-popup-yahoo.png') });
    await popup.close();
    await page.waitForTimeout(300);
    assert.deepEqual(doh.log().slice(before), [], 'the click checked the message body');
    assert.equal(await page.locator('[data-iprev-panel]').count(), 0);
    await page.close();
  });
}

test('roundcube (no content script): nothing runs without the toolbar click\'s access to the tab', async () => {
  const before = doh.log().length;
  const page = await context.newPage();
  await page.goto(HOSTILE.roundcube);
  const { popup, status, report } = await popupFor(await newestTab());
  assert.equal(status, MESSAGES.popupNothingHere.message);
  assert.equal(report, null);
  await popup.close();
  assert.deepEqual(doh.log().slice(before), []);
  await page.close();
});

test('the resolver was never asked about a relay named in a message body', () => {
  const lines = doh.log();
  assert.ok(lines.length > 0, 'the clicked checks asked something');
  assertOnlyDnsNames(lines, { secrets: RECEIPT_NAMES });
});
