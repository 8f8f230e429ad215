/**
 * Reading the CLI's input files: policy, owners, accounts and leads, in the format their
 * extension names. Every problem is reported with the file it came from.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import {
  buildAccountIndex,
  compilePolicyOrThrow,
  ValidationError,
  type AccountIndex,
  type CompiledPolicy,
  type Directory,
  type Lead,
  type PolicyIssue,
} from '../engine/index.ts';
import { parseAccounts } from '../formats/accounts.ts';
import { parseStructuredText } from '../formats/common.ts';
import { parseLeadMapping, parseLeads } from '../formats/leads.ts';
import { parseOwners } from '../formats/owners.ts';

/** A bad input file: the message names the file; `issues` carry paths inside it. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly PolicyIssue[],
    message?: string,
  ) {
    super(message ?? `${file}: ${issues.filter((i) => i.severity === 'error').length} error(s)`);
  }
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (error as Error).message;
    throw new InputError(file, [{ severity: 'error', path: '', message: why }], `${file}: ${why}`);
  }
}

function withFile<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ValidationError) throw new InputError(file, error.issues);
    throw error;
  }
}

function formatOf<T extends string>(file: string, allowed: readonly T[], fallback?: T): T {
  const ext = extname(file).slice(1).toLowerCase();
  const format = (ext === 'yml' ? 'yaml' : ext) as T;
  if (allowed.includes(format)) return format;
  if (fallback) return fallback;
  throw new InputError(file, [
    {
      severity: 'error',
      path: '',
      message: `unsupported file type ".${ext}"; expected ${allowed.map((a) => `.${a}`).join(', ')}`,
    },
  ]);
}

/** The policy's version label in the CLI: a short hash of its content. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function readPolicyDocument(file: string): { raw: unknown; text: string } {
  const text = read(file);
  const raw = withFile(file, () =>
    parseStructuredText(text, formatOf<'yaml' | 'json'>(file, ['yaml', 'json'], 'yaml'), 'policy'),
  );
  return { raw, text };
}

export function loadPolicy(file: string): { policy: CompiledPolicy; warnings: PolicyIssue[] } {
  const { raw, text } = readPolicyDocument(file);
  return withFile(file, () => compilePolicyOrThrow(raw, { version: contentHash(text) }));
}

export function loadDirectory(file: string): Directory {
  const owners = withFile(file, () =>
    parseOwners(read(file), formatOf(file, ['csv', 'yaml', 'json'])),
  );
  return { owners: new Map(owners.map((o) => [o.id, o])) };
}

export function loadAccounts(file: string | undefined): AccountIndex | undefined {
  if (!file) return undefined;
  const accounts = withFile(file, () =>
    parseAccounts(read(file), formatOf(file, ['csv', 'yaml', 'json'])),
  );
  return buildAccountIndex(accounts);
}

/** The files every routing command takes: a policy, owners and, optionally, accounts. */
export interface RoutingFiles {
  policy: string;
  owners: string;
  accounts?: string;
}

/** The compiled policy, the directory and the account index of `files`. */
export function loadRoutingFiles(files: RoutingFiles): {
  policy: CompiledPolicy;
  directory: Directory;
  accounts: AccountIndex | undefined;
} {
  return {
    policy: loadPolicy(files.policy).policy,
    directory: loadDirectory(files.owners),
    accounts: loadAccounts(files.accounts),
  };
}

export function loadLeads(file: string, mappingFile?: string): Lead[] {
  const mapping = mappingFile
    ? withFile(mappingFile, () => parseLeadMapping(read(mappingFile)))
    : undefined;
  return withFile(file, () =>
    parseLeads(read(file), formatOf(file, ['csv', 'jsonl', 'json']), mapping),
  );
}

/** One lead from a JSON file (an object), or `-` for standard input. */
export function loadLead(file: string): Lead {
  const text = file === '-' ? readFileSync(0, 'utf8') : read(file);
  let lead: unknown;
  try {
    lead = JSON.parse(text);
  } catch (error) {
    throw new InputError(file, [
      { severity: 'error', path: '', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
  if (!lead || typeof lead !== 'object' || Array.isArray(lead)) {
    throw new InputError(file, [
      { severity: 'error', path: '', message: 'expected one lead as a JSON object' },
    ]);
  }
  return lead as Lead;
}

/** `--now` as ISO-8601 or epoch milliseconds. */
export function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(t))
    throw new InputError('--now', [
      {
        severity: 'error',
        path: '--now',
        message: `"${value}" is not an ISO-8601 time or epoch milliseconds`,
      },
    ]);
  return t;
}
