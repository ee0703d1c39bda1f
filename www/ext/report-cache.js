// @ts-check
// The background's cache of reports, in storage.session (this browser
// session only, readable by the extension's own pages, not by content
// scripts). A report is found by the SHA-256 of the message source it was
// made from, never by the page's address: two messages shown at one URL are
// two entries, and one message met twice is one. At most MAX_REPORTS reports
// and MAX_CACHE_BYTES bytes are kept; the least recently used go first.
// The cache is only a cache: when storage cannot be read or written (its
// quota full, say), that is a miss, never a failed check.

import { ext } from './api.js';

/** Reports kept at most. */
export const MAX_REPORTS = 100;
/**
 * Bytes of reports kept at most, as the browser counts them
 * (storage.session.getBytesInUse; where it cannot say, the report's JSON in
 * UTF-8): under half of Chrome's 10 MiB storage.session quota, so that a
 * full cache still leaves room for the next report.
 */
export const MAX_CACHE_BYTES = 4 * 1024 * 1024;

/** The key of the index: `[key, bytes]` per report, least recently used first. */
const INDEX = 'reports';
const PREFIX = 'report:';

/** @typedef {import('../pkg/iprev_extension.js').Report} Report */
/** @typedef {[string, number]} Entry */

/** @returns {chrome.storage.StorageArea} */
function area() {
  return ext.storage.session;
}

/**
 * The cache key of a message source: its SHA-256, in hex.
 * @param {string} raw
 * @returns {Promise<string>}
 */
export async function contentKey(raw) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(raw));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** @param {string} key */
function itemKey(key) {
  return `${PREFIX}${key}`;
}

/**
 * The index as stored, anything malformed dropped.
 * @param {unknown} value
 * @returns {Entry[]}
 */
function entries(value) {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && Number.isSafeInteger(entry[1]) && entry[1] >= 0,
  );
}

/** @param {Entry[]} index */
function total(index) {
  return index.reduce((sum, [, bytes]) => sum + bytes, 0);
}

// One operation on the index at a time (checks run concurrently).
let queue = /** @type {Promise<unknown>} */ (Promise.resolve());

/**
 * Runs `task` after every operation queued before it.
 * @template T
 * @param {() => Promise<T>} task
 * @returns {Promise<T>}
 */
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * The report stored for a key, or undefined (not stored, or storage failed).
 * A hit becomes the most recently used.
 * @param {string} key
 * @returns {Promise<Report | undefined>}
 */
export function cached(key) {
  return serial(async () => {
    try {
      const got = await area().get([itemKey(key), INDEX]);
      const report = /** @type {Report | undefined} */ (got[itemKey(key)]);
      if (!report || typeof report !== 'object') return undefined;
      const index = entries(got[INDEX]);
      const at = index.findIndex(([name]) => name === key);
      if (at >= 0 && at < index.length - 1) {
        index.push(...index.splice(at, 1));
        // Only the order of eviction is at stake if this fails.
        await area().set({ [INDEX]: index }).catch(() => undefined);
      }
      return report;
    } catch {
      return undefined;
    }
  });
}

/**
 * Removes reports that storage holds but the index does not list (left by
 * an older version, or by a worker stopped between two writes).
 * @param {Entry[]} index
 */
async function sweep(index) {
  const listed = new Set(index.map(([key]) => itemKey(key)));
  const stray = Object.keys(await area().get(null)).filter((name) => name.startsWith(PREFIX) && !listed.has(name));
  if (stray.length) await area().remove(stray);
}

/**
 * The bytes storage counts for one item, or null where the browser cannot say.
 * @param {string} name
 * @returns {Promise<number | null>}
 */
async function bytesInUse(name) {
  const storage = /** @type {{getBytesInUse?: (keys: string) => Promise<number>}} */ (/** @type {unknown} */ (area()));
  if (typeof storage.getBytesInUse !== 'function') return null;
  try {
    const bytes = await storage.getBytesInUse(name);
    return Number.isSafeInteger(bytes) ? bytes : null;
  } catch {
    return null;
  }
}

/**
 * Drops the least recently used entries (never the newest, last one) until
 * the index is within MAX_REPORTS and MAX_CACHE_BYTES; removes their reports.
 * @param {Entry[]} index changed in place
 */
async function evictOverBounds(index) {
  /** @type {string[]} */
  const evicted = [];
  while (index.length > 1 && (index.length > MAX_REPORTS || total(index) > MAX_CACHE_BYTES)) {
    evicted.push(/** @type {Entry} */ (index.shift())[0]);
  }
  if (evicted.length) await area().remove(evicted.map(itemKey));
}

/**
 * Writes a report and the index that lists it (last) in one call. When
 * storage refuses (its quota), the index is kept true to what is stored,
 * reports no index lists are swept away, then the least recently used are
 * evicted one by one until the write succeeds; with none left, it throws.
 * @param {string} key
 * @param {Report} report
 * @param {Entry[]} index changed in place
 */
async function write(key, report, index) {
  for (let attempt = 0; ; attempt++) {
    try {
      await area().set({ [itemKey(key)]: report, [INDEX]: index });
      return;
    } catch (error) {
      await area().set({ [INDEX]: index.slice(0, -1) }).catch(() => undefined);
      if (attempt === 0) await sweep(index);
      else if (index.length > 1) await area().remove(itemKey(/** @type {Entry} */ (index.shift())[0]));
      else throw error;
    }
  }
}

/**
 * Forgets every stored report (the settings changed: the next check must
 * use them). Never throws; false when storage failed.
 * @returns {Promise<boolean>}
 */
export function clearAll() {
  return serial(async () => {
    try {
      const names = Object.keys(await area().get(null)).filter((name) => name.startsWith(PREFIX));
      await area().remove([...names, INDEX]);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Stores a report, evicting the least recently used ones to stay within
 * MAX_REPORTS and MAX_CACHE_BYTES (as the browser counts them, where it
 * can say; else as the report's JSON in UTF-8), and more while storage
 * refuses the write. Returns whether the report was stored; never throws.
 * @param {string} key
 * @param {Report} report
 * @returns {Promise<boolean>}
 */
export function store(key, report) {
  return serial(async () => {
    try {
      const estimate = new TextEncoder().encode(JSON.stringify(report)).length + itemKey(key).length;
      if (estimate > MAX_CACHE_BYTES) return false;
      const index = entries((await area().get(INDEX))[INDEX]).filter(([name]) => name !== key);
      index.push([key, estimate]);
      await evictOverBounds(index);
      await write(key, report, index);
      const measured = await bytesInUse(itemKey(key));
      if (measured !== null && measured !== estimate) {
        index[index.length - 1] = [key, measured];
        if (measured > MAX_CACHE_BYTES) {
          await area().remove(itemKey(key));
          await area().set({ [INDEX]: index.slice(0, -1) });
          return false;
        }
        await evictOverBounds(index);
        await area().set({ [INDEX]: index });
      }
      return true;
    } catch {
      return false;
    }
  });
}
