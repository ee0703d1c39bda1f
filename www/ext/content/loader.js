// Content scripts are classic scripts in Manifest V3; this one loads the
// real (module) content script from the extension itself.
(async () => {
  // @ts-ignore -- `browser` exists in Firefox only.
  const api = globalThis.browser ?? globalThis.chrome;
  // The extension's own module, never a page-supplied URL.
  // eslint-disable-next-line no-unsanitized/method
  const { start } = await import(api.runtime.getURL('ext/content/main.js'));
  start();
})();
