/**
 * The layer boundaries in eslint.config.js, proven to bite: for every rule, code that breaks it
 * (linted as if it were a file in that layer) must fail with that rule's message, and code next
 * to it that keeps the rule must lint clean, so a rule can neither silently stop working nor
 * grow too broad. Then every file the config exempts from its layer's rule must still need it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Code that imports `source` and uses what it imports, so only a boundary can object. */
const imports = (source: string) => `import { thing } from '${source}'; export const used = thing;`;
const importsType = (source: string) =>
  `import type { Thing } from '${source}'; export type Used = Thing;`;
const reExports = (source: string) => `export { thing } from '${source}';`;
const importsLater = (source: string) => `export const load = () => import('${source}');`;

/** A file (a path that need not exist) and its text. */
type Fixture = [file: string, code: string];

interface Rule {
  /** Part of the message eslint prints for this rule. */
  message: string;
  breaks: Fixture[];
  allows: Fixture[];
}

const rules: Record<string, Rule> = {
  'the engine imports no other layer': {
    message: 'The engine imports no other layer',
    breaks: [
      ['src/engine/__fixture__.ts', imports('../analysis/index.ts')],
      ['src/engine/__fixture__.ts', imports('../formats/owners.ts')],
      ['src/engine/__fixture__.ts', imports('../store/database.ts')],
      ['src/engine/__fixture__.ts', imports('../service/index.ts')],
      ['src/engine/__fixture__.ts', imports('../config.ts')],
      ['src/engine/calendar/__fixture__.ts', importsType('../../api/app.ts')],
      ['src/engine/__fixture__.test.ts', imports('../store/database.ts')],
    ],
    allows: [
      ['src/engine/__fixture__.ts', imports('./types.ts')],
      ['src/engine/calendar/__fixture__.ts', imports('../types.ts')],
      ['src/engine/__fixture__.ts', imports('luxon')],
      ['src/engine/__fixture__.test.ts', imports('./route.ts')],
    ],
  },
  'the engine is pure': {
    message: 'Pure layer',
    breaks: [
      ['src/engine/__fixture__.ts', imports('node:fs')],
      ['src/engine/__fixture__.ts', imports('crypto')],
      ['src/engine/__fixture__.ts', imports('kysely')],
      ['src/engine/__fixture__.ts', 'export const now = Date.now();'],
      ['src/engine/__fixture__.ts', 'export const now = new Date();'],
      ['src/engine/__fixture__.ts', 'export const pick = Math.random();'],
      ['src/engine/__fixture__.ts', 'export const env = process.env.TZ;'],
      ['src/engine/__fixture__.ts', 'setTimeout(() => undefined, 1);'],
      ['src/engine/__fixture__.test.ts', 'export const now = Date.now();'],
    ],
    allows: [
      ['src/engine/__fixture__.ts', 'export const epoch = Date.UTC(2026, 0, 1);'],
      ['src/engine/__fixture__.test.ts', imports('node:fs')],
    ],
  },
  'analysis imports only the engine': {
    message: 'Analysis imports only the engine',
    breaks: [
      ['src/analysis/__fixture__.ts', imports('../formats/owners.ts')],
      ['src/analysis/__fixture__.ts', imports('../store/database.ts')],
      ['src/analysis/__fixture__.ts', imports('../service/index.ts')],
      ['src/analysis/__fixture__.ts', imports('../api/app.ts')],
      ['src/analysis/__fixture__.ts', imports('../config.ts')],
      ['src/analysis/__fixture__.test.ts', imports('../store/database.ts')],
    ],
    allows: [
      ['src/analysis/__fixture__.ts', imports('../engine/index.ts')],
      ['src/analysis/__fixture__.ts', imports('./simulate.ts')],
      ['src/analysis/__fixture__.test.ts', imports('../engine/index.ts')],
    ],
  },
  'analysis is pure': {
    message: 'Pure layer',
    breaks: [
      ['src/analysis/__fixture__.ts', imports('node:fs/promises')],
      ['src/analysis/__fixture__.ts', imports('pg')],
      ['src/analysis/__fixture__.ts', 'export const now = Date.now();'],
      ['src/analysis/__fixture__.ts', 'export const pick = Math.random();'],
      ['src/analysis/__fixture__.ts', 'export const id = crypto.randomUUID();'],
      ['src/analysis/__fixture__.ts', 'export const t = performance.now();'],
      ['src/analysis/__fixture__.ts', 'export const now = Date();'],
    ],
    allows: [['src/analysis/__fixture__.ts', 'export const epoch = Date.UTC(2026, 0, 1);']],
  },
  'the engine never imports analysis': {
    message: 'The engine imports no other layer',
    breaks: [['src/engine/__fixture__.ts', reExports('../analysis/simulate.ts')]],
    allows: [['src/analysis/__fixture__.ts', reExports('../engine/index.ts')]],
  },
  'formats imports only the engine': {
    message: 'Formats parses files into records and imports only the engine',
    breaks: [
      ['src/formats/__fixture__.ts', imports('../store/owners-repo.ts')],
      ['src/formats/__fixture__.ts', imports('../service/index.ts')],
      ['src/formats/__fixture__.ts', imports('../api/schemas.ts')],
      ['src/formats/__fixture__.ts', imports('../cli/inputs.ts')],
    ],
    allows: [
      ['src/formats/__fixture__.ts', imports('../engine/index.ts')],
      ['src/formats/__fixture__.ts', imports('./common.ts')],
      ['src/formats/__fixture__.ts', imports('csv-parse/sync')],
    ],
  },
  'the store never imports service or api': {
    message: 'The store imports only the engine, formats and config',
    breaks: [
      ['src/store/__fixture__.ts', imports('../service/index.ts')],
      ['src/store/__fixture__.ts', importsType('../service/errors.ts')],
      ['src/store/__fixture__.ts', imports('../api/app.ts')],
      ['src/store/__fixture__.ts', imports('../jobs/deliver.ts')],
      ['src/store/__fixture__.ts', imports('../cli/serve.ts')],
      ['src/store/migrations/__fixture__.ts', imports('../../service/index.ts')],
    ],
    allows: [
      ['src/store/__fixture__.ts', imports('../engine/index.ts')],
      ['src/store/__fixture__.ts', imports('../formats/owners.ts')],
      ['src/store/__fixture__.ts', imports('../config.ts')],
      ['src/store/__fixture__.ts', imports('kysely')],
    ],
  },
  'the service never calls up': {
    message: 'The service imports the layers below it',
    breaks: [
      ['src/service/__fixture__.ts', imports('../api/present.ts')],
      ['src/service/__fixture__.ts', imports('../jobs/deliver.ts')],
      ['src/service/__fixture__.ts', imports('../cli/main.ts')],
      ['src/service/intake/__fixture__.ts', imports('../../api/app.ts')],
    ],
    allows: [
      ['src/service/__fixture__.ts', imports('../engine/index.ts')],
      ['src/service/__fixture__.ts', imports('../analysis/index.ts')],
      ['src/service/__fixture__.ts', imports('../formats/owners.ts')],
      ['src/service/__fixture__.ts', imports('../store/database.ts')],
      ['src/service/intake/__fixture__.ts', imports('../../store/leads-repo.ts')],
      ['src/service/intake/__fixture__.ts', imports('../errors.ts')],
    ],
  },
  "the api imports only the service's entry": {
    message: "The api imports only the service's entry module",
    breaks: [
      ['src/api/routes/__fixture__.ts', imports('../../engine/index.ts')],
      ['src/api/routes/__fixture__.ts', imports('../../analysis/index.ts')],
      ['src/api/routes/__fixture__.ts', imports('../../formats/owners.ts')],
      ['src/api/routes/__fixture__.ts', imports('../../store/database.ts')],
      ['src/api/routes/__fixture__.ts', imports('../../service/errors.ts')],
      ['src/api/routes/__fixture__.ts', imports('../../service/intake/batcher.ts')],
      ['src/api/routes/__fixture__.ts', importsType('../../service/route-lead.ts')],
      ['src/api/routes/__fixture__.ts', importsType('../../engine/types.ts')],
      ['src/api/routes/__fixture__.ts', reExports('../../engine/index.ts')],
      ['src/api/routes/__fixture__.ts', importsLater('../../store/database.ts')],
      ['src/api/routes/__fixture__.ts', imports('../../cli/main.ts')],
      ['src/api/routes/__fixture__.ts', imports('../../config.ts')],
      ['src/api/__fixture__.ts', imports('../service/errors.ts')],
      ['src/api/__fixture__.ts', imports('../engine/index.ts')],
    ],
    allows: [
      ['src/api/routes/__fixture__.ts', imports('../../service/index.ts')],
      ['src/api/routes/__fixture__.ts', importsType('../../service/index.ts')],
      ['src/api/routes/__fixture__.ts', imports('../schemas.ts')],
      ['src/api/routes/__fixture__.ts', imports('./leads.ts')],
      ['src/api/routes/__fixture__.ts', imports('fastify')],
      ['src/api/__fixture__.ts', imports('../service/index.ts')],
      ['src/api/__fixture__.ts', imports('./present.ts')],
    ],
  },
  "jobs import only the service's entry": {
    message: "Jobs import only the service's entry module",
    breaks: [
      ['src/jobs/__fixture__.ts', imports('../service/route-lead.ts')],
      ['src/jobs/__fixture__.ts', imports('../store/database.ts')],
      ['src/jobs/__fixture__.ts', imports('../engine/index.ts')],
      ['src/jobs/__fixture__.ts', imports('../api/app.ts')],
      ['src/jobs/webhooks/__fixture__.ts', importsLater('../../store/database.ts')],
    ],
    allows: [
      ['src/jobs/__fixture__.ts', imports('../service/index.ts')],
      ['src/jobs/webhooks/__fixture__.ts', imports('../../service/index.ts')],
      ['src/jobs/__fixture__.ts', imports('./timers.ts')],
    ],
  },
  'the cli never imports the store, except the serve command': {
    message: 'The cli goes through the service layer',
    breaks: [
      ['src/cli/__fixture__.ts', imports('../store/database.ts')],
      ['src/cli/__fixture__.ts', importsLater('../store/migrate.ts')],
    ],
    allows: [
      ['src/cli/serve.ts', imports('../store/database.ts')],
      ['src/cli/__fixture__.ts', imports('../service/index.ts')],
      ['src/cli/__fixture__.ts', imports('../engine/index.ts')],
      ['src/cli/__fixture__.ts', imports('../analysis/index.ts')],
      ['src/cli/__fixture__.ts', imports('../formats/leads.ts')],
      ['src/cli/__fixture__.ts', importsLater('./serve.ts')],
    ],
  },
  'web/ never imports src/': {
    message: 'web/ talks to the service over HTTP',
    breaks: [
      ['web/__fixture__.ts', imports('../src/api/app.ts')],
      ['web/src/__fixture__.ts', importsType('../../src/service/index.ts')],
      ['web/src/pages/__fixture__.tsx', imports('../../../src/engine/index.ts')],
    ],
    allows: [
      ['web/src/__fixture__.ts', imports('./api-client.ts')],
      ['web/src/pages/__fixture__.tsx', imports('../api-client.ts')],
    ],
  },
};

async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages;
}

/** Errors from the rules that hold the boundaries and purity. */
const boundaryErrors = (messages: Linter.LintMessage[]) =>
  messages.filter((m) => m.severity === 2 && m.ruleId?.startsWith('no-restricted-'));

describe.each(Object.entries(rules))('%s', (_name, rule) => {
  it.each(rule.breaks)('fails %s: %s', async (file, code) => {
    const messages = await lint(file, code);
    expect(boundaryErrors(messages).map((m) => m.message)).toContainEqual(
      expect.stringContaining(rule.message),
    );
  });

  it.each(rule.allows)('passes %s: %s', async (file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});

/** Every .ts file under src/, relative to the root. */
function sourceFiles(dir = 'src'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('exemptions', () => {
  it('every file exempt from its layer rule still breaks it', async () => {
    const exempt: string[] = [];
    for (const file of sourceFiles()) {
      // A new file beside it gets the layer's rule; a file whose own config differs is exempt.
      const sibling = join(dirname(file), `__exemption-check__.${basename(file)}`);
      const [own, beside] = await Promise.all([
        eslint.calculateConfigForFile(join(root, file)),
        eslint.calculateConfigForFile(join(root, sibling)),
      ]);
      if (JSON.stringify(own.rules) === JSON.stringify(beside.rules)) continue;
      exempt.push(file);
      const messages = await lint(sibling, readFileSync(join(root, file), 'utf8'));
      expect(
        boundaryErrors(messages),
        `${file} keeps its layer's rule now: take it off the exemptions in eslint.config.js`,
      ).not.toEqual([]);
    }
    // The serve command wires the store to the service and the api.
    expect(exempt).toContain('src/cli/serve.ts');
  });
});
