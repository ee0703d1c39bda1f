// Shared by the browser tests: a static file server, the project's DoH test
// server, and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A message from 81.2.69.250, whose PTR record (tests/e2e/zone.txt) is markup. */
export const HOSTILE = [
  'Received: from <script>window.__pwned=2</script> (unknown [81.2.69.250]) by mx.example.org (Postfix) with ESMTP id X1;',
  ' Wed, 4 Jan 2023 10:11:12 +0000',
  'Subject: <img src=x onerror="window.__pwned=3">',
  '',
  'body',
].join('\r\n');

mkdirSync(ARTIFACTS, { recursive: true });

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ts': 'text/plain',
};

/**
 * Serves a directory on 127.0.0.1 (an ephemeral port).
 * @param {string} dir
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export function serveStatic(dir) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    let file = join(root, path);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      ok({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/**
 * Starts the DoH test server (target/debug/iprev-doh-server) on a zone.
 * @param {string} zone path of a zone file
 * @param {string[]} [args]
 * @returns {Promise<{url: string, log: () => string[], stop: () => void}>}
 */
export function startDoh(zone, args = []) {
  const binary = join(ROOT, 'target', 'debug', 'iprev-doh-server');
  if (!existsSync(binary)) throw new Error(`${binary} missing: cargo build -p iprev-doh-server`);
  const logFile = join(ARTIFACTS, `doh-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  const child = spawn(binary, ['--zone', zone, '--log', logFile, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) {
        ok({
          url: match[1],
          log: () => (existsSync(logFile) ? readLines(logFile) : []),
          stop: () => child.stdin.end(),
        });
      }
    });
    child.on('exit', (code) => fail(new Error(`doh server exited with ${code}: ${out}`)));
  });
}


/** @param {string} file */
function readLines(file) {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/** Chromium flags that work on this kind of machine (no sandbox as root, no network chatter). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** @param {string[]} [extra] */
export function launch(extra = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extra] });
}

/**
 * Reads a repository file.
 * @param {string} path relative to the repository root
 */
export function repoFile(path) {
  return readFileSync(join(ROOT, path));
}

/**
 * Reads one line of the DoH test server's --log: `at_ms method target
 * question`, where the question is `NAME TYPE` or `-`; with --log-headers,
 * four more fields end the line: `cookie=yes|no authorization=yes|no
 * origin=VALUE referer=VALUE` (`-` when not sent).
 * @param {string} line
 */
export function parseLogLine(line) {
  const fields = line.split(' ');
  /** @type {{cookie: boolean, authorization: boolean, origin: string | null, referer: string | null} | null} */
  let sent = null;
  const tail = fields.slice(-4);
  if (fields.length >= 8 && tail.every((field, i) => field.startsWith(`${['cookie', 'authorization', 'origin', 'referer'][i]}=`))) {
    fields.splice(-4);
    const value = (/** @type {string} */ field) => field.slice(field.indexOf('=') + 1);
    const text = (/** @type {string} */ field) => (value(field) === '-' ? null : value(field));
    sent = { cookie: value(tail[0]) === 'yes', authorization: value(tail[1]) === 'yes', origin: text(tail[2]), referer: text(tail[3]) };
  }
  const [atMs, method, target, ...rest] = fields;
  const question = rest.length === 2 ? { name: rest[0], type: rest[1] } : null;
  return { atMs: Number(atMs), method, target, question, sent, line };
}

/**
 * The privacy rule every browser test checks on the resolver's log: only
 * DNS questions, each a reverse name (in-addr.arpa / ip6.arpa PTR) or a host
 * name (A / AAAA) from `names` when given; the request target carries
 * nothing but the query; no line holds any of `secrets` (subjects,
 * addresses, body text of the messages checked).
 * @param {string[]} lines
 * @param {{names?: Iterable<string>, secrets?: string[]}} [expect]
 */
export function assertOnlyDnsNames(lines, expect = {}) {
  const names = expect.names ? new Set([...expect.names].map((n) => n.toLowerCase())) : null;
  for (const line of lines) {
    const entry = parseLogLine(line);
    if (!entry.question) throw new Error(`the resolver got a request without a DNS question: ${line}`);
    const { name, type } = entry.question;
    const reverse = /\.(in-addr|ip6)\.arpa$/i.test(name) && type === 'PTR';
    const host = (type === 'A' || type === 'AAAA') && !/\.arpa$/i.test(name) && !/^[\d.]+$/.test(name) && !name.includes(':');
    if (!reverse && !host) throw new Error(`the resolver was asked something other than a reverse name or a host name: ${line}`);
    if (names && !names.has(name.toLowerCase())) throw new Error(`the resolver was asked about ${name}, a name not taken from the headers or DNS: ${line}`);
    if (!/^\/dns-query\?dns=[A-Za-z0-9_-]+$/.test(entry.target) && !/^\/(dns-query|resolve)\?name=[^&]+&type=[A-Z]+$/.test(entry.target)) {
      throw new Error(`the request target carries more than a DNS question: ${line}`);
    }
    for (const secret of expect.secrets ?? []) {
      if (line.toLowerCase().includes(secret.toLowerCase())) throw new Error(`the resolver saw ${JSON.stringify(secret)}: ${line}`);
    }
  }
}

/**
 * The reverse-lookup name of an IPv4 address.
 * @param {string} ip
 */
export function reverseName(ip) {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/**
 * Everything inside the extension's in-page panels, closed shadow roots
 * included, read through the DevTools protocol (the page itself cannot see
 * into them): the elements with their attributes, and the text.
 * @param {import('playwright-core').BrowserContext} context
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{elements: {name: string, attrs: Record<string, string>}[], text: string}>}
 */
export async function panelContents(context, page) {
  const cdp = await context.newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  await cdp.detach();
  /** @type {{name: string, attrs: Record<string, string>}[]} */
  const elements = [];
  let text = '';
  /** @param {any} node @param {boolean} inside */
  const walk = (node, inside) => {
    /** @type {Record<string, string>} */
    const attrs = {};
    for (let i = 0; i < (node.attributes ?? []).length; i += 2) attrs[node.attributes[i]] = node.attributes[i + 1];
    const here = inside || 'data-iprev-panel' in attrs;
    if (inside && node.nodeType === 1) elements.push({ name: node.nodeName.toLowerCase(), attrs });
    if (inside && node.nodeType === 3) text += node.nodeValue;
    for (const child of node.children ?? []) walk(child, here);
    for (const shadow of node.shadowRoots ?? []) walk(shadow, here);
  };
  walk(root, false);
  return { elements, text };
}

/**
 * Waits until a panel shows a sender verdict; returns the result and the
 * panel's contents.
 * @param {import('playwright-core').BrowserContext} context
 * @param {import('playwright-core').Page} page
 */
export async function panelVerdict(context, page) {
  for (let i = 0; i < 150; i++) {
    const contents = await panelContents(context, page);
    const banner = contents.elements.find((e) => 'data-sender-result' in e.attrs && e.attrs['data-sender-result'] !== 'unchecked');
    if (banner) return { result: banner.attrs['data-sender-result'], ...contents };
    await page.waitForTimeout(100);
  }
  throw new Error('no verdict in the panel');
}

/**
 * Chromium with unpacked extensions loaded, in a fresh profile: `rules` map
 * host names to loopback (`--host-resolver-rules`), so fixture pages and the
 * DoH test server answer under their real names.
 * @param {string[]} extensions directories of unpacked extensions
 * @param {string} rules
 * @returns {Promise<{context: import('playwright-core').BrowserContext, profile: string}>}
 */
export async function launchWithExtensions(extensions, rules) {
  const profile = mkdtempSync(join(tmpdir(), 'iprev-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      ...CHROMIUM_ARGS,
      `--disable-extensions-except=${extensions.join(',')}`,
      `--load-extension=${extensions.join(',')}`,
      `--host-resolver-rules=${rules}`,
      '--ignore-certificate-errors',
    ],
    viewport: { width: 1200, height: 900 },
  });
  return { context, profile };
}

/**
 * A fresh context and page on the standalone page at `url`, with the custom
 * resolver `resolver` chosen in the page's own settings form (and, when
 * given, its per-question timeout in seconds).
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{resolver: string, timeoutSeconds?: number, colorScheme?: 'light' | 'dark'}} options
 */
export async function openCheckPage(browser, url, options) {
  const context = await browser.newContext({ colorScheme: options.colorScheme ?? 'light', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  /** @type {Error[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#settings summary');
  await page.check('input[name="resolver"][value="custom"]');
  await page.fill('#custom-url', options.resolver);
  await page.dispatchEvent('#custom-url', 'change');
  if (options.timeoutSeconds !== undefined) {
    await page.fill('#timeout', String(options.timeoutSeconds));
    await page.dispatchEvent('#timeout', 'change');
  }
  return { page, context, errors };
}
