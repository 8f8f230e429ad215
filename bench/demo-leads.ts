/**
 * The examples' leads (examples/leads.csv through its mapping) as the service benchmarks submit
 * them: each lead's attributes, and its source id to build a unique external id from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLeadMapping, parseLeads } from '../src/formats/leads.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function demoLeads(): Array<{ attributes: Record<string, unknown>; sourceId: string }> {
  const mapping = parseLeadMapping(readFileSync(join(ROOT, 'examples/leads-mapping.yaml'), 'utf8'));
  return parseLeads(readFileSync(join(ROOT, 'examples/leads.csv'), 'utf8'), 'csv', mapping).map(
    (lead) => {
      const { id, created_at: _createdAt, ...attributes } = lead;
      return { attributes, sourceId: String(id) };
    },
  );
}
