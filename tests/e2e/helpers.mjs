// Shared by the browser tests: a static file server, the project's DoH test
// server, and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
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
