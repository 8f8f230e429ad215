/**
 * Company-name matching quality: the labelled evaluation set of
 * src/engine/accounts/fixtures/ (matching-accounts.tsv, matching-queries.tsv) scored against the
 * account index. Every query is a free-mail lead with only a company name, so the name alone
 * decides.
 *
 * Scoring, per query: the expected account found is a true positive; any other account found is
 * a false positive (a wrong account, or an account for a company that has none); the expected
 * account not found is a false negative (so a wrong account counts as both).
 *
 *   node --import tsx bench/quality-matching.ts            # table, misses, then one JSON line
 *   MATCH_ROUNDS=50 node --import tsx bench/quality-matching.ts   # more timing rounds
 *
 * Importing this module has no side effects; {@link measureMatching} does the work.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildAccountIndex } from '../src/engine/index.ts';
import type { Account } from '../src/engine/types.ts';

const FIXTURES = new URL('../src/engine/accounts/fixtures/', import.meta.url);

/** One labelled query of the evaluation set. */
export interface MatchingQuery {
  query: string;
  /** The account id the query names, or null when it names none of the accounts. */
  expected: string | null;
  /** What the query tests: case, spacing, punct, and, suffix-added, typo, negative… */
  kind: string;
  /** `dev` (looked at while tuning) or `holdout` (not looked at). */
  split: 'dev' | 'holdout';
}

/** A query the matcher got wrong. */
export interface MatchingMiss extends MatchingQuery {
  /** The account id found, or null. */
  found: string | null;
}

/** Precision and recall on the evaluation set, with the lookup's speed. */
export interface MatchingQuality {
  precision: number;
  recall: number;
  /**
   * Microseconds per `match` call: the median over `rounds` passes of the mean over the set. The
   * index is small (the set's accounts), so this is the cost of normalising and scoring a name,
   * not of a large index's memory traffic (bench/accounts.ts measures that).
   */
  usPerLookup: number;
  queries: number;
  tp: number;
  fp: number;
  fn: number;
  /** The same figures per split. */
  bySplit: Record<'dev' | 'holdout', { precision: number; recall: number; queries: number }>;
  misses: MatchingMiss[];
}

/** Options for {@link measureMatching}. */
export interface MeasureMatchingOptions {
  /** Timed passes over the whole set after the scoring pass; default 20 (0: no timing). */
  rounds?: number;
}

/** Rows of a tab-separated file with a header line, as records keyed by the header. */
function readTsv(name: string): Array<Record<string, string>> {
  const lines = readFileSync(new URL(name, FIXTURES), 'utf8').split('\n');
  const header = (lines[0] ?? '').split('\t');
  return lines
    .slice(1)
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    });
}

/** The evaluation set's accounts (id and name only). */
export function loadMatchingAccounts(): Account[] {
  return readTsv('matching-accounts.tsv').map((row) => ({
    id: row.id as string,
    name: row.name as string,
  }));
}

/** The evaluation set's labelled queries. */
export function loadMatchingQueries(): MatchingQuery[] {
  return readTsv('matching-queries.tsv').map((row) => ({
    query: row.query as string,
    expected: row.expected === '-' ? null : (row.expected as string),
    kind: row.kind as string,
    split: row.split === 'holdout' ? 'holdout' : 'dev',
  }));
}

/** Counts of one scoring pass. */
interface Counts {
  tp: number;
  fp: number;
  fn: number;
  queries: number;
}

const ratio = (num: number, den: number): number => (den === 0 ? 1 : num / den);

/**
 * Builds the account index over the set's accounts, runs every query as a free-mail lead with
 * that company name, and returns precision, recall, the counts, the misses, and the mean time
 * per lookup over `rounds` further passes.
 */
export function measureMatching(options: MeasureMatchingOptions = {}): MatchingQuality {
  const rounds = options.rounds ?? 20;
  const queries = loadMatchingQueries();
  const index = buildAccountIndex(loadMatchingAccounts());
  const leads = queries.map((q) => ({ email: 'someone@gmail.com', company: q.query }));
  const total: Counts = { tp: 0, fp: 0, fn: 0, queries: 0 };
  const split: Record<'dev' | 'holdout', Counts> = {
    dev: { tp: 0, fp: 0, fn: 0, queries: 0 },
    holdout: { tp: 0, fp: 0, fn: 0, queries: 0 },
  };
  const misses: MatchingMiss[] = [];
  queries.forEach((q, i) => {
    const found = index.match(leads[i] as (typeof leads)[number])?.account.id ?? null;
    for (const counts of [total, split[q.split]]) {
      counts.queries++;
      if (found !== null && found === q.expected) counts.tp++;
      if (found !== null && found !== q.expected) counts.fp++;
      if (q.expected !== null && found !== q.expected) counts.fn++;
    }
    if (found !== q.expected) misses.push({ ...q, found });
  });
  let usPerLookup = 0;
  if (rounds > 0) {
    let sink = 0;
    for (const lead of leads) if (index.match(lead)) sink++; // warm-up
    // The median pass: a shared machine's pauses land in a few passes, not in the figure.
    const passes: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const start = process.hrtime.bigint();
      for (const lead of leads) if (index.match(lead)) sink++;
      passes.push(Number(process.hrtime.bigint() - start) / 1000 / leads.length);
    }
    passes.sort((a, b) => a - b);
    usPerLookup = sink < 0 ? NaN : (passes[passes.length >> 1] as number);
  }
  const figures = (c: Counts) => ({
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    queries: c.queries,
  });
  return {
    ...figures(total),
    usPerLookup,
    tp: total.tp,
    fp: total.fp,
    fn: total.fn,
    bySplit: { dev: figures(split.dev), holdout: figures(split.holdout) },
    misses,
  };
}

/** Prints the figures, the misses, and one JSON line. */
function printReport(quality: MatchingQuality): void {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const rows = [
    ['set', 'queries', 'precision', 'recall'],
    ['all', String(quality.queries), pct(quality.precision), pct(quality.recall)],
    ...(['dev', 'holdout'] as const).map((s) => [
      s,
      String(quality.bySplit[s].queries),
      pct(quality.bySplit[s].precision),
      pct(quality.bySplit[s].recall),
    ]),
  ];
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    );
  console.log(
    `tp ${quality.tp}, fp ${quality.fp}, fn ${quality.fn}; ${quality.usPerLookup.toFixed(2)} µs per lookup`,
  );
  console.log(quality.misses.length === 0 ? 'misses: none' : 'misses:');
  for (const m of quality.misses)
    console.log(
      `  [${m.split}] ${m.kind.padEnd(15)} ${JSON.stringify(m.query)}: expected ${m.expected ?? 'none'}, found ${m.found ?? 'none'}`,
    );
  console.log(
    JSON.stringify({
      match_precision: Number(quality.precision.toFixed(4)),
      match_recall: Number(quality.recall.toFixed(4)),
      match_us: Number(quality.usPerLookup.toFixed(3)),
      queries: quality.queries,
      tp: quality.tp,
      fp: quality.fp,
      fn: quality.fn,
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.env.MATCH_ROUNDS ?? 20);
  printReport(measureMatching({ rounds: Number.isFinite(rounds) && rounds >= 0 ? rounds : 20 }));
}
