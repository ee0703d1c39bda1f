// @ts-check
// The WebExtension API under one name: `browser` in Firefox, `chrome` in
// Chrome and Edge (both return promises in Manifest V3).

/** @type {typeof chrome} */
export const ext = /** @type {any} */ (globalThis).browser ?? globalThis.chrome;
