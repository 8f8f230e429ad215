/**
 * The fuzzy company-name index: finds the indexed name most similar to a query name without
 * comparing it against every name (see the module comment of account-index.ts). Two tables
 * nominate candidates, a deletion neighbourhood and a rare-word table, and only candidates whose
 * length and shared letters could reach the threshold are scored.
 */
import type { Account, AccountMatch } from '../types.ts';
import {
  BlockedFilter,
  buildHashTable,
  finalizeHash,
  forEachDeletionHash,
  HASH_BASE,
  HASH_POWERS,
  spanHash,
  variantBlock,
  type HashTable,
} from './hashing.ts';
import {
  countLetters,
  MAX_FUZZY_LENGTH,
  sharedLetterBound,
  similarity,
  similarityUpperBound,
} from './similarity.ts';

/** Below this length a one-letter difference is another company, not a typo ("ibm" vs "ibn"). */
const MIN_FUZZY_LENGTH = 4;
/** A word in more names than this ("group", "smith") says little and would flood the candidates. */
const RARE_TOKEN_MAX_NAMES = 24;
/** Shorter words ("uk", "de", "of") are too common across unrelated names to nominate any. */
const MIN_TOKEN_LENGTH = 3;

/** Whether a normalised name is long enough to be matched fuzzily, and short enough to be a name. */
export function isFuzzyLength(name: string): boolean {
  return name.length >= MIN_FUZZY_LENGTH && name.length <= MAX_FUZZY_LENGTH;
}

/**
 * Distinct normalised names (each {@link isFuzzyLength}) and their preferred accounts, in
 * preference order, so that on equal scores the smaller index is the preferred account.
 *
 * The search keeps its running best in fields rather than in per-call closures, so that a query
 * allocates nothing until it has a match; safe because `match` is synchronous and never
 * re-entered.
 */
export class FuzzyNameIndex {
  private readonly deletions: { table: HashTable; filter: BlockedFilter };
  private readonly rareTokens: HashTable;
  /** Jaro's scratch flags. */
  private readonly scratch = new Uint8Array(2 * MAX_FUZZY_LENGTH);
  /** Name lengths side by side, so that `reachable` does not read the names from the heap. */
  private readonly nameLengths: Uint8Array;
  // The search in progress.
  private query = '';
  private best = -1;
  private bestScore = 0;
  /**
   * Letter counts of an all-ASCII query, counted when a first candidate needs them (most queries
   * have none): `queryCounted` is 0 not yet counted, 1 counted, 2 not countable.
   */
  private readonly queryCounts = new Uint8Array(128);
  private readonly counts = new Uint8Array(128);
  private queryCounted = 0;

  constructor(
    private readonly names: readonly string[],
    private readonly accounts: readonly Account[],
    /** Lowest similarity accepted, in (0, 1]. */
    private readonly threshold: number,
  ) {
    this.deletions = buildDeletionTable(names);
    this.rareTokens = buildRareTokenTable(names);
    this.nameLengths = Uint8Array.from(names, (name) => name.length);
  }

  /** Best fuzzy match for a normalised name that has no exact match, or null. */
  match(name: string): AccountMatch | null {
    const n = name.length;
    if (n < MIN_FUZZY_LENGTH || n > MAX_FUZZY_LENGTH || this.names.length === 0) return null;
    this.query = name;
    this.best = -1;
    this.bestScore = 0;
    this.queryCounted = 0;
    this.probeDeletions(name);
    this.probeRareWords(name);
    if (this.best < 0) return null;
    return Object.freeze({
      account: this.accounts[this.best] as Account,
      method: 'company_name_fuzzy',
      score: this.bestScore,
    });
  }

  /** Considers the names one deletion from `name` or its variants: `forEachDeletionHash`, unrolled. */
  private probeDeletions(name: string): void {
    // Unrolled rather than through forEachDeletionHash's callback: this runs on every lead
    // without a match.
    const n = name.length;
    let full = 0;
    for (let i = 0; i < n; i++) full = (Math.imul(full, HASH_BASE) + name.charCodeAt(i)) | 0;
    const filter = this.deletions.filter;
    this.probe(filter.run(variantBlock(name, -1)), finalizeHash(full, n));
    // Deleting any letter but the first or the last keeps the block: one lookup serves them all.
    const middle = filter.run(variantBlock(name, 1));
    let prefix = 0;
    let previous = -1;
    for (let i = 0; i < n; i++) {
      const c = name.charCodeAt(i);
      if (c !== previous) {
        const removed = Math.imul(
          HASH_POWERS[n - 1 - i] as number,
          (Math.imul(prefix, HASH_BASE - 1) + c) | 0,
        );
        const run = i === 0 || i === n - 1 ? filter.run(variantBlock(name, i)) : middle;
        this.probe(run, finalizeHash((full - removed) | 0, n - 1));
      }
      prefix = (Math.imul(prefix, HASH_BASE) + c) | 0;
      previous = c;
    }
  }

  /** Considers the names sharing a rare word with `name`, when it has several words. */
  private probeRareWords(name: string): void {
    const n = name.length;
    let start = 0;
    for (let space = name.indexOf(' '); space >= 0 || start > 0;) {
      const end = space >= 0 ? space : n;
      if (end - start >= MIN_TOKEN_LENGTH) this.probeWord(start, end);
      if (space < 0) break;
      start = space + 1;
      space = name.indexOf(' ', start);
    }
  }

  /**
   * Whether the name's length alone leaves it a chance against the query and the best so far:
   * answered from `nameLengths`, side by side, without reading the name itself from the heap.
   */
  private reachable(candidate: number): boolean {
    const bound = similarityUpperBound(this.query.length, this.nameLengths[candidate] as number);
    return bound >= this.threshold && bound >= this.bestScore;
  }

  /** Scores one candidate and keeps it when it beats the best so far. */
  private consider(candidate: number): void {
    if (candidate === this.best || !this.reachable(candidate)) return;
    const name = this.names[candidate] as string;
    const query = this.query;
    if (this.queryCounted === 0) this.queryCounted = countLetters(query, this.queryCounts) ? 1 : 2;
    if (this.queryCounted === 1) {
      const tight = sharedLetterBound(query, name, this.queryCounts, this.counts);
      if (tight < this.threshold || tight < this.bestScore) return;
    }
    const score = similarity(query, name, this.scratch);
    if (score < this.threshold) return;
    if (score > this.bestScore || (score === this.bestScore && candidate < this.best)) {
      this.best = candidate;
      this.bestScore = score;
    }
  }

  /** Considers the names having the variant whose hash is `hash`, in the block whose run is `run`. */
  private probe(run: number, hash: number): void {
    if (!this.deletions.filter.mayHave(run, hash)) return;
    const { offsets, hashes, values, mask } = this.deletions.table;
    const end = offsets[(hash & mask) + 1] as number;
    for (let k = offsets[hash & mask] as number; k < end; k++) {
      if (hashes[k] === hash) this.consider(values[k] as number);
    }
  }

  /** Considers the names that contain the rare word `query[start, end)`. */
  private probeWord(start: number, end: number): void {
    const query = this.query;
    const hash = spanHash(query, start, end);
    if (!this.rareTokens.filter.mayHave(hash)) return;
    const { offsets, hashes, values, starts, mask } = this.rareTokens;
    const last = offsets[(hash & mask) + 1] as number;
    for (let k = offsets[hash & mask] as number; k < last; k++) {
      if (hashes[k] !== hash) continue;
      const candidate = values[k] as number;
      if (!this.reachable(candidate)) continue;
      if (hasWordAt(this.names[candidate] as string, starts[k] as number, query, start, end))
        this.consider(candidate);
    }
  }
}

/**
 * True when `name` has the word `query[start, end)` at `at`, where a word of `name` starts: a
 * hash match in the rare-word table is a candidate only once the word itself agrees.
 */
function hasWordAt(name: string, at: number, query: string, start: number, end: number): boolean {
  const length = end - start;
  if (at + length > name.length) return false;
  if (at + length < name.length && name.charCodeAt(at + length) !== 0x20) return false;
  for (let i = 0; i < length; i++)
    if (name.charCodeAt(at + i) !== query.charCodeAt(start + i)) return false;
  return true;
}

/**
 * Hash table from every name's and one-deletion variant's hash to the name's index, with a filter
 * in blocks of variants sharing length, first and last letter in front of it.
 */
function buildDeletionTable(names: readonly string[]): { table: HashTable; filter: BlockedFilter } {
  let total = 0;
  for (const name of names) total += name.length + 1;
  const hashes = new Uint32Array(total);
  const owners = new Uint32Array(total);
  const blockOf = new Int32Array(total);
  let filled = 0;
  names.forEach((name, i) => {
    forEachDeletionHash(name, (hash, deleted) => {
      hashes[filled] = hash;
      owners[filled] = i;
      blockOf[filled] = variantBlock(name, deleted);
      filled++;
    });
  });
  const keysPerBlock = new Map<number, number>();
  for (let k = 0; k < filled; k++)
    keysPerBlock.set(blockOf[k]!, (keysPerBlock.get(blockOf[k]!) ?? 0) + 1);
  const filter = new BlockedFilter(keysPerBlock);
  for (let k = 0; k < filled; k++) filter.add(filter.run(blockOf[k]!), hashes[k]!);
  return { table: buildHashTable(hashes, owners, new Uint8Array(filled), filled), filter };
}

/**
 * Rare words: for each word (at least MIN_TOKEN_LENGTH long) in at most RARE_TOKEN_MAX_NAMES
 * names, one entry per name containing it, keyed by the word's {@link spanHash}, holding the
 * name's index and where the word starts in it, so that a lookup can confirm the word itself
 * without keeping the words.
 */
function buildRareTokenTable(names: readonly string[]): HashTable {
  /** Word → [name index, start, name index, start, …], or null once too common. */
  const postings = new Map<string, number[] | null>();
  names.forEach((name, i) => {
    const seen = new Set<string>();
    let start = 0;
    for (const token of name.split(' ')) {
      const at = start;
      start += token.length + 1;
      if (token.length < MIN_TOKEN_LENGTH || seen.has(token)) continue;
      seen.add(token);
      const list = postings.get(token);
      if (list === undefined) postings.set(token, [i, at]);
      else if (list !== null) {
        // Once too common, forget the list: it would only flood the candidates.
        if (list.length >= 2 * RARE_TOKEN_MAX_NAMES) postings.set(token, null);
        else list.push(i, at);
      }
    }
  });
  let total = 0;
  for (const list of postings.values()) if (list !== null) total += list.length >> 1;
  const hashes = new Uint32Array(total);
  const owners = new Uint32Array(total);
  const starts = new Uint8Array(total);
  let filled = 0;
  for (const [token, list] of postings) {
    if (list === null) continue;
    const hash = spanHash(token, 0, token.length);
    for (let k = 0; k < list.length; k += 2) {
      hashes[filled] = hash;
      owners[filled] = list[k] as number;
      starts[filled] = list[k + 1] as number;
      filled++;
    }
  }
  return buildHashTable(hashes, owners, starts, filled);
}
