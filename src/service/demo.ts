/**
 * `leadrouter serve --demo`: loads the examples (policy, owners, accounts) into an empty database,
 * so a first run has something to route against.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AccountService } from './accounts.ts';
import type { OwnerService } from './owners.ts';
import type { PolicyService } from './policies.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

export interface DemoResult {
  loaded: boolean;
  /** Why nothing was loaded. */
  skipped?: string;
  owners?: number;
  accounts?: number;
  policyVersion?: string;
}

/** Loads the examples unless the database already holds owners, accounts or policies. */
export async function loadDemoData(
  db: Kysely<Database>,
  services: { owners: OwnerService; accounts: AccountService; policies: PolicyService },
  dir = EXAMPLES,
): Promise<DemoResult> {
  const counts = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('owners').select(eb.fn.countAll<string>().as('n')).as('owners'),
      eb.selectFrom('accounts').select(eb.fn.countAll<string>().as('n')).as('accounts'),
      eb.selectFrom('policy_versions').select(eb.fn.countAll<string>().as('n')).as('policies'),
    ])
    .executeTakeFirstOrThrow();
  if (Number(counts.owners) + Number(counts.accounts) + Number(counts.policies) > 0) {
    return { loaded: false, skipped: 'the database is not empty' };
  }
  const read = (file: string) => readFileSync(`${dir}/${file}`, 'utf8');
  const owners = await services.owners.importOwners(read('owners.yaml'), 'yaml');
  const accounts = await services.accounts.importAccounts(read('accounts.csv'), 'csv');
  const policySource = read('policy.yaml');
  const draft = await services.policies.createDraft({
    source: policySource,
    format: 'yaml',
    author: 'demo',
    note: 'examples/policy.yaml',
  });
  const published = await services.policies.publish(draft.id, {
    author: 'demo',
    note: 'loaded by --demo',
  });
  return {
    loaded: true,
    owners: owners.count,
    accounts: accounts.count,
    policyVersion: published.id,
  };
}
