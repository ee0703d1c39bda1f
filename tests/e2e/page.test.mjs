// The standalone page (dist/www) in Debian's Chromium: paste, drop, pick a
// file; verdicts from the DoH test server on 127.0.0.1; hostile DNS text
// stays text; light and dark screenshots; timings.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ARTIFACTS, HOSTILE, ROOT, launch, openCheckPage, repoFile, serveStatic, startDoh } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof serveStatic>>} */
let site;
/** @type {Awaited<ReturnType<typeof startDoh>>} */
let doh;
/** @type {import('playwright-core').Browser} */
let browser;
const timings = {};

before(async () => {
  site = await serveStatic(join(ROOT, 'dist', 'www'));
  doh = await startDoh(join(ROOT, 'tests', 'e2e', 'zone.txt'));
  browser = await launch();
});

after(async () => {
  writeFileSync(join(ARTIFACTS, 'page-timings.json'), JSON.stringify(timings, null, 2));
  await browser?.close();
  doh?.stop();
  await site?.close();
});

/**
 * A fresh page with the test resolver chosen in the settings.
 * @param {{colorScheme?: 'light' | 'dark', resolver?: string}} [options]
 */
async function openPage(options = {}) {
  return openCheckPage(browser, site.url, { resolver: options.resolver ?? doh.url, colorScheme: options.colorScheme });
}

test('pasting a message shows every hop, then the live verdict with evidence and advice', async () => {
  const { page, context, errors } = await openPage();
  await page.fill('#paste', repoFile('samples/exchange2016-local-to-gmail.eml').toString('utf8'));
  await page.click('#check');
  await page.waitForSelector('[data-sender-result="pass"]');
  const rows = await page.$$eval('tr[data-hop-index]', (trs) =>
    trs.map((tr) => ({ index: tr.dataset.hopIndex, ip: tr.dataset.ip, result: tr.dataset.iprevResult ?? null })),
  );
  assert.deepEqual(rows, [
    { index: '0', ip: 'fe80::8d1c:4b2e:91a7:3f60', result: null },
    { index: '1', ip: '10.0.0.12', result: null },
    { index: '2', ip: '81.2.69.150', result: 'pass' },
    { index: '3', ip: '', result: null },
  ]);
  const advice = await page.textContent('[data-advice-id="helo-internal"]');
  assert.match(advice ?? '', /Set-SendConnector -Identity "<connector name>" -Fqdn mail\.example\.com/);
  assert.match((await page.textContent('.authres')) ?? '', /iprev=pass policy\.iprev=81\.2\.69\.150 \(mail\.example\.com\)/);
  // The evidence opens from the keyboard.
  await page.focus('tr[data-hop-index="2"] button.expand');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('tr[data-hop-index="2"] button.expand', 'aria-expanded'), 'true');
  assert.match((await page.textContent('tr[data-details-for="2"]')) ?? '', /PTR mail\.example\.com → 81\.2\.69\.150/);
  await page.screenshot({ path: join(ARTIFACTS, 'page-light.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('dark mode renders the same report', async () => {
  const { page, context } = await openPage({ colorScheme: 'dark' });
  await page.fill('#paste', repoFile('samples/sendmail-may-be-forged.eml').toString('utf8'));
  await page.click('#check');
  await page.waitForSelector('[data-sender-result="fail"]');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(13, 17, 23)');
  await page.screenshot({ path: join(ARTIFACTS, 'page-dark.png'), fullPage: true });
  await context.close();
});

test('dropping an .eml file checks it', async () => {
  const { page, context } = await openPage();
  const text = repoFile('samples/sendmail-may-be-forged.eml').toString('utf8');
  await page.evaluate((content) => {
    const data = new DataTransfer();
    data.items.add(new File([content], 'dropped.eml', { type: 'message/rfc822' }));
    const drop = document.getElementById('drop');
    drop?.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    drop?.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, text);
  await page.waitForSelector('[data-sender-result="fail"]');
  assert.equal(await page.getAttribute('article.report', 'data-source'), 'dropped.eml');
  assert.ok(await page.$('tr[data-hop-index="2"][data-ip="81.2.69.145"][data-iprev-result="fail"]'));
  assert.ok(await page.$('[data-advice-id="ptr-mismatch"]'));
  await context.close();
});

test('an mbox from the file picker offers its messages', async () => {
  const { page, context } = await openPage();
  await page.check('#offline');
  await page.setInputFiles('#file', join(ROOT, 'tests', 'data', 'inputs', 'sample.mbox'));
  await page.waitForSelector('#message-select');
  assert.equal(await page.$$eval('#message-select option', (o) => o.length), 5);
  await page.waitForSelector('[data-sender-result]');
  assert.equal(await page.getAttribute('article.report', 'data-source'), 'sample.mbox#1');
  await page.selectOption('#message-select', '2');
  await page.waitForSelector('article.report[data-source="sample.mbox#3"]');
  await context.close();
});

test('a PTR record holding markup is shown as text and runs nothing', async () => {
  const { page, context, errors } = await openPage();
  await page.fill('#paste', HOSTILE);
  await page.click('#check');
  await page.waitForSelector('[data-sender-result="fail"]');
  await page.click('tr[data-hop-index="0"] button.expand');
  const details = (await page.textContent('tr[data-details-for="0"]')) ?? '';
  assert.match(details, /<img\\ src=x\\ onerror=window\.__pwned=1>\.evil\.example/);
  assert.match((await page.textContent('article.report')) ?? '', /<script>window\.__pwned=2<\/script>/);
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__pwned), undefined);
  assert.equal(await page.$$eval('article.report img, article.report script', (n) => n.length), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unreachable resolver is said plainly; the route still shows', async () => {
  const { page, context } = await openPage({ resolver: 'http://127.0.0.1:9/dns-query' });
  await page.fill('#paste', repoFile('samples/postfix-to-postfix.eml').toString('utf8'));
  await page.click('#check');
  await page.waitForSelector('[data-sender-result="temperror"]');
  assert.match((await page.textContent('.dns-unreachable')) ?? '', /DNS unreachable/);
  assert.equal(await page.$$eval('tr[data-hop-index]', (rows) => rows.length), 4);
  await context.close();
});

test('the resolver only ever sees reverse names and host names', async () => {
  const before = doh.log().length;
  const { page, context } = await openPage();
  await page.fill('#paste', repoFile('samples/exchange2016-local-to-gmail.eml').toString('utf8'));
  await page.click('#check');
  await page.waitForSelector('[data-sender-result="pass"]');
  const lines = doh.log().slice(before);
  assert.ok(lines.length > 0);
  for (const line of lines) {
    const question = line.split(' ').slice(3).join(' ');
    assert.match(question, /^(150\.69\.2\.81\.in-addr\.arpa PTR|mail\.example\.com A)$/, line);
    for (const secret of ['Quartalszahlen', 'alice', 'contoso']) assert.ok(!line.includes(secret), line);
  }
  await context.close();
});

test('timings: first report offline, verdict over DoH', async () => {
  const { page, context } = await openPage();
  await page.check('#offline');
  const text = repoFile('samples/exchange2016-local-to-gmail.eml').toString('utf8');
  const t0 = Date.now();
  await page.goto(site.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.check('#offline');
  await page.fill('#paste', text);
  await page.click('#check');
  await page.waitForSelector('[data-sender-result="unchecked"]');
  timings.loadToFirstReportOfflineMs = Date.now() - t0;
  await page.uncheck('#offline');
  const t1 = Date.now();
  await page.click('#check');
  await page.waitForSelector('[data-sender-result="pass"]');
  timings.verdictOverLoopbackDohMs = Date.now() - t1;
  console.log(`page load to first report (offline): ${timings.loadToFirstReportOfflineMs} ms; verdict over loopback DoH: ${timings.verdictOverLoopbackDohMs} ms`);
  await context.close();
});

test('a slow resolver is cut off at the message deadline: temperror, and the report says why', async () => {
  const slow = await startDoh(join(ROOT, 'tests', 'e2e', 'zone.txt'), ['--fault', '*=delay-4000']);
  try {
    const { page, context } = await openPage();
    const input = [...repoFile('samples/postfix-to-postfix.eml')];
    const { report, elapsed } = await page.evaluate(
      async ({ input, url }) => {
        const bridge = await import('./pkg/iprev_extension.js');
        const t0 = performance.now();
        const report = await bridge.check(new Uint8Array(input), { resolvers: [url], timeoutMs: 10000, deadlineMs: 1000 });
        return { report, elapsed: performance.now() - t0 };
      },
      { input, url: slow.url },
    );
    const sender = report.hops[report.sender_hop].iprev;
    assert.equal(sender.result, 'temperror');
    assert.match(sender.reason, /deadline of 1 s/);
    assert.deepEqual(report.dns.notes.slice(0, 1), ["stopped early: no answers within the message's deadline of 1 s"]);
    assert.ok(elapsed >= 950 && elapsed < 2500, `stopped after ${elapsed} ms`);
    await context.close();
  } finally {
    slow.stop();
  }
});

test("the receiving side's own hops are shown muted and checked only with 'check every public hop'", async () => {
  const { page, context, errors } = await openPage();
  const message = repoFile('samples/m365-to-m365.eml').toString('utf8');
  const before = doh.log().length;
  await page.fill('#paste', message);
  await page.click('#check');
  await page.waitForSelector('[data-sender-result]:not([data-sender-result="unchecked"])');
  const rows = () =>
    page.$$eval('tr[data-hop-index]', (trs) =>
      trs.map((tr) => ({ role: tr.dataset.role, own: tr.classList.contains('own'), checked: Boolean(tr.dataset.iprevResult) })),
    );
  assert.deepEqual(await rows(), [
    { role: 'sender_side', own: false, checked: false },
    { role: 'sender_side', own: true, checked: false },
    { role: 'sender', own: false, checked: true },
    { role: 'receiver', own: true, checked: false },
    { role: 'receiver', own: true, checked: false },
    { role: 'receiver', own: true, checked: false },
  ]);
  assert.match((await page.getAttribute('tr[data-hop-index="3"] .badge', 'title')) ?? '', /not checked: the receiving side's own server/);
  assert.equal(await page.getAttribute('.receiver-statement', 'data-stated-ip'), '40.107.223.104');
  const asked = doh.log().slice(before).join('\n');
  assert.doesNotMatch(asked, /ip6\.arpa/, "Microsoft's own relays were asked about");
  await page.screenshot({ path: join(ARTIFACTS, 'page-roles-default.png'), fullPage: true });
  // With the setting, every public hop is checked.
  await page.check('#all-hops');
  await page.dispatchEvent('#all-hops', 'change');
  await page.click('#check');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-hop-index][data-iprev-result]').length === 5);
  assert.deepEqual((await rows()).map((r) => r.checked), [false, true, true, true, true, true]);
  assert.match(doh.log().slice(before).join('\n'), /ip6\.arpa/);
  // Verdicts for Microsoft's relays, but advice only for the sending side.
  const advised = await page.$$eval('[data-advice-id]', (items) => [...new Set(items.map((i) => i.getAttribute('data-hop-index')))]);
  assert.deepEqual(advised, ['2']);
  await page.screenshot({ path: join(ARTIFACTS, 'page-roles.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
