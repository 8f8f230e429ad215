/**
 * The access commands: `leadrouter tokens create|list|revoke`, `leadrouter users create`,
 * `leadrouter audit verify|export`. They work on the embedded data directory (`--data`, default
 * ./data) or on PostgreSQL with DATABASE_URL, like `serve`.
 */
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import {
  exportAuditCsv,
  exportAuditJsonLines,
  openAccessStore,
  parseDuration,
  systemActor,
  verifyAuditChain,
  type AccessStore,
} from '../service/access/index.ts';

interface StoreFlags {
  data?: string;
}

async function withStore<T>(o: StoreFlags, run: (s: AccessStore) => Promise<T>): Promise<T> {
  const s = await openAccessStore({
    databaseUrl: process.env.DATABASE_URL || undefined,
    schema: process.env.LEADROUTER_DATABASE_SCHEMA || undefined,
    dataDir: o.data ?? process.env.LEADROUTER_DATA_DIR ?? './data',
    poolSize: 2,
  });
  try {
    return await run(s);
  } finally {
    await s.close();
  }
}

/** The CLI's actor in the audit log: the system, named after the operating-system user. */
function cliActor() {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // No passwd entry (a container): keep "unknown".
  }
  return { actor: systemActor('cli', `cli (${who})`) };
}

function parseTime(text: string | undefined, flag: string): Date | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new Error(`${flag}: expected an ISO-8601 time, got ${JSON.stringify(text)}`);
  return new Date(ms);
}

/** Reads a password: a prompt without echo on a terminal, else the first line of standard input. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    let muted = false;
    const output = new Writable({
      write(chunk, _encoding, done) {
        if (!muted) process.stderr.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    const ask = (prompt: string) =>
      new Promise<string>((resolve) => {
        muted = false;
        process.stderr.write(prompt);
        muted = true;
        rl.question('', (answer) => {
          process.stderr.write('\n');
          resolve(answer);
        });
      });
    try {
      const first = await ask('password: ');
      const again = await ask('again: ');
      if (first !== again) throw new Error('the two passwords differ');
      return first;
    } finally {
      rl.close();
    }
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

/** Adds the access commands to the program. */
export function registerAccessCommands(program: Command): void {
  const tokens = program.command('tokens').description('Create, list and revoke API tokens');

  tokens
    .command('create')
    .description('Create an API token; its secret is printed once')
    .requiredOption('--role <role>', 'admin, ops, manager, viewer or intake')
    .requiredOption('--name <name>', 'what the token is for (e.g. "hubspot form backend")')
    .option('--team <team>', "a manager's team")
    .option('--expires-in <duration>', 'e.g. 30d, 12h, 90m (default: never)')
    .option(
      '--data <dir>',
      'embedded database directory (default ./data; DATABASE_URL for PostgreSQL)',
    )
    .option('--json', 'print the token as JSON', false)
    .action(
      async (
        o: StoreFlags & {
          role: string;
          name: string;
          team?: string;
          expiresIn?: string;
          json: boolean;
        },
      ) => {
        let expiresAt: Date | undefined;
        if (o.expiresIn !== undefined) {
          const ms = parseDuration(o.expiresIn);
          if (ms === undefined) {
            throw new Error(
              `--expires-in: expected a duration such as 30d, 12h, 90m or 3600s, got ${JSON.stringify(o.expiresIn)}`,
            );
          }
          expiresAt = new Date(Date.now() + ms);
        }
        const { token, secret } = await withStore(o, (s) =>
          s.access.createToken({ name: o.name, role: o.role, team: o.team, expiresAt }, cliActor()),
        );
        if (o.json) {
          console.log(JSON.stringify({ ...token, secret }, null, 2));
          return;
        }
        console.error(
          `created token ${token.id} "${token.name}" (${token.role}${token.team ? `, team ${token.team}` : ''}` +
            `${token.expires_at ? `, expires ${token.expires_at}` : ''}). The secret is shown only now:`,
        );
        console.log(secret);
      },
    );

  tokens
    .command('list')
    .description('List API tokens (never their secrets)')
    .option('--data <dir>', 'embedded database directory')
    .option('--json', 'print JSON', false)
    .action(async (o: StoreFlags & { json: boolean }) => {
      const list = await withStore(o, (s) => s.access.listTokens());
      if (o.json) {
        console.log(JSON.stringify(list, null, 2));
        return;
      }
      for (const t of list) {
        const state = t.revoked_at
          ? 'revoked'
          : t.expires_at && Date.parse(t.expires_at) <= Date.now()
            ? 'expired'
            : 'active';
        console.log(
          [
            t.id,
            `${t.prefix}…`,
            t.role + (t.team ? `/${t.team}` : ''),
            state,
            t.last_used_at ?? 'never used',
            t.name,
          ].join('  '),
        );
      }
    });

  tokens
    .command('revoke')
    .description('Revoke an API token (every instance refuses it within a second)')
    .argument('<id>', 'the token id')
    .option('--data <dir>', 'embedded database directory')
    .action(async (id: string, o: StoreFlags) => {
      const token = await withStore(o, (s) => s.access.revokeToken(id, cliActor()));
      console.log(`revoked token ${token.id} "${token.name}" at ${token.revoked_at}`);
    });

  const users = program.command('users').description('Manage dashboard users');
  users
    .command('create')
    .description(
      'Create a user; the password is read from standard input or prompted, never an argument',
    )
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--role <role>', 'admin, ops, manager, viewer or intake')
    .option('--team <team>', "a manager's team")
    .option('--display-name <name>', 'name shown in the dashboard')
    .option('--email <email>', 'email address')
    .option('--data <dir>', 'embedded database directory')
    .action(
      async (
        o: StoreFlags & {
          username: string;
          role: string;
          team?: string;
          displayName?: string;
          email?: string;
        },
      ) => {
        const password = await readPassword();
        const user = await withStore(o, (s) =>
          s.access.createUser(
            {
              username: o.username,
              role: o.role,
              team: o.team,
              displayName: o.displayName,
              email: o.email,
              password,
            },
            cliActor(),
          ),
        );
        console.log(
          `created user ${user.id} "${user.username}" (${user.role}${user.team ? `, team ${user.team}` : ''})`,
        );
      },
    );

  const audit = program.command('audit').description('Verify and export the audit log');
  audit
    .command('verify')
    .description('Check the hash chain; exits 1 and names the first broken link when broken')
    .option('--data <dir>', 'embedded database directory')
    .option('--json', 'print the result as JSON', false)
    .action(async (o: StoreFlags & { json: boolean }) => {
      const result = await withStore(o, (s) => verifyAuditChain(s.db));
      if (o.json) console.log(JSON.stringify(result));
      else if (result.ok) console.log(`audit log intact: ${result.entries} entries`);
      else {
        console.log(
          `audit log BROKEN at entry ${result.firstBroken!.seq}: ${result.firstBroken!.reason} ` +
            `(${result.entries} entries verified before it)`,
        );
      }
      if (!result.ok) process.exitCode = 1;
    });

  audit
    .command('export')
    .description('Export entries, oldest first, as CSV or JSON Lines')
    .option('--format <format>', 'csv or jsonl', 'jsonl')
    .option('--from <time>', 'entries at or after this time (ISO-8601)')
    .option('--to <time>', 'entries before this time (ISO-8601)')
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--data <dir>', 'embedded database directory')
    .action(
      async (o: StoreFlags & { format: string; from?: string; to?: string; out?: string }) => {
        if (o.format !== 'csv' && o.format !== 'jsonl') {
          throw new Error(`--format: expected csv or jsonl, got ${JSON.stringify(o.format)}`);
        }
        const filter = { from: parseTime(o.from, '--from'), to: parseTime(o.to, '--to') };
        const out: NodeJS.WritableStream = o.out ? createWriteStream(o.out) : process.stdout;
        await withStore(o, async (s) => {
          const lines =
            o.format === 'csv' ? exportAuditCsv(s.db, filter) : exportAuditJsonLines(s.db, filter);
          for await (const line of lines) {
            if (!out.write(line))
              await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          }
        });
        if (o.out) await new Promise<void>((resolve) => out.end(() => resolve()));
      },
    );
}
