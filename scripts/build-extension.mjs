// `make dist`, extension part: one manifest source plus a small overlay per
// browser, assembled with the page's files into dist/chrome and dist/firefox
// (unpacked, loadable as they are) and zipped to dist/iprev-<browser>.zip.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

/** Deep-merges plain objects; arrays and values of the overlay win. */
function merge(base, overlay) {
  const out = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const both = value && typeof value === 'object' && !Array.isArray(value) && out[key] && typeof out[key] === 'object';
    out[key] = both ? merge(out[key], value) : value;
  }
  return out;
}

const base = read('manifest/manifest.json');
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)?.[1];
for (const browser of ['chrome', 'firefox']) {
  const out = join(root, 'dist', browser);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const manifest = merge(base, read(`manifest/${browser}.json`));
  if (version) manifest.version = version;
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(root, 'manifest/_locales'), join(out, '_locales'), { recursive: true });
  cpSync(join(root, 'manifest/icons'), join(out, 'icons'), { recursive: true });
  for (const dir of ['ext', 'js', 'css', 'pkg']) cpSync(join(root, 'www', dir), join(out, dir), { recursive: true });
  rmSync(join(out, 'pkg', 'package.json'), { force: true });
  rmSync(join(out, 'pkg', '.gitignore'), { force: true });
  const zip = join(root, 'dist', `iprev-${browser}.zip`);
  rmSync(zip, { force: true });
  execFileSync('python3', ['-m', 'zipfile', '-c', zip, ...['manifest.json', '_locales', 'icons', 'ext', 'js', 'css', 'pkg']], { cwd: out });
  console.log(`dist/${browser}, dist/iprev-${browser}.zip`);
}
