/**
 * The `leadrouter` command. One place wires the pieces: it reads files, calls the engine and the
 * service, and prints for a person (or JSON with --json).
 */
import { createWriteStream } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { analyzePolicy, policyJsonSchema, routeLead, createRoutingState } from '../engine/index.ts';
import { leadTimestamp, parseLeadTime } from '../formats/leads.ts';
import {
  closeAfterModel,
  NEVER_CLOSE,
  parseCloseModel,
  simulateLeads,
  type CloseModel,
} from '../analysis/index.ts';
import { registerAccessCommands } from './access-commands.ts';
import { formatDecision, formatIssues, formatSimulation } from './format.ts';
import {
  InputError,
  loadDirectory,
  loadLead,
  loadLeads,
  loadRoutingFiles,
  parseNow,
  readPolicyDocument,
  type RoutingFiles,
} from './inputs.ts';

const program = new Command('leadrouter')
  .description('Lead assignment engine: route every lead to the right owner, and say why.')
  .showHelpAfterError()
  .exitOverride();

program
  .command('route')
  .description('Route one lead and print the decision')
  .requiredOption('--policy <file>', 'policy (YAML or JSON)')
  .requiredOption('--owners <file>', 'owners (CSV, YAML or JSON)')
  .option('--accounts <file>', 'accounts (CSV, YAML or JSON) for lead-to-account matching')
  .requiredOption('--lead <file>', 'the lead as a JSON object, or - for standard input')
  .option(
    '--now <time>',
    "routing time, ISO-8601 or epoch ms (default: the lead's created_at, else now)",
  )
  .option('--explain', 'print the full explanation', false)
  .option('--json', 'print the decision as JSON', false)
  .action((o: RoutingFiles & { lead: string; now?: string; explain: boolean; json: boolean }) => {
    const { policy, directory, accounts } = loadRoutingFiles(o);
    const lead = loadLead(o.lead);
    const now = parseNow(o.now) ?? leadTimestamp(lead) ?? Date.now();
    const { decision } = routeLead(policy, lead, {
      directory,
      accounts,
      state: createRoutingState(),
      now,
      explain: o.explain || o.json,
    });
    console.log(o.json ? JSON.stringify(decision, null, 2) : formatDecision(decision));
  });

program
  .command('simulate')
  .description(
    'Route a sequence of leads statefully, as production would, and summarise the distribution',
  )
  .requiredOption('--policy <file>', 'policy (YAML or JSON)')
  .requiredOption('--owners <file>', 'owners (CSV, YAML or JSON)')
  .option('--accounts <file>', 'accounts (CSV, YAML or JSON)')
  .requiredOption('--leads <file>', 'leads (.csv, .jsonl or .json), in time order')
  .option('--map <file>', 'column mapping (YAML) from the lead file to lead fields')
  .option('--out <file>', 'write every decision as JSON lines')
  .option('--now <time>', 'time for leads without created_at (default: now)')
  .option('--explain', 'include explanations in --out', false)
  .option('--close-after <delay>', 'every assigned lead closes this long after (e.g. 3d, 4h)')
  .option(
    '--close-model <model>',
    'how assigned leads close, e.g. converted:0.3@2d,disqualified:0.5@5d (the rest stay open), input (closed_at / status columns), input@2d, none',
  )
  .option('--seed <n>', 'seed of the close model draw (default 1)')
  .option('--json', 'print the summary as JSON', false)
  .action(
    (
      o: RoutingFiles & {
        closeAfter?: string;
        closeModel?: string;
        seed?: string;
        leads: string;
        map?: string;
        out?: string;
        now?: string;
        explain: boolean;
        json: boolean;
      },
    ) => {
      const closeModel = readCloseModel(o);
      const { policy, directory, accounts } = loadRoutingFiles(o);
      const leads = loadLeads(o.leads, o.map);
      const out = o.out ? createWriteStream(o.out) : undefined;
      const bar =
        process.stderr.isTTY && leads.length >= 10_000
          ? new SingleBar({ etaBuffer: 10_000 }, Presets.shades_classic)
          : undefined;
      bar?.start(leads.length, 0);
      const started = performance.now();
      const result = simulateLeads(policy, leads, {
        directory,
        accounts,
        defaultNow: parseNow(o.now) ?? Date.now(),
        explain: o.explain,
        timestampOf: leadTimestamp,
        closeModel,
        parseTime: parseLeadTime,
        onDecision: (lead, decision, i) => {
          out?.write(`${JSON.stringify({ lead: lead.id ?? i, ...decision })}\n`);
          if (bar && i % 5_000 === 0) bar.update(i);
        },
      });
      result.elapsedMs = performance.now() - started;
      bar?.update(leads.length);
      bar?.stop();
      out?.end();
      if (o.json) {
        const plain = {
          ...result,
          byRule: Object.fromEntries(result.byRule),
          byOwner: Object.fromEntries(result.byOwner),
          byQueue: Object.fromEntries(result.byQueue),
          byPool: Object.fromEntries(
            [...result.byPool].map(([k, v]) => [k, Object.fromEntries(v)]),
          ),
        };
        console.log(
          JSON.stringify(plain, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v), 2),
        );
      } else {
        console.log(formatSimulation(result));
      }
    },
  );

/** The close model of `simulate`'s flags; a bad flag is an error naming it and what is allowed. */
function readCloseModel(o: {
  closeAfter?: string;
  closeModel?: string;
  seed?: string;
}): CloseModel {
  if (o.closeAfter !== undefined && o.closeModel !== undefined)
    throw new Error('--close-after and --close-model: give one or the other');
  const seed = o.seed === undefined ? 1 : Number(o.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: "${o.seed}" is not an integer`);
  try {
    if (o.closeAfter !== undefined) return { ...closeAfterModel(o.closeAfter), seed };
    if (o.closeModel !== undefined) return parseCloseModel(o.closeModel, seed);
  } catch (error) {
    throw new Error(
      `${o.closeAfter !== undefined ? '--close-after' : '--close-model'}: ${(error as Error).message}`,
    );
  }
  return NEVER_CLOSE;
}

const policyCommand = program.command('policy').description('Work with policy documents');

policyCommand
  .command('schema')
  .description('Print the JSON Schema of the policy document (for editor completion)')
  .action(() => console.log(JSON.stringify(policyJsonSchema(), null, 2)));

policyCommand
  .command('validate')
  .description('Check a policy: errors and warnings; exits non-zero on errors')
  .argument('<file>', 'policy (YAML or JSON)')
  .option('--owners <file>', 'also check owner references against this directory')
  .option('--json', 'print the issues as JSON', false)
  .action((file: string, o: { owners?: string; json: boolean }) => {
    const { raw } = readPolicyDocument(file);
    const directory = o.owners ? loadDirectory(o.owners) : undefined;
    const issues = analyzePolicy(raw, { directory });
    const errors = issues.filter((i) => i.severity === 'error').length;
    if (o.json) console.log(JSON.stringify({ valid: errors === 0, issues }, null, 2));
    else if (issues.length) console.log(formatIssues(file, issues));
    if (!o.json) console.log(`${file}: ${errors} error(s), ${issues.length - errors} warning(s)`);
    if (errors) process.exitCode = 1;
  });

program
  .command('serve')
  .description(
    'Run the routing service (HTTP API) on embedded PGlite, or PostgreSQL with DATABASE_URL',
  )
  .option('--data <dir>', 'embedded database directory (default ./data)')
  .option('--database-url <url>', 'PostgreSQL connection string (default: $DATABASE_URL)')
  .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
  .option('--port <port>', 'TCP port (default 3000; 0 = any free port)')
  .option('--demo', 'load the examples (policy, owners, accounts) into an empty database')
  .option('--config <file>', 'configuration file (YAML or JSON)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
  .action(
    async (o: {
      data?: string;
      databaseUrl?: string;
      host?: string;
      port?: string;
      demo?: boolean;
      config?: string;
      logLevel?: string;
    }) => {
      // Loaded on demand: the other commands need no database or HTTP stack.
      const { runServe } = await import('./serve.ts');
      await runServe(o);
    },
  );

// tokens, users, audit (src/cli/access-commands.ts)
registerAccessCommands(program);

program.addOption(new Option('--debug', 'print stack traces').hideHelp());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof InputError) {
    console.error(error.issues.length ? formatIssues(error.file, error.issues) : error.message);
    process.exitCode = 1;
  } else {
    console.error(process.argv.includes('--debug') ? error : `error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
