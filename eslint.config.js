// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Node built-ins that perform I/O or read ambient state; the engine must stay pure. */
const impureNodeModules = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'cluster',
  'dgram',
  'dns',
  'os',
  'process',
  'readline',
  'tls',
  'worker_threads',
  'crypto',
  'timers',
  'timers/promises',
  'perf_hooks',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'web/dist/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The engine is a pure function of its arguments: no I/O, no clock, no randomness, and it never
    // reaches up into the layers that call it.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: impureNodeModules.flatMap((m) => [
            { name: m, message: 'The engine is pure: no I/O or ambient state.' },
            { name: `node:${m}`, message: 'The engine is pure: no I/O or ambient state.' },
          ]),
          patterns: [
            {
              group: ['**/service/**', '**/store/**', '**/api/**', '**/jobs/**', '**/cli/**'],
              message: 'The engine never imports from the layers above it.',
            },
            {
              group: ['pg', 'kysely', '@electric-sql/*', 'fastify', 'pino', 'pg-boss'],
              message: 'The engine does no I/O.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The engine is pure: pass configuration in.' },
        { name: 'fetch', message: 'The engine does no I/O.' },
        { name: 'setTimeout', message: 'The engine has no clock.' },
        { name: 'setInterval', message: 'The engine has no clock.' },
        { name: 'performance', message: 'The engine has no clock: the caller measures latency.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'The engine has no clock: `now` is an argument.',
        },
        {
          object: 'Math',
          property: 'random',
          message: 'The engine is deterministic: no randomness.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The engine has no clock: `now` is an argument.',
        },
        {
          selector: "CallExpression[callee.object.name='DateTime'][callee.property.name='now']",
          message: 'The engine has no clock: `now` is an argument.',
        },
      ],
    },
  },
  {
    // Layers are one-way: api, jobs and cli call service; only service and store touch the
    // database (the serve command, which wires everything, is the one exception).
    files: ['src/api/**/*.ts', 'src/jobs/**/*.ts', 'src/cli/**/*.ts'],
    ignores: ['src/cli/serve.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/store/**'], message: 'Go through the service layer.' }] },
      ],
    },
  },
  {
    files: ['src/service/**/*.ts', 'src/store/**/*.ts', 'src/formats/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api/**', '**/cli/**', '**/jobs/**'],
              message: 'Lower layers never call up.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/engine/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
