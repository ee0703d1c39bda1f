// @ts-check
// Messages between the content scripts, the popup and the background, and
// the checks every receiver applies: the sender is this extension, and the
// message has exactly the expected shape. Anything else is dropped.

import { ext } from './api.js';

/** Largest message source sent between parts of the extension. */
export const MAX_SOURCE_CHARS = 4 * 1024 * 1024;

/**
 * @typedef {{ type: 'iprev:check', raw: string, source: string, key: string }} CheckRequest
 * @typedef {{ type: 'iprev:getSource' }} SourceRequest
 * @typedef {{ type: 'iprev:showReport', report: object }} ShowRequest
 * @typedef {CheckRequest | SourceRequest | ShowRequest} Request
 */

/**
 * True when a message comes from this extension itself (its pages, its
 * service worker, or its content scripts), never from a web page.
 * @param {chrome.runtime.MessageSender} sender
 */
export function fromThisExtension(sender) {
  return sender.id === ext.runtime.id;
}

/**
 * @param {unknown} value
 * @param {number} max
 */
function isText(value, max) {
  return typeof value === 'string' && value.length <= max;
}

/**
 * Checks the shape of a message; returns it typed, or null.
 * @param {unknown} message
 * @returns {Request | null}
 */
export function parse(message) {
  if (!message || typeof message !== 'object') return null;
  const m = /** @type {Record<string, unknown>} */ (message);
  const keys = Object.keys(m).sort().join(',');
  switch (m.type) {
    case 'iprev:check':
      if (keys !== 'key,raw,source,type') return null;
      if (!isText(m.raw, MAX_SOURCE_CHARS) || !isText(m.source, 2048) || !isText(m.key, 2048)) return null;
      return /** @type {CheckRequest} */ (m);
    case 'iprev:getSource':
      return keys === 'type' ? { type: 'iprev:getSource' } : null;
    case 'iprev:showReport':
      if (keys !== 'report,type' || !m.report || typeof m.report !== 'object') return null;
      return /** @type {ShowRequest} */ (m);
    default:
      return null;
  }
}

/**
 * @typedef {{ ok: true, report: import('../pkg/iprev_extension.js').Report }
 *   | { ok: false, error: string }} CheckReply
 * @typedef {{ raw: string, source: string, key: string } | { error: string }} SourceReply
 */
