// The extension's security properties in real Chromium: the Chrome build
// (dist/chrome) loaded beside a second, stranger extension, on the fixture
// webmail pages (tests/e2e/webmail.mjs), with cloudflare-dns.com mapped to
// the DoH test server, which logs whether each request carried cookies or
// credentials and where it said it came from (--log-headers). One test per
// property: messages are validated, nothing reaches the page, DoH requests
// carry no cookies, the lint still rejects HTML sinks and code from
// strings, the extension pages' CSP holds (and the WebAssembly still loads),
// and the resolver only ever sees reverse names and host names.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { ESLint } from 'eslint';
import { ARTIFACTS, ROOT, launchWithExtensions, assertOnlyDnsNames, panelVerdict, parseLogLine, startDoh } from './helpers.mjs';
import { GMAIL_IK, GMAIL_MESSAGE_ID, sample, startWebmail } from './webmail.mjs';

const HOSTS = ['mail.google.com', 'outlook.office.com', 'mail.yahoo.com', 'app.fastmail.com', 'mail.proton.me'];
const SHOW_ORIGINAL = `https://mail.google.com/mail/u/0/?ik=${GMAIL_IK}&view=om&permmsgid=msg-f:${GMAIL_MESSAGE_ID}`;
/** A cookie of the resolver's site, set in the browser before any check. */
const COOKIE = { name: 'resolver_session', value: 'cookie-secret-7f3a9' };
/** The DNS name of the test's own credentialed request (the positive control). */
const CONTROL_NAME = 'cookie-control.invalid';
/** The log lines of the test's own control request (and anything the browser fetched with it). */
const CONTROL_LINES = new Set();
/** What the messages checked here hold besides their relays: never for the resolver. */
const SECRETS = ['Quartalszahlen', 'alice', 'Hallo', 'Subject', 'Lunch', 'bob@', 'renee', 'carol', 'pwned=3', COOKIE.value, 'mail.google.com'];

/** @type {Awaited<ReturnType<typeof startDoh>>} */
let doh;
/** @type {Awaited<ReturnType<typeof startWebmail>>} */
let webmail;
/** @type {import('playwright-core').BrowserContext} */
let context;
/** iprev's service worker. @type {import('playwright-core').Worker} */
let worker;
/** The stranger extension's service worker. @type {import('playwright-core').Worker} */
let stranger;
let extensionId = '';
let profile = '';
let strangerDir = '';

before(async () => {
  doh = await startDoh(join(ROOT, 'tests', 'e2e', 'zone.txt'), ['--log-headers']);
  webmail = await startWebmail(doh.url);
  const rules = [
    ...HOSTS.map((host) => `MAP ${host} 127.0.0.1:${webmail.webmailPort}`),
    `MAP cloudflare-dns.com 127.0.0.1:${webmail.dohPort}`,
  ].join(', ');
  // Another extension, installed beside iprev: it must not be able to use it.
  strangerDir = mkdtempSync(join(tmpdir(), 'iprev-stranger-'));
  writeFileSync(
    join(strangerDir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'stranger', version: '1.0', background: { service_worker: 'sw.js' } }),
  );
  writeFileSync(join(strangerDir, 'sw.js'), '// A stranger: tests drive it from outside.\n');
  ({ context, profile } = await launchWithExtensions([join(ROOT, 'dist', 'chrome'), strangerDir], rules));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const workers = context.serviceWorkers();
    worker = workers.find((w) => w.url().endsWith('/ext/background.js')) ?? worker;
    stranger = workers.find((w) => w.url().endsWith('/sw.js')) ?? stranger;
    if (worker && stranger) break;
    await context.waitForEvent('serviceworker', { timeout: 1000 }).catch(() => {});
  }
  assert.ok(worker && stranger, 'both service workers started');
  extensionId = new URL(worker.url()).host;
});

after(async () => {
  await context?.close();
  webmail?.close();
  doh?.stop();
  for (const dir of [profile, strangerDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** An extension page of iprev (its CSP, its messaging). @param {string} path */
async function extensionPage(path) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/${path}`);
  return page;
}

/** Resolves after `ms` milliseconds. @param {number} ms */
const pause = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * A DoH GET query (RFC 8484 `dns=`, ID 0) for `name` A, base64url.
 * @param {string} name
 */
function wireQuery(name) {
  const labels = name.split('.').flatMap((label) => [label.length, ...Buffer.from(label, 'ascii')]);
  const bytes = Buffer.from([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]);
  return bytes.toString('base64url');
}

test('messages: web pages and other extensions cannot reach the background; a malformed message gets an error, never a check', async () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'chrome', 'manifest.json'), 'utf8'));
  assert.equal(manifest.externally_connectable, undefined, 'no externally_connectable: no web page may message the extension');
  const before = doh.log().length;
  const message = { type: 'iprev:check', raw: sample('postfix-to-postfix.eml'), source: 'forged' };

  // A web page (one the content scripts run on): no messaging API toward the extension.
  const page = await context.newPage();
  await page.goto('https://mail.yahoo.com/');
  const fromPage = await page.evaluate(
    async ({ id, message }) => {
      const runtime = /** @type {any} */ (globalThis).chrome?.runtime;
      if (typeof runtime?.sendMessage !== 'function') return 'no chrome.runtime.sendMessage in the page';
      try {
        return `delivered: ${JSON.stringify(await runtime.sendMessage(id, message))}`;
      } catch (error) {
        return `refused: ${error}`;
      }
    },
    { id: extensionId, message },
  );
  assert.ok(!fromPage.startsWith('delivered'), fromPage);
  // Nor can it post to the content script's listener: window messages are ignored.
  await page.evaluate((m) => window.postMessage(m, '*'), message);
  await page.close();

  // Another extension: iprev has no onMessageExternal listener, so nothing answers.
  const fromStranger = await stranger.evaluate(async ({ id, message }) => {
    try {
      return `delivered: ${JSON.stringify(await chrome.runtime.sendMessage(id, message))}`;
    } catch (error) {
      return `refused: ${error instanceof Error ? error.message : error}`;
    }
  }, { id: extensionId, message });
  assert.match(fromStranger, /^refused: .*Receiving end does not exist/, fromStranger);

  // The extension's own page: malformed requests are answered with the reason.
  const options = await extensionPage('ext/options.html');
  const replies = await options.evaluate(async (raw) => {
    const cases = [
      'check this',
      ['iprev:check'],
      null,
      { type: 'iprev:nope' },
      { type: 'iprev:check', raw },
      { type: 'iprev:check', raw, source: 'options', resolvers: ['https://dns.evil.example/dns-query'] },
      { type: 'iprev:check', raw, source: 'options', key: 'page-address' },
      { type: 'iprev:check', raw: 42, source: 'options' },
      { type: 'iprev:check', raw: 'x'.repeat(4 * 1024 * 1024 + 1), source: 'options' },
      { type: 'iprev:check', raw, source: 's'.repeat(2049) },
      { type: 'iprev:getSource' },
      // A type that once passed validation with nothing to handle it.
      { type: 'iprev:showReport', report: { hops: [] } },
    ];
    const out = [];
    for (const message of cases) {
      try {
        out.push(await chrome.runtime.sendMessage(message));
      } catch (error) {
        out.push({ thrown: String(error) });
      }
    }
    return out;
  }, sample('postfix-to-postfix.eml'));
  assert.deepEqual(replies, [
    { ok: false, error: 'malformed message: expected an object, got string' },
    { ok: false, error: 'malformed message: expected an object, got an array' },
    { ok: false, error: 'malformed message: expected an object, got null' },
    { ok: false, error: 'malformed message: unknown type "iprev:nope"' },
    { ok: false, error: 'malformed iprev:check message: missing field "source"' },
    { ok: false, error: 'malformed iprev:check message: unexpected field "resolvers"' },
    { ok: false, error: 'malformed iprev:check message: unexpected field "key"' },
    { ok: false, error: 'malformed iprev:check message: raw must be a string of at most 4194304 characters' },
    { ok: false, error: 'malformed iprev:check message: raw must be a string of at most 4194304 characters' },
    { ok: false, error: 'malformed iprev:check message: source must be a string of at most 2048 characters' },
    { ok: false, error: 'iprev:getSource is for a content script, not the background' },
    { ok: false, error: 'malformed message: unknown type "iprev:showReport"' },
  ]);
  await pause(300);
  assert.deepEqual(doh.log().slice(before), [], 'a refused or malformed message made a DNS query');
  assert.deepEqual(await worker.evaluate(async () => Object.keys(await chrome.storage.session.get(null))), [], 'a refused message left a report');

  // The sender check itself, with forged senders.
  const verdicts = await options.evaluate(async (url) => {
    const { fromThisExtension } = await import('/ext/messages.js');
    const id = chrome.runtime.id;
    const page = chrome.runtime.getURL('ext/popup.html');
    return {
      ownPage: fromThisExtension({ id, url: page }),
      ownContentScript: fromThisExtension({ id, url, tab: /** @type {any} */ ({ id: 7 }) }),
      otherExtension: fromThisExtension({ id: 'abcdefghijklmnopabcdefghijklmnop', url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/x.html' }),
      noId: fromThisExtension({ url: page }),
      contentScriptElsewhere: fromThisExtension({ id, url: 'https://evil.example/inbox', tab: /** @type {any} */ ({ id: 7 }) }),
      pageUrlWithoutTab: fromThisExtension({ id, url }),
      noUrl: fromThisExtension({ id }),
      nothing: fromThisExtension(undefined),
    };
  }, SHOW_ORIGINAL);
  assert.deepEqual(verdicts, {
    ownPage: true,
    ownContentScript: true,
    otherExtension: false,
    noId: false,
    contentScriptElsewhere: false,
    pageUrlWithoutTab: false,
    noUrl: false,
    nothing: false,
  });

  // A well-formed request from the extension's own page is checked.
  const reply = await options.evaluate(
    (message) => chrome.runtime.sendMessage(message),
    { type: 'iprev:check', raw: sample('postfix-to-postfix.eml'), source: 'options' },
  );
  assert.equal(reply.ok, true);
  assert.equal(reply.report.hops[reply.report.sender_hop].iprev.result, 'pass');
  await options.close();
});

test('nothing reaches the page: a closed shadow root, no text in the DOM, no postMessage', async () => {
  await worker.evaluate(() => chrome.storage.session.clear());
  const page = await context.newPage();
  // In the page's main world, before any script: a listener for window
  // messages, and a spy on attachShadow (the content script's isolated world
  // must not go through the page's prototypes).
  await page.addInitScript(() => {
    const seen = { messages: /** @type {string[]} */ ([]), shadowRoots: /** @type {string[]} */ ([]) };
    Object.defineProperty(window, '__seen', { value: seen });
    window.addEventListener('message', (event) => seen.messages.push(JSON.stringify(event.data)), true);
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      seen.shadowRoots.push(`${init.mode} on ${this.tagName} ${[...this.attributes].map((a) => a.name)} ${new Error().stack}`);
      return attach.call(this, init);
    };
  });
  for (const url of [SHOW_ORIGINAL, 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQZTBcqLtdh']) {
    await page.goto(url);
    if (url !== SHOW_ORIGINAL) await page.click('[data-iprev-button]');
    const panel = await panelVerdict(context, page);
    assert.equal(panel.result, 'pass');
    const reason = 'mail.example.com resolves to 81.2.69.150';
    assert.ok(panel.text.includes(reason), 'the panel shows the reason (seen through DevTools)');
    await page.waitForTimeout(300);
    const view = await page.evaluate(() => {
      const host = document.querySelector('[data-iprev-panel]');
      const seen = structuredClone(/** @type {any} */ (window).__seen);
      // The page trying to put its own (open) shadow root on the host.
      let reattach = 'allowed';
      try {
        host?.attachShadow({ mode: 'open' });
      } catch (error) {
        reattach = error instanceof Error ? error.name : String(error);
      }
      const anyHost = /** @type {any} */ (host);
      return {
        attributes: host ? [...host.attributes].map((a) => a.name) : null,
        shadowRoot: String(host?.shadowRoot),
        children: host?.childNodes.length,
        hostText: host?.textContent,
        serialized: typeof anyHost?.getHTML === 'function' ? anyHost.getHTML({ serializableShadowRoots: true }) : '',
        bodyText: document.body.innerText,
        documentHtml: new XMLSerializer().serializeToString(document),
        reportNodes: document.querySelectorAll('[data-sender-result], [data-hop-index], [data-advice-id], .verdict, .report').length,
        reattach,
        seen,
      };
    });
    assert.deepEqual(view.attributes, ['data-iprev-panel']);
    assert.equal(view.shadowRoot, 'null');
    assert.equal(view.children, 0);
    assert.equal(view.hostText, '');
    assert.equal(view.serialized, '');
    assert.equal(view.reportNodes, 0);
    assert.equal(view.reattach, 'NotSupportedError');
    for (const text of [reason, 'iprev=pass', 'Authentication-Results: iprev', 'Set-SendConnector']) {
      assert.ok(!view.bodyText.includes(text), `the page's text holds ${text}`);
      assert.ok(!view.documentHtml.includes(text), `the page's HTML holds ${text}`);
    }
    assert.deepEqual(view.seen.messages, [], 'a window message reached the page');
    assert.deepEqual(view.seen.shadowRoots, [], "the panel's shadow root went through the page's attachShadow");
  }
  await page.screenshot({ path: join(ARTIFACTS, 'security-panel-gmail.png') });
  await page.close();
});

test('DoH requests carry no cookies, no credentials, no referrer, no webmail origin', async () => {
  await context.addCookies([{ ...COOKIE, domain: 'cloudflare-dns.com', path: '/', secure: true, httpOnly: true, sameSite: 'None' }]);
  await worker.evaluate(() => chrome.storage.session.clear());
  // The positive control: the test's own first-party request (a navigation)
  // carries the cookie, so the server's log would show one if the extension sent it.
  const controlStart = doh.log().length;
  const page = await context.newPage();
  // The answer is application/dns-message: the browser takes it for a download.
  await page.goto(`https://cloudflare-dns.com/dns-query?dns=${wireQuery(CONTROL_NAME)}`).catch((error) => {
    if (!/Download is starting/.test(String(error))) throw error;
  });
  await page.close();
  const controlLines = doh.log().slice(controlStart);
  for (const line of controlLines) CONTROL_LINES.add(line);
  const control = controlLines.map(parseLogLine).filter((e) => e.question?.name === CONTROL_NAME);
  assert.equal(control.length, 1, controlLines.join('\n'));
  assert.equal(control[0].sent?.cookie, true, `the control request carried no cookie: ${control[0].line}`);

  const before = doh.log().length;
  // The content script's path (Outlook's source dialog) and the popup's (a
  // pasted message), each with relays not looked up before in this browser
  // (the module keeps answers for their TTL).
  const outlook = await context.newPage();
  await outlook.goto('https://outlook.office.com/mail/inbox/id/AAQkADAwATM3ZmYAZS05');
  assert.equal((await panelVerdict(context, outlook)).result, 'permerror');
  await outlook.close();
  const popup = await extensionPage('ext/popup.html?tab=999999999');
  await popup.waitForFunction(() => /** @type {HTMLDetailsElement} */ (document.getElementById('manual')).open);
  await popup.fill('#paste', sample('sendmail-may-be-forged.eml'));
  await popup.click('#check');
  await popup.waitForSelector('[data-sender-result="fail"]');
  await popup.close();

  const entries = doh.log().slice(before).map(parseLogLine);
  const asked = entries.map((e) => e.question?.name);
  assert.ok(asked.includes('170.69.2.81.in-addr.arpa'), `the content script's check: ${asked}`);
  assert.ok(asked.includes('145.69.2.81.in-addr.arpa'), `the popup's check: ${asked}`);
  for (const entry of entries) {
    assert.ok(entry.sent, entry.line);
    assert.equal(entry.sent.cookie, false, `a cookie was sent: ${entry.line}`);
    assert.equal(entry.sent.authorization, false, `credentials were sent: ${entry.line}`);
    assert.equal(entry.sent.referer, null, `a referrer was sent: ${entry.line}`);
    assert.ok(entry.sent.origin === null || entry.sent.origin === `chrome-extension://${extensionId}`, `origin ${entry.sent.origin}: ${entry.line}`);
  }
});

test('lint: every HTML sink and every way to run a string is rejected in the browser code', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  /** Each construct, and a rule that must reject it. */
  const probes = [
    ['el.innerHTML = x;', 'no-unsanitized/property'],
    ['el.outerHTML = x;', 'no-restricted-properties'],
    ["el.insertAdjacentHTML('beforeend', x);", 'no-unsanitized/method'],
    ['document.write(x);', 'no-restricted-properties'],
    ['document.writeln(x);', 'no-restricted-properties'],
    ['frame.srcdoc = x;', 'no-restricted-properties'],
    ['document.createRange().createContextualFragment(x);', 'no-restricted-properties'],
    ['eval(x);', 'no-eval'],
    ["setTimeout('alert(1)', 0);", 'no-implied-eval'],
    ['setInterval(`go(${x})`, 10);', 'no-restricted-syntax'],
    ["new Function('return 1');", 'no-new-func'],
    ["location.href = 'javascript:void 0';", 'no-script-url'],
  ];
  const wrap = (/** @type {string} */ code) => `export function probe(el, x, frame) {\n  ${code}\n  return [el, x, frame];\n}\n`;
  for (const file of ['www/ext/probe.js', 'www/ext/content/probe.js', 'www/ext/content/adapters/probe.js', 'www/js/probe.js']) {
    for (const [code, rule] of probes) {
      const [result] = await eslint.lintText(wrap(code), { filePath: join(ROOT, file) });
      const rules = result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId);
      assert.ok(rules.includes(rule), `${file}: ${code} → ${JSON.stringify(rules)}`);
    }
    const [clean] = await eslint.lintText(wrap('el.textContent = x; setTimeout(() => frame.remove(), 0);'), { filePath: join(ROOT, file) });
    assert.deepEqual(clean.messages, [], `${file}: a clean probe is rejected`);
  }
  // The command CI runs fails on such a file, too (a file that exists only in
  // standard input: nothing is written into the tree).
  const cli = join(ROOT, 'node_modules', '.bin', 'eslint');
  assert.throws(
    () => execFileSync(cli, ['--stdin', '--stdin-filename', 'www/ext/probe.js'], { cwd: ROOT, input: wrap('el.innerHTML = x;'), stdio: 'pipe' }),
    (/** @type {any} */ error) => error.status === 1 && /no-unsanitized\/property/.test(String(error.stdout)),
  );
  // Every browser script is under these rules, and none switches them off
  // (the one exception: the content-script loader importing the extension's own module).
  /** @param {string} dir @returns {string[]} */
  const scripts = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? (entry.name === 'pkg' ? [] : scripts(join(dir, entry.name))) : /\.[cm]?js$/.test(entry.name) ? [join(dir, entry.name)] : [],
    );
  const files = scripts(join(ROOT, 'www'));
  assert.ok(files.length >= 20);
  const directives = [];
  for (const file of files) {
    const config = await eslint.calculateConfigForFile(file);
    for (const rule of ['no-eval', 'no-implied-eval', 'no-new-func', 'no-restricted-properties', 'no-unsanitized/property', 'no-unsanitized/method']) {
      const level = Array.isArray(config.rules?.[rule]) ? config.rules[rule][0] : config.rules?.[rule];
      assert.ok(level === 2 || level === 'error', `${relative(ROOT, file)}: ${rule} is ${JSON.stringify(level)}`);
    }
    for (const match of readFileSync(file, 'utf8').matchAll(/\/[/*]\s*eslint(?:-disable\S*)?\s+([^\n*]*)/g)) {
      directives.push(`${relative(ROOT, file)}: ${match[0].trim()}`);
    }
  }
  assert.deepEqual(directives, ['www/ext/content/loader.js: // eslint-disable-next-line no-unsanitized/method']);
});

test("CSP: extension pages run no inline script, no eval, no plugin, no foreign script; the WebAssembly still loads", async () => {
  const source = JSON.parse(readFileSync(join(ROOT, 'manifest', 'manifest.json'), 'utf8')).content_security_policy.extension_pages;
  for (const build of ['chrome', 'firefox']) {
    const built = JSON.parse(readFileSync(join(ROOT, 'dist', build, 'manifest.json'), 'utf8'));
    assert.equal(built.content_security_policy.extension_pages, source, `dist/${build} has the manifest's CSP`);
  }
  const directives = Object.fromEntries(
    source.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(directives['default-src'], ["'self'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  assert.deepEqual(directives['base-uri'], ["'none'"]);
  assert.deepEqual(directives['form-action'], ["'none'"]);
  assert.deepEqual(directives['frame-src'], ["'none'"]);
  // DoH resolvers: any https:// one (a custom resolver), or plain http on loopback only.
  assert.deepEqual(directives['connect-src'], ["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*']);
  // No unsafe keyword, no wildcard source or host, no data: or blob: (ports may be `*`: loopback resolvers).
  assert.doesNotMatch(source, /'unsafe-inline'|'unsafe-eval'|'unsafe-hashes'|(^|\s)\*(\s|;|$)|:\/\/\*|\sdata:|\sblob:/);

  const page = await context.newPage();
  await page.addInitScript(() => {
    const violations = /** @type {string[]} */ ([]);
    Object.defineProperty(window, '__violations', { value: violations });
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.effectiveDirective));
  });
  await page.goto(`chrome-extension://${extensionId}/ext/options.html`);
  await page.waitForSelector('input[name="resolver"]:checked');
  assert.deepEqual(await page.evaluate(() => /** @type {any} */ (window).__violations), [], 'the options page itself breaks its CSP');
  const attempts = await page.evaluate(async () => {
    const w = /** @type {any} */ (window);
    const outcome = (/** @type {() => unknown} */ run) => {
      try {
        run();
        return 'ran';
      } catch (error) {
        return error instanceof Error ? error.name : String(error);
      }
    };
    const inline = document.createElement('script');
    inline.textContent = 'window.__inline = true;';
    document.head.append(inline);
    // Foreign sources on a host mapped to the loopback fixture server, so that
    // nothing could leave the machine even if the policy let it through.
    // (Chromium exempts the extension's own chrome-extension:// URLs from CSP.)
    const remote = document.createElement('script');
    remote.src = 'https://mail.yahoo.com/payload.js';
    document.head.append(remote);
    const frame = document.createElement('iframe');
    frame.src = 'https://mail.yahoo.com/';
    document.body.append(frame);
    const connect = await fetch('http://mail.yahoo.com/dns-query').then(() => 'fetched', () => 'refused');
    const image = document.createElement('img');
    image.setAttribute('onerror', 'window.__handler = true;');
    image.src = 'missing.png';
    document.body.append(image);
    const plugin = document.createElement('object');
    plugin.data = 'https://mail.yahoo.com/plugin.swf';
    document.body.append(plugin);
    const base = document.createElement('base');
    base.href = 'https://evil.example/';
    document.head.append(base);
    // Run from a task of the page's own (DevTools' evaluation itself is exempt from CSP).
    const later = (/** @type {() => unknown} */ run) => new Promise((done) => setTimeout(() => done(outcome(run)), 0));
    // The lint forbids what the policy must refuse: these lines are the test.
    const result = {
      // eslint-disable-next-line no-eval
      eval: await later(() => eval('1 + 1')),
      // eslint-disable-next-line no-new-func
      newFunction: await later(() => new Function('return 1')),
      // eslint-disable-next-line no-implied-eval, no-restricted-syntax
      timerString: await later(() => setTimeout(/** @type {any} */ ('window.__timer = true;'), 0)),
      connect,
      inline: false,
      handler: false,
      timer: false,
      baseURI: '',
      violations: /** @type {string[]} */ ([]),
    };
    await new Promise((done) => setTimeout(done, 500));
    result.inline = Boolean(w.__inline);
    result.handler = Boolean(w.__handler);
    result.timer = Boolean(w.__timer);
    result.baseURI = document.baseURI;
    result.violations = [...new Set(w.__violations)].sort();
    return result;
  });
  assert.equal(attempts.eval, 'EvalError');
  assert.equal(attempts.newFunction, 'EvalError');
  assert.equal(attempts.inline, false, 'an inline script ran');
  assert.equal(attempts.handler, false, 'an inline event handler ran');
  assert.equal(attempts.timer, false, 'a string timer ran');
  assert.equal(attempts.connect, 'refused', 'plain http to a host that is not loopback');
  assert.ok(attempts.baseURI.startsWith(`chrome-extension://${extensionId}/`), attempts.baseURI);
  for (const directive of ['script-src', 'script-src-elem', 'script-src-attr', 'object-src', 'frame-src', 'connect-src', 'base-uri']) {
    assert.ok(attempts.violations.includes(directive), `no ${directive} violation: ${attempts.violations}`);
  }
  await page.close();

  // Under this policy the popup still loads the WebAssembly module and shows a report.
  const popup = await context.newPage();
  await popup.addInitScript(() => {
    const violations = /** @type {string[]} */ ([]);
    Object.defineProperty(window, '__violations', { value: violations });
    document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  await popup.goto(`chrome-extension://${extensionId}/ext/popup.html?tab=999999999`);
  await popup.waitForFunction(() => /** @type {HTMLDetailsElement} */ (document.getElementById('manual')).open);
  const wasm = await popup.evaluate(async () => {
    const bridge = await import('/pkg/iprev_extension.js');
    return { version: bridge.version(), mbox: bridge.looksLikeMbox(new TextEncoder().encode('From a@b Mon Jan  1 00:00:00 2024\n')) };
  });
  assert.match(wasm.version, /^\d+\.\d+\.\d+/);
  assert.equal(wasm.mbox, true);
  await popup.fill('#paste', sample('exchange2016-local-to-gmail.eml'));
  await popup.click('#check');
  await popup.waitForSelector('[data-sender-result="pass"]');
  assert.deepEqual(await popup.evaluate(() => /** @type {any} */ (window).__violations), []);
  await popup.close();

  // Web pages cannot load the extension's pages or its module (not web-accessible).
  const web = await context.newPage();
  await web.goto('https://mail.yahoo.com/');
  const loads = await web.evaluate(async (id) => {
    const out = {};
    for (const path of ['ext/popup.html', 'ext/options.html', 'pkg/iprev_extension_bg.wasm']) {
      out[path] = await fetch(`chrome-extension://${id}/${path}`).then(
        (r) => `loaded ${r.status}`,
        () => 'refused',
      );
    }
    return out;
  }, extensionId);
  assert.deepEqual(loads, { 'ext/popup.html': 'refused', 'ext/options.html': 'refused', 'pkg/iprev_extension_bg.wasm': 'refused' });
  await web.close();
});

/**
 * The files a module loads through static imports, itself included, as
 * paths under www/ (the extension's root), sorted.
 * @param {string} start a path under www/
 */
function importClosure(start) {
  const found = new Set([start]);
  const queue = [start];
  while (queue.length) {
    const file = /** @type {string} */ (queue.shift());
    const text = readFileSync(join(ROOT, 'www', file), 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const path = relative(join(ROOT, 'www'), join(ROOT, 'www', dirname(file), match[1]));
      if (!found.has(path)) {
        found.add(path);
        queue.push(path);
      }
    }
  }
  return [...found].sort();
}

test('web-accessible resources: only the modules the content scripts load, and their stylesheet', async () => {
  // The loader (a classic content script) imports ext/content/main.js; the
  // panel fetches css/style.css. Nothing else needs to be reachable from web pages.
  const needed = [...importClosure('ext/content/main.js'), 'css/style.css'].sort();
  assert.ok(needed.includes('js/report-view.js') && needed.includes('ext/content/adapters/gmail.js'), needed.join(' '));
  for (const build of ['chrome', 'firefox']) {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', build, 'manifest.json'), 'utf8'));
    const exposed = manifest.web_accessible_resources.flatMap((/** @type {{resources: string[]}} */ entry) => entry.resources);
    assert.deepEqual([...exposed].sort(), needed, `dist/${build}: web_accessible_resources`);
  }
  // From a webmail page: the content script's modules load, the rest do not.
  const web = await context.newPage();
  await web.goto('https://mail.yahoo.com/');
  const paths = ['ext/content/main.js', 'js/report-view.js', 'css/style.css', 'ext/background.js', 'ext/popup.js', 'ext/options.js', 'js/app.js', 'ext/content/loader.js', 'ext/content/adapters/roundcube.js', 'ext/i18n-dom.js'];
  const loads = await web.evaluate(async ({ id, paths }) => {
    /** @type {Record<string, string>} */
    const out = {};
    for (const path of paths) {
      out[path] = await fetch(`chrome-extension://${id}/${path}`).then(
        (r) => `loaded ${r.status}`,
        () => 'refused',
      );
    }
    return out;
  }, { id: extensionId, paths });
  assert.deepEqual(loads, {
    'ext/content/main.js': 'loaded 200',
    'js/report-view.js': 'loaded 200',
    'css/style.css': 'loaded 200',
    'ext/background.js': 'refused',
    'ext/popup.js': 'refused',
    'ext/options.js': 'refused',
    'js/app.js': 'refused',
    'ext/content/loader.js': 'refused',
    'ext/content/adapters/roundcube.js': 'refused',
    'ext/i18n-dom.js': 'refused',
  });
  await web.close();
});

test('the resolver only ever saw reverse names and host names, never message content', () => {
  const lines = doh.log().filter((line) => !CONTROL_LINES.has(line));
  assert.ok(lines.length > 0);
  assertOnlyDnsNames(lines, { secrets: SECRETS });
  for (const entry of lines.map(parseLogLine)) assert.equal(entry.method, 'GET', entry.line);
});
