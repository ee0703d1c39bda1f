// Lints for the browser code. `no-unsanitized` forbids innerHTML,
// insertAdjacentHTML, document.write and friends: everything from a message
// or from DNS must reach the page as text. The rules below add a second,
// plain ban on the same sinks and on every way of turning a string into
// code (eval, new Function, setTimeout/setInterval with a string,
// javascript: URLs), for all the JavaScript that runs in a browser: the
// page (www/js), the extension (www/ext: background, popup, options, content
// scripts) and the tests' code run inside pages. tests/e2e/security.test.mjs
// checks that these rules still reject each sink.
import js from '@eslint/js';
import nounsanitized from 'eslint-plugin-no-unsanitized';
import globals from 'globals';

/** Properties and methods that parse or write HTML, or run strings. */
const RESTRICTED_PROPERTIES = [
  { property: 'innerHTML', message: 'Use textContent or DOM nodes.' },
  { property: 'outerHTML', message: 'Use DOM nodes.' },
  { property: 'insertAdjacentHTML', message: 'Use DOM nodes.' },
  { property: 'srcdoc', message: 'Build the frame from DOM nodes, not HTML text.' },
  { property: 'createContextualFragment', message: 'Use DOM nodes.' },
  { property: 'setHTMLUnsafe', message: 'Use DOM nodes.' },
  { object: 'document', property: 'write', message: 'Use DOM nodes.' },
  { object: 'document', property: 'writeln', message: 'Use DOM nodes.' },
];

/** Code from strings, in every spelling the rules can see. */
const NO_STRING_CODE = {
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-script-url': 'error',
  'no-restricted-properties': ['error', ...RESTRICTED_PROPERTIES],
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.name=/^(setTimeout|setInterval)$/][arguments.0.type!='ArrowFunctionExpression'][arguments.0.type!='FunctionExpression'][arguments.0.type!='Identifier'][arguments.0.type!='MemberExpression']",
      message: 'Pass a function to setTimeout/setInterval, never a string.',
    },
  ],
};

export default [
  { ignores: ['www/pkg/**', 'dist/**', 'node_modules/**', 'target/**'] },
  // A disable comment that silences nothing is an error, so a stale one cannot
  // hide a future violation.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  nounsanitized.configs.recommended,
  {
    files: ['www/**/*.js', 'www/**/*.mjs', 'www/**/*.cjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser, ...globals.webextensions } },
    rules: NO_STRING_CODE,
  },
  {
    files: ['tests/e2e/**/*.mjs', 'eslint.config.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      // Test code also runs inside pages and the extension's service worker.
      globals: { ...globals.node, ...globals.browser, ...globals.webextensions },
    },
    rules: NO_STRING_CODE,
  },
];
