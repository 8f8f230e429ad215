// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Node built-ins that perform I/O or read ambient state; the pure layers never import them. */
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

/** Packages that do I/O; pure layers never import them. */
const ioPackages = ['pg', 'kysely', '@electric-sql/*', 'fastify', 'pino', 'pg-boss'];

/**
 * The purity rules of the engine and analysis: no I/O, no clock, no randomness. `now`, timings
 * and configuration are arguments; the caller measures, reads and writes.
 */
const purity = {
  paths: impureNodeModules.flatMap((m) => [
    { name: m, message: 'Pure layer: no I/O or ambient state.' },
    { name: `node:${m}`, message: 'Pure layer: no I/O or ambient state.' },
  ]),
  patterns: [{ group: ioPackages, message: 'Pure layer: it does no I/O.' }],
  globals: [
    { name: 'process', message: 'Pure layer: pass configuration in.' },
    { name: 'fetch', message: 'Pure layer: it does no I/O.' },
    { name: 'setTimeout', message: 'Pure layer: it has no clock.' },
    { name: 'setInterval', message: 'Pure layer: it has no clock.' },
    { name: 'performance', message: 'Pure layer: it has no clock; the caller measures latency.' },
    { name: 'crypto', message: 'Pure layer: no randomness; pass ids and hashes in.' },
  ],
  properties: [
    {
      object: 'Date',
      property: 'now',
      message: 'Pure layer: it has no clock; `now` is an argument.',
    },
    {
      object: 'Math',
      property: 'random',
      message: 'Pure layer: it is deterministic; no randomness.',
    },
  ],
  syntax: [
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'Pure layer: it has no clock; `now` is an argument.',
    },
    {
      selector: "CallExpression[callee.name='Date']",
      message: 'Pure layer: it has no clock; `now` is an argument.',
    },
    {
      selector: "CallExpression[callee.object.name='DateTime'][callee.property.name='now']",
      message: 'Pure layer: it has no clock; `now` is an argument.',
    },
  ],
};

/** The folders of src/, one per layer; `config` is the one module at the top, src/config.ts. */
const layerNames = ['engine', 'analysis', 'formats', 'store', 'service', 'api', 'jobs', 'cli'];

/**
 * What may be imported from a layer, as the tail of a regular expression over the import's
 * source. Every import between layers is relative and climbs out of its folder first
 * (`../store/x.ts`, `../../service/index.ts`), which is what tells it from a file's own
 * subfolders and from packages. `service/index.ts` stands for the service's entry module alone.
 */
function importTail(name) {
  if (name === 'config') return 'config\\.ts$';
  if (name === 'service/index.ts') return 'service/(?!index\\.ts$)';
  return `${name}/`;
}

/** A regular expression matching an import, from inside a layer, of anything it may not import. */
function forbiddenImports(layer, mayImport) {
  const tails = [];
  for (const name of [...layerNames, 'config']) {
    if (name === layer || mayImport.includes(name)) continue;
    tails.push(importTail(mayImport.includes(`${name}/index.ts`) ? `${name}/index.ts` : name));
  }
  return `^(\\.\\./)+(${tails.join('|')})`;
}

/**
 * One layer's boundary as one flat-config block. Every import rule of those files is set here,
 * because a later block setting the same rule replaces it rather than adding to it. The boundary
 * covers `import`, `import type`, `export … from` and `import()`; `message` is the layer's rule in
 * one sentence, and what eslint prints. A pure layer also gets the purity rules; its tests
 * (`io`) may import Node's I/O modules, to read fixtures, but still have no clock or randomness.
 */
function boundary({ files, ignores = [], forbidden, message, pure = false, io = !pure }) {
  // esquery reads a regular expression up to the first slash, so slashes are written as \x2F.
  const dynamic = {
    selector: `ImportExpression[source.value=/${forbidden.replaceAll('/', '\\x2F')}/]`,
    message,
  };
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: io ? [] : purity.paths,
          patterns: [{ regex: forbidden, message }, ...(io ? [] : purity.patterns)],
        },
      ],
      'no-restricted-syntax': ['error', dynamic, ...(pure ? purity.syntax : [])],
      ...(pure && {
        'no-restricted-globals': ['error', ...purity.globals],
        'no-restricted-properties': ['error', ...purity.properties],
      }),
    },
  };
}

/**
 * A layer's boundary, for its source files and its tests alike: a test crosses no more layers
 * than the code it tests.
 */
function layer(name, { mayImport, message, pure = false, ignores = [] }) {
  const forbidden = forbiddenImports(name, mayImport);
  const files = [`src/${name}/**/*.ts`];
  const tests = [`src/${name}/**/*.test.ts`];
  if (!pure) return [boundary({ files, ignores, forbidden, message })];
  return [
    boundary({ files, ignores: [...ignores, ...tests], forbidden, message, pure }),
    boundary({ files: tests, ignores, forbidden, message, pure, io: true }),
  ];
}

/** What a layer may import from the others in src/, one sentence each (the map in src/analysis/index.ts). */
const layers = [
  ...layer('engine', {
    mayImport: [],
    pure: true,
    message:
      'The engine imports no other layer (nor src/config.ts): it is pure routing, the bottom of the house.',
  }),
  ...layer('analysis', {
    mayImport: ['engine'],
    pure: true,
    message: 'Analysis imports only the engine, and is pure like it.',
  }),
  ...layer('formats', {
    mayImport: ['engine'],
    message:
      'Formats parses files into records and imports only the engine (never store, service or api).',
  }),
  ...layer('store', {
    mayImport: ['engine', 'formats', 'config'],
    message:
      'The store imports only the engine, formats and config (never service, api, jobs or cli).',
  }),
  ...layer('service', {
    mayImport: ['engine', 'analysis', 'formats', 'store', 'config'],
    message: 'The service imports the layers below it, never api, jobs or cli.',
  }),
  ...layer('api', {
    mayImport: ['service/index.ts'],
    message:
      "The api imports only the service's entry module, service/index.ts (and its own files).",
  }),
  ...layer('jobs', {
    mayImport: ['service/index.ts'],
    message: "Jobs import only the service's entry module, service/index.ts (and their own files).",
  }),
  // The serve command opens the store and hands it to the service and the api: it wires
  // everything, so it alone may import every layer.
  ...layer('cli', {
    mayImport: ['engine', 'analysis', 'formats', 'service', 'api', 'jobs', 'config'],
    ignores: ['src/cli/serve.ts'],
    message: 'The cli goes through the service layer: never the store (src/cli/serve.ts wires it).',
  }),
  boundary({
    files: ['web/**/*.{ts,tsx,mts,js,jsx,mjs}'],
    forbidden: '^(\\.\\./)+src/',
    message: 'web/ talks to the service over HTTP (/v1) only: it never imports src/.',
  }),
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
  // Layers are one-way. Each block below holds one layer's boundary (see `layers`).
  ...layers,
);
