// Lints for the browser code. `no-unsanitized` forbids innerHTML,
// insertAdjacentHTML, document.write and friends: everything from a message
// or from DNS must reach the page as text.
import js from '@eslint/js';
import nounsanitized from 'eslint-plugin-no-unsanitized';
import globals from 'globals';

export default [
  { ignores: ['www/pkg/**', 'dist/**', 'node_modules/**', 'target/**'] },
  js.configs.recommended,
  nounsanitized.configs.recommended,
  {
    files: ['www/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser, ...globals.webextensions } },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Use textContent or DOM nodes.' },
        { property: 'outerHTML', message: 'Use DOM nodes.' },
        { property: 'insertAdjacentHTML', message: 'Use DOM nodes.' },
      ],
    },
  },
  {
    files: ['tests/e2e/**/*.mjs', 'eslint.config.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      // Test code also runs inside pages and the extension's service worker.
      globals: { ...globals.node, ...globals.browser, ...globals.webextensions },
    },
  },
];
