// @ts-check
// Messages between the content scripts, the popup and the background, and
// the checks every receiver applies: the sender is this extension, and the
// message has exactly the expected shape. A message from anyone else is
// dropped unanswered; a malformed one from this extension gets an error.

import { ext } from './api.js';

/** Largest message source sent between parts of the extension. */
export const MAX_SOURCE_CHARS = 4 * 1024 * 1024;

/**
 * @typedef {{ type: 'iprev:check', raw: string, source: string }} CheckRequest
 * @typedef {{ type: 'iprev:getSource' }} SourceRequest
 * @typedef {CheckRequest | SourceRequest} Request
 */

/**
 * The origins the content scripts run on (https://mail.google.com...), from
 * the manifest's content_scripts match patterns.
 * @returns {Set<string>}
 */
function contentScriptOrigins() {
  const origins = new Set();
  for (const script of ext.runtime.getManifest().content_scripts ?? []) {
    for (const pattern of script.matches ?? []) {
      const match = /^(https:\/\/[a-z0-9.-]+)\/\*$/.exec(pattern);
      if (match) origins.add(match[1]);
    }
  }
  return origins;
}

/**
 * True when a message comes from this extension itself, never from a web
 * page or another extension: its sender is this extension's id, and it is
 * either one of this extension's own pages (popup, options, service worker)
 * or a content script in a tab of a site the content scripts run on.
 * @param {chrome.runtime.MessageSender | undefined} sender
 */
export function fromThisExtension(sender) {
  if (!sender || sender.id !== ext.runtime.id || typeof sender.url !== 'string') return false;
  if (sender.url.startsWith(ext.runtime.getURL(''))) return true;
  if (!sender.tab) return false;
  try {
    return contentScriptOrigins().has(new URL(sender.url).origin);
  } catch {
    return false;
  }
}

/**
 * @param {unknown} value
 * @param {number} max
 */
function isText(value, max) {
  return typeof value === 'string' && value.length <= max;
}

/**
 * The fields of each request type, sorted: `iprev:check` (content script or
 * popup → background) and `iprev:getSource` (popup → content script). There
 * is no other: an unknown type is refused, never passed on unhandled.
 */
const FIELDS = {
  'iprev:check': ['raw', 'source', 'type'],
  'iprev:getSource': ['type'],
};

/**
 * Names from a message, shortened, for an error text.
 * @param {string[]} names
 */
function list(names) {
  const shown = names.slice(0, 5).map((name) => JSON.stringify(name.slice(0, 40)));
  return shown.join(', ') + (names.length > 5 ? ', …' : '');
}

/**
 * Checks the shape of a message: exactly the fields of its type, each of
 * the right type and size. Returns the request, typed, or why it is not one.
 * @param {unknown} message
 * @returns {{request: Request} | {error: string}}
 */
export function validate(message) {
  if (!message || typeof message !== 'object' || Array.isArray(message)) {
    return { error: `malformed message: expected an object, got ${Array.isArray(message) ? 'an array' : message === null ? 'null' : typeof message}` };
  }
  const m = /** @type {Record<string, unknown>} */ (message);
  const type = m.type;
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) {
    return { error: `malformed message: unknown type ${typeof type === 'string' ? list([type]) : typeof type}` };
  }
  const expected = FIELDS[/** @type {keyof typeof FIELDS} */ (type)];
  const keys = Object.keys(m);
  const extra = keys.filter((key) => !expected.includes(key));
  if (extra.length) return { error: `malformed ${type} message: unexpected field ${list(extra)}` };
  const missing = expected.filter((key) => !keys.includes(key));
  if (missing.length) return { error: `malformed ${type} message: missing field ${list(missing)}` };
  switch (type) {
    case 'iprev:check':
      if (!isText(m.raw, MAX_SOURCE_CHARS)) return { error: `malformed ${type} message: raw must be a string of at most ${MAX_SOURCE_CHARS} characters` };
      if (!isText(m.source, 2048)) return { error: `malformed ${type} message: source must be a string of at most 2048 characters` };
      return { request: /** @type {CheckRequest} */ (m) };
    default:
      return { request: { type: 'iprev:getSource' } };
  }
}

/**
 * Checks the shape of a message; returns it typed, or null.
 * @param {unknown} message
 * @returns {Request | null}
 */
export function parse(message) {
  const checked = validate(message);
  return 'request' in checked ? checked.request : null;
}

/**
 * @typedef {{ ok: true, report: import('../pkg/iprev_extension.js').Report }
 *   | { ok: false, error: string }} CheckReply
 * @typedef {{ raw: string, source: string } | { error: string }} SourceReply
 */
