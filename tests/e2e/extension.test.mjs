// The Chrome build (dist/chrome) loaded into Debian's Chromium, on fixture
// webmail pages served over HTTPS under the real host names, with the
// default resolver (cloudflare-dns.com) mapped to the DoH test server: the
// real match patterns, host permissions and content scripts at work.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, ROOT, launchWithExtensions, panelVerdict, startDoh } from './helpers.mjs';
import { GMAIL_IK, GMAIL_MESSAGE_ID, TWINS, sample, startWebmail } from './webmail.mjs';
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

test('two different messages shown at the same URL each get their own report', async () => {
  // Same URL, same length, different relays: the report belongs to the source, not to the page.
  assert.equal(TWINS[0].length, TWINS[1].length);
  const url = 'https://mail.yahoo.com/ws/v3/mailboxes/@.id==VjN-abc/messages/@.id==AKtwin/content/rawplaintext?appId=YMailNorrin';
  const results = [];
  for (let i = 0; i < 2; i++) {
    const page = await context.newPage();
    await page.goto(url);
    const panel = await panelVerdict(context, page);
    results.push(`${panel.result} ${panel.elements.find((e) => e.attrs['data-hop-index'] === '1')?.attrs['data-ip']}`);
    await page.close();
  }
  assert.deepEqual(results, ['pass 81.2.69.142', 'fail 81.2.69.145']);
});

/**
 * A message of about 400 KB whose report is about 430 KB: 99 internal
 * relays with long comments above a public sender hop (81.2.69.142, passes).
 * @param {number} i makes each message different
 */
function largeMessage(i) {
  const pad = 'x'.repeat(3900);
  const internal = Array.from(
    { length: 99 },
    (_, j) => `Received: from relay${j}.example.org (relay${j}.example.org [10.0.${j}.1]) (note ${pad})\n\tby relay${j + 1}.example.org with ESMTP id M${i}H${j};\n\tWed, 4 Jan 2023 10:11:13 +0100`,
  );
  return [
    ...internal,
    'Received: from mail.example.net (mail.example.net [81.2.69.142])\n\tby relay0.example.org (Postfix) with ESMTPS id 4Nn2Lp3hGQz9sWb;\n\tWed, 4 Jan 2023 10:11:12 +0100',
    `Subject: large message ${i}`,
    '',
    'body',
  ].join('\n');
}

/** The cache key of a message source: its SHA-256. @param {string} text */
const contentKey = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Pastes a message into the popup and checks it; returns what the popup
 * then says and shows.
 * @param {import('playwright-core').Page} popup
 * @param {string} text
 */
async function pasteCheck(popup, text) {
  await popup.evaluate(() => {
    /** @type {HTMLElement} */ (document.getElementById('status')).textContent = 'waiting';
    document.getElementById('report')?.replaceChildren();
  });
  // As pasted (playwright's fill types 400 KB slowly).
  await popup.$eval('#paste', (area, value) => {
    /** @type {HTMLTextAreaElement} */ (area).value = value;
  }, text);
  await popup.click('#check');
  await popup.waitForFunction(() => {
    const said = document.getElementById('status')?.textContent ?? '';
    return said !== 'waiting' && !said.endsWith('…');
  });
  const result = await popup.$eval('[data-sender-result]', (e) => e.getAttribute('data-sender-result')).catch(() => null);
  return `${result} ${await popup.textContent('#status')}`.trim();
}

/** What storage.session holds: its keys and the bytes in use. */
function sessionStorage() {
  return worker.evaluate(async () => ({
    keys: Object.keys(await chrome.storage.session.get(null)),
    bytes: await chrome.storage.session.getBytesInUse(null),
  }));
}

test('session storage: past its quota, checks keep working and the oldest reports are evicted', async (t) => {
  await worker.evaluate(() => chrome.storage.session.clear());
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/ext/popup.html?tab=999999999`);
  await popup.waitForFunction(() => /** @type {HTMLDetailsElement} */ (document.getElementById('manual')).open);
  // 32 reports of about 430 KB: 14 MB, more than Chrome's 10 MiB quota for storage.session.
  const count = 32;
  const outcomes = [];
  for (let i = 0; i < count; i++) outcomes.push(await pasteCheck(popup, largeMessage(i)));
  assert.deepEqual(outcomes, Array(count).fill('pass'));
  const held = await sessionStorage();
  const reports = held.keys.filter((key) => key.startsWith('report:'));
  assert.ok(held.bytes <= 4 * 1024 * 1024 + 16 * 1024, `${held.bytes} bytes in storage.session`);
  assert.ok(reports.length >= 5 && reports.length <= 10, `${reports.length} reports kept`);
  t.diagnostic(`after ${count} checks: ${reports.length} reports kept, ${held.bytes} bytes in storage.session`);
  assert.ok(!reports.includes(`report:${contentKey(largeMessage(0))}`), 'the oldest report is still there');
  assert.ok(reports.includes(`report:${contentKey(largeMessage(count - 1))}`), 'the newest report is not there');

  // Storage filled to its quota by something else: a failure to store is a cache miss, not a failed check.
  const filled = await worker.evaluate(async () => {
    const chunk = 'f'.repeat(256 * 1024);
    for (let i = 0; i < 64; i++) {
      try {
        await chrome.storage.session.set({ [`filler:${i}`]: chunk });
      } catch (error) {
        return String(error instanceof Error ? error.message : error);
      }
    }
    return 'never full';
  });
  assert.match(filled, /quota/i);
  assert.equal(await pasteCheck(popup, largeMessage(count)), 'pass', 'a new message, with storage full');
  assert.equal(await pasteCheck(popup, largeMessage(count - 1)), 'pass', 'a cached message, with storage full');
  await worker.evaluate(async () => {
    const fillers = Object.keys(await chrome.storage.session.get(null)).filter((key) => key.startsWith('filler:'));
    await chrome.storage.session.remove(fillers);
  });
  await popup.close();
  await worker.evaluate(() => chrome.storage.session.clear());
});

test('session storage: at most 100 reports, the least recently used evicted first', async () => {
  await worker.evaluate(() => chrome.storage.session.clear());
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/ext/popup.html?tab=999999999`);
  // Small messages with internal relays only: no DNS, each its own report.
  const small = (/** @type {number} */ i) => `Received: from a.example.org (a.example.org [10.1.2.3]) by b.example.org with ESMTP id S${i}; Wed, 4 Jan 2023 10:11:13 +0100\nSubject: ${i}\n\nbody\n`;
  const send = (/** @type {number[]} */ numbers) =>
    page.evaluate(async (raws) => {
      const out = [];
      for (const raw of raws) out.push((await chrome.runtime.sendMessage({ type: 'iprev:check', raw, source: 'test' })).ok);
      return out;
    }, numbers.map(small));
  const range = (/** @type {number} */ from, /** @type {number} */ to) => Array.from({ length: to - from }, (_, i) => from + i);
  assert.deepEqual(await send(range(0, 100)), Array(100).fill(true));
  // Message 0 is used again (a cache hit): it becomes the most recently used.
  assert.deepEqual(await send([0]), [true]);
  assert.deepEqual(await send(range(100, 105)), Array(5).fill(true));
  const keys = (await sessionStorage()).keys.filter((key) => key.startsWith('report:'));
  assert.equal(keys.length, 100);
  const kept = (/** @type {number} */ i) => keys.includes(`report:${contentKey(small(i))}`);
  assert.deepEqual(range(0, 7).map(kept), [true, false, false, false, false, false, true]);
  assert.ok(kept(104));
  await page.close();
  await worker.evaluate(() => chrome.storage.session.clear());
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
  assert.match(report.url(), /\/ext\/popup\.html\?key=[0-9a-f]{64}$/);
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

test('the options page saves the resolver, timeout, automatic checks and all hops, and forgets reports made with the old ones', async () => {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/ext/options.html`);
  await page.waitForSelector('input[name="resolver"][value="cloudflare"]:checked');
  assert.equal(await page.textContent('h1'), 'iprev settings');
  assert.equal(await page.isChecked('#all-hops'), false, 'receiver-internal hops are not checked by default');
  // A report cached with the old settings.
  await worker.evaluate(() => chrome.storage.session.set({ 'report:0123': { hops: [] }, reports: [['0123', 20]] }));
  await page.check('input[name="resolver"][value="quad9"]');
  await page.fill('#timeout', '7');
  await page.uncheck('#auto');
  await page.check('#all-hops');
  await page.click('button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('saved')?.textContent === 'Saved.');
  const prefs = await worker.evaluate(async () => (await chrome.storage.local.get('prefs')).prefs);
  assert.deepEqual(prefs, { resolver: 'quad9', customUrl: '', timeoutSeconds: 7, autoCheck: false, allHops: true });
  const session = await worker.evaluate(() => chrome.storage.session.get(null));
  assert.deepEqual(Object.keys(session).filter((k) => k === 'reports' || k.startsWith('report:')), [], 'cached reports forgotten');
  // A custom resolver must be https:// (or loopback http://); a bad one is refused before any prompt.
  await page.check('input[name="resolver"][value="custom"]');
  await page.fill('#custom-url', 'http://dns.example.net/dns-query');
  await page.click('button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('saved')?.textContent?.startsWith('Custom resolver:'));
  await worker.evaluate(() => chrome.storage.local.remove('prefs'));
  await page.close();
});
