// Resolver faults in the browser: the standalone page (dist/www, the same
// WebAssembly as the extension) against the DoH test server on loopback,
// one relay address per fault (tests/e2e/faults-zone.txt, where every relay
// would pass). Each fault must end in `temperror` for the sender hop, with
// the reason the module words for it, within the page's per-question
// timeout (set to 1 s in the page's settings) plus a margin; a redirect is
// never followed; a second resolver takes over when the first fails; a body
// trickled after prompt headers is cut off at the timeout too.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, ROOT, assertOnlyDnsNames, launch, openCheckPage, parseLogLine, reverseName, serveStatic, startDoh } from './helpers.mjs';

/** The page's timeout setting for these tests, seconds (its smallest value). */
const TIMEOUT_S = 1;
const TIMEOUT_MS = TIMEOUT_S * 1000;
/** Time allowed past the timeout: paste, parse, render, a loaded 2-core machine. */
const MARGIN_MS = 1500;
/** A final verdict in the banner (not the "checking…" state). */
const VERDICT = '[data-sender-result]:not([data-sender-result="unchecked"])';
const ZONE = join(ROOT, 'tests', 'e2e', 'faults-zone.txt');
/** What the messages hold besides their Received field: none of it may reach a resolver. */
const SECRETS = ['Geheimprojekt', 'kiwi', 'carol', 'dave', 'hunter2', 'example.org'];

/** @type {Awaited<ReturnType<typeof serveStatic>>} */
let site;
/** The resolver with one fault rule per relay address. @type {Awaited<ReturnType<typeof startDoh>>} */
let faulty;
/** Where the redirect points: it must never be asked anything. @type {Awaited<ReturnType<typeof startDoh>>} */
let sink;
/** A healthy resolver, second in line for the failover test. @type {Awaited<ReturnType<typeof startDoh>>} */
let healthy;
/** A loopback port nothing listens on. */
let closedPort = 0;
/** @type {import('playwright-core').Browser} */
let browser;
/** `127.0.0.1:PORT`, as the module names the faulty resolver in its reasons. */
let host = '';
/** What each check showed, written to test-artifacts/faults.json. @type {Record<string, object>} */
const seenByFault = {};

/** @param {number} octet */
const ipOf = (octet) => `81.2.69.${octet}`;
/** @param {number} octet */
const reverseOf = (octet) => reverseName(ipOf(octet));
/** @param {number} octet */
const heloOf = (octet) => `mail${octet}.faults.example.net`;

/** @param {string} text */
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One fault per relay: the rule set on its reverse name, and the reason the
 * page must show (`r` the reverse name, `h` the resolver as host:port).
 * @type {{octet: number, kind: string, title: string, reason: (r: string, h: string) => RegExp, timesOut?: boolean}[]}
 */
const FAULTS = [
  { octet: 11, kind: 'servfail', title: 'SERVFAIL', reason: (r) => new RegExp(`^PTR lookup of ${escape(r)} answered SERVFAIL$`) },
  { octet: 12, kind: 'refused', title: 'REFUSED', reason: (r) => new RegExp(`^PTR lookup of ${escape(r)} answered REFUSED$`) },
  { octet: 13, kind: 'http403', title: 'HTTP 403', reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: ${escape(h)}: answered HTTP 403$`) },
  { octet: 14, kind: 'http503', title: 'HTTP 503', reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: ${escape(h)}: answered HTTP 503$`) },
  {
    octet: 15,
    kind: 'wrong-content-type',
    title: 'a wrong content type',
    reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: ${escape(h)}: answered with content type "text/html", not application/dns-message$`),
  },
  {
    octet: 16,
    kind: 'oversized',
    title: 'an oversized body (70,000 bytes)',
    reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: ${escape(h)}: sent a body larger than any DNS message$`),
  },
  {
    octet: 17,
    kind: 'truncated',
    title: 'a truncated (TC) answer',
    reason: (r) => new RegExp(`^PTR lookup of ${escape(r)}: the resolver sent a truncated answer \\(TC\\)$`),
  },
  {
    octet: 18,
    kind: 'wrong-id',
    title: 'an answer with another DNS ID',
    reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: ${escape(h)}: DNS response for another query \\(ID 4660, expected 0\\)$`),
  },
  {
    octet: 19,
    kind: 'wrong-question',
    title: 'an answer to another question',
    reason: (r, h) =>
      new RegExp(`^PTR lookup of ${escape(r)} failed: ${escape(h)}: DNS response for another question \\(x\\.${escape(r)} PTR, asked ${escape(r)} PTR\\)$`),
  },
  {
    octet: 20,
    kind: 'garbage',
    title: 'bytes that are no DNS message',
    reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: ${escape(h)}: undecodable DNS response: .+$`),
  },
  {
    octet: 22,
    kind: 'delay-4000',
    title: 'no answer before the timeout (4 s late)',
    timesOut: true,
    reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: no answer from ${escape(h)} within 1 s$`),
  },
  {
    octet: 23,
    kind: 'trickle-40',
    title: 'a response trickled a byte every 40 ms',
    timesOut: true,
    reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: no answer from ${escape(h)} within 1 s$`),
  },
  {
    octet: 24,
    kind: 'close',
    title: 'a connection closed without a response',
    reason: (r, h) => new RegExp(`^PTR lookup of ${escape(r)} failed: no HTTP response from ${escape(h)} \\(connection refused, reset or closed, or the resolver does not allow CORS\\)$`),
  },
];

/** The redirect, the body trickled after prompt headers, and the failover relays. */
const REDIRECTED = 21;
const BODY_TRICKLED = 25;
const FAILOVER = 30;
const BOTH_FAIL = 29;

/**
 * A message relayed once, by the relay at 81.2.69.<octet>; the rest of it is
 * what the resolver must never see.
 * @param {number} octet
 */
function message(octet) {
  return [
    `Received: from ${heloOf(octet)} (${heloOf(octet)} [${ipOf(octet)}])`,
    `\tby mx.example.org (Postfix) with ESMTPS id 4Qf${octet}; Wed, 4 Jan 2023 10:11:12 +0000`,
    'From: Carol Secret <carol.secret@kiwi-corp.test>',
    'To: dave.private@example.org',
    `Subject: Geheimprojekt Kiwi ${octet}`,
    `Message-ID: <kiwi-${octet}@kiwi-corp.test>`,
    '',
    'The password is hunter2.',
  ].join('\r\n');
}

/** A loopback port that refuses connections (bound, then released). */
function freePort() {
  return new Promise((ok) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

before(async () => {
  site = await serveStatic(join(ROOT, 'dist', 'www'));
  sink = await startDoh(ZONE);
  healthy = await startDoh(ZONE);
  closedPort = await freePort();
  const rules = [
    ...FAULTS.map((f) => `${reverseOf(f.octet)}/PTR=${f.kind}`),
    // A DoH URL on another loopback server: followed, it would be logged there.
    `${reverseOf(REDIRECTED)}/PTR=redirect-${sink.url}?dns=AAABAAABAAAAAAAAB2V4YW1wbGUDY29tAAABAAE`,
    `${reverseOf(BODY_TRICKLED)}/PTR=trickle-body-40`,
    `${reverseOf(FAILOVER)}=http503`,
    `${heloOf(FAILOVER)}=http503`,
    `${reverseOf(BOTH_FAIL)}=http503`,
    `${heloOf(BOTH_FAIL)}=http503`,
  ];
  faulty = await startDoh(ZONE, rules.flatMap((rule) => ['--fault', rule]));
  host = new URL(faulty.url).host;
  browser = await launch();
});

after(async () => {
  writeFileSync(join(ARTIFACTS, 'faults.json'), `${JSON.stringify(seenByFault, null, 2)}\n`);
  await browser?.close();
  faulty?.stop();
  sink?.stop();
  healthy?.stop();
  await site?.close();
});

/**
 * A fresh page whose settings (the page's own form) name `resolver` and a
 * 1 s timeout.
 * @param {string} resolver
 */
async function openPage(resolver) {
  const { page, context, errors } = await openCheckPage(browser, site.url, { resolver, timeoutSeconds: TIMEOUT_S });
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('iprev.settings') ?? '{}'));
  assert.equal(saved.resolver, 'custom');
  assert.equal(saved.customUrl, resolver);
  assert.equal(saved.timeoutSeconds, TIMEOUT_S);
  return { page, context, errors };
}

/**
 * Pastes the message of relay `octet`, presses Check, waits for the verdict.
 * @param {import('playwright-core').Page} page
 * @param {number} octet
 * @param {string} label names the case in test-artifacts/faults.json
 */
async function checkRelay(page, octet, label) {
  await page.fill('#paste', message(octet));
  // Timed in the page, from the click to the verdict's appearance.
  await page.evaluate((verdict) => {
    const times = { start: 0, end: 0 };
    Object.assign(window, { __times: times });
    document.getElementById('check')?.addEventListener('click', () => (times.start = performance.now()), { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (times.start && document.querySelector(verdict)) {
        times.end = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  }, VERDICT);
  await page.click('#check');
  await page.waitForSelector(VERDICT, { timeout: 30_000 });
  const times = await page.evaluate(() => /** @type {any} */ (window).__times);
  const elapsed = Math.round(times.end - times.start);
  const result = await page.getAttribute(VERDICT, 'data-sender-result');
  const reason = ((await page.textContent('.verdict-reason')) ?? '').trim();
  const row = await page.$(`tr[data-hop-index="0"][data-ip="${ipOf(octet)}"]`);
  const rowResult = await row?.getAttribute('data-iprev-result');
  seenByFault[label] = { relay: ipOf(octet), result, reason, elapsed };
  return { result, reason, elapsed, rowResult };
}

/**
 * Asserts a temperror verdict with this reason, within the bound.
 * @param {Awaited<ReturnType<typeof checkRelay>>} seen
 * @param {RegExp} reason
 * @param {{timesOut?: boolean}} [how]
 */
function assertTemperror(seen, reason, how = {}) {
  assert.equal(seen.result, 'temperror', `verdict ${seen.result}: ${seen.reason}`);
  assert.equal(seen.rowResult, 'temperror');
  assert.match(seen.reason, reason);
  assert.ok(seen.elapsed < TIMEOUT_MS + MARGIN_MS, `verdict after ${seen.elapsed} ms (bound ${TIMEOUT_MS + MARGIN_MS} ms)`);
  if (how.timesOut) assert.ok(seen.elapsed >= TIMEOUT_MS - 50, `timed out after ${seen.elapsed} ms, before the ${TIMEOUT_MS} ms timeout`);
}

describe('each resolver fault ends in temperror with its reason, within the timeout', { concurrency: 4 }, () => {
  for (const fault of FAULTS) {
    test(`${fault.title} (${fault.kind})`, async () => {
      const { page, context, errors } = await openPage(faulty.url);
      const seen = await checkRelay(page, fault.octet, fault.kind);
      assertTemperror(seen, fault.reason(reverseOf(fault.octet), host), fault);
      // An error code is the address's own DNS failing; anything else is the
      // resolver or the way to it, and the advice says so.
      const advice = ['servfail', 'refused'].includes(fault.kind) ? 'ptr-temperror' : 'resolver-failed';
      assert.ok(await page.$(`[data-advice-id="${advice}"]`), `the ${advice} advice says to retry later`);
      if (fault.kind.startsWith('delay-')) {
        await page.screenshot({ path: join(ARTIFACTS, 'faults-timeout.png'), fullPage: true });
      }
      if (fault.kind === 'wrong-question') {
        await page.screenshot({ path: join(ARTIFACTS, 'faults-wrong-question.png'), fullPage: true });
      }
      assert.deepEqual(errors, []);
      // The fault was met: the resolver was asked, and only about this relay.
      const asked = faulty.log().map(parseLogLine).filter((e) => e.question?.name === reverseOf(fault.octet));
      assert.ok(asked.length >= 1, `${reverseOf(fault.octet)} was never asked`);
      await context.close();
    });
  }

  test('connection refused (nothing listens on the port)', async () => {
    const resolver = `http://127.0.0.1:${closedPort}/dns-query`;
    const { page, context, errors } = await openPage(resolver);
    const seen = await checkRelay(page, 11, 'connection-refused');
    assertTemperror(seen, new RegExp(`^PTR lookup of ${escape(reverseOf(11))} failed: no HTTP response from 127\\.0\\.0\\.1:${closedPort} \\(connection refused, reset or closed, or the resolver does not allow CORS\\)$`));
    assert.match((await page.textContent('.dns-unreachable')) ?? '', new RegExp(`DNS unreachable: no answer from ${escape(resolver)}`));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an HTTP redirect to another server is not followed', async () => {
    const { page, context, errors } = await openPage(faulty.url);
    const seen = await checkRelay(page, REDIRECTED, 'redirect');
    assertTemperror(seen, new RegExp(`^PTR lookup of ${escape(reverseOf(REDIRECTED))} failed: ${escape(host)}: answered with a redirect \\(redirects are not followed\\)$`));
    assert.ok(faulty.log().some((line) => line.includes(reverseOf(REDIRECTED))), 'the redirecting server was asked');
    // Give a follower every chance to show itself, then look at the target's log.
    await page.waitForTimeout(300);
    assert.deepEqual(sink.log(), [], 'the redirect target received a request');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a second resolver answers when the first fails; when both fail, both reasons are given', async () => {
    const { page, context, errors } = await openPage(faulty.url);
    // The page's settings offer one resolver: the module's own failover is driven here
    // (the option the extension and the command line use), and the page's report
    // component shows the result.
    const run = (/** @type {number} */ octet, /** @type {string[]} */ resolvers, /** @type {string} */ text) =>
      page.evaluate(
        async ({ text, resolvers, timeoutMs }) => {
          const bridge = await import('./pkg/iprev_extension.js');
          const { renderReport } = await import('./js/report-view.js');
          const report = await bridge.check(new TextEncoder().encode(text), { resolvers, timeoutMs, source: 'failover' });
          document.getElementById('report')?.replaceChildren(renderReport(report));
          return report.dns;
        },
        { text, resolvers, timeoutMs: TIMEOUT_MS },
      );
    const t0 = Date.now();
    const dns = await run(FAILOVER, [faulty.url, healthy.url], message(FAILOVER));
    assert.ok(Date.now() - t0 < TIMEOUT_MS + MARGIN_MS);
    assert.equal(await page.getAttribute(VERDICT, 'data-sender-result'), 'pass');
    assert.ok(await page.$(`tr[data-hop-index="0"][data-ip="${ipOf(FAILOVER)}"][data-iprev-result="pass"]`));
    assert.equal(((await page.textContent('.verdict-reason')) ?? '').trim(), `${heloOf(FAILOVER)} resolves to ${ipOf(FAILOVER)}`);
    assert.equal(dns?.failed ?? 0, 0);
    const names = (/** @type {string[]} */ lines) => lines.map(parseLogLine).map((e) => e.question?.name);
    assert.ok(names(faulty.log()).includes(reverseOf(FAILOVER)), 'the first resolver was tried');
    assert.ok(names(healthy.log()).includes(reverseOf(FAILOVER)), 'the second resolver answered');

    const closed = `http://127.0.0.1:${closedPort}/dns-query`;
    await run(BOTH_FAIL, [faulty.url, closed], message(BOTH_FAIL));
    assert.equal(await page.getAttribute(VERDICT, 'data-sender-result'), 'temperror');
    assert.match(
      ((await page.textContent('.verdict-reason')) ?? '').trim(),
      new RegExp(`^PTR lookup of ${escape(reverseOf(BOTH_FAIL))} failed: ${escape(host)}: answered HTTP 503; then no HTTP response from 127\\.0\\.0\\.1:${closedPort} \\(connection refused, reset or closed, or the resolver does not allow CORS\\)$`),
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(
    'a body trickled after prompt headers is cut off at the timeout too',
    async () => {
      const { page, context } = await openPage(faulty.url);
      const seen = await checkRelay(page, BODY_TRICKLED, 'trickle-body-40');
      await context.close();
      assert.ok(seen.elapsed < TIMEOUT_MS + MARGIN_MS, `verdict ${seen.result} after ${seen.elapsed} ms (bound ${TIMEOUT_MS + MARGIN_MS} ms): ${seen.reason}`);
      assertTemperror(seen, new RegExp(`^PTR lookup of ${escape(reverseOf(BODY_TRICKLED))} failed: no answer from ${escape(host)} within 1 s$`), { timesOut: true });
    },
  );
});

test('the resolvers only ever saw reverse names and host names from the headers', () => {
  const names = new Set();
  for (let octet = 11; octet <= 30; octet++) names.add(reverseOf(octet)).add(heloOf(octet));
  const lines = [...faulty.log(), ...healthy.log()];
  assert.ok(lines.length >= FAULTS.length);
  assertOnlyDnsNames(lines, { names, secrets: SECRETS });
  assert.deepEqual(sink.log(), []);
});
