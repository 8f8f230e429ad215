/**
 * Hashing for the name index: a polynomial string hash whose one-deletion variants are computed
 * incrementally, Bloom filters in front of the tables, and hash tables in compressed sparse rows.
 */
import { MAX_FUZZY_LENGTH } from './similarity.ts';

/*
 * Polynomial hash H(s) = Σ s[k]·B^(n−1−k) mod 2^32. Deleting s[i] gives
 * H − B^(n−1−i)·(P_i·(B−1) + s[i]), where P_i is the hash of s[0..i): one multiply per variant,
 * no substring. Collisions only add a candidate that scoring then rejects.
 */
export const HASH_BASE = 0x01000193;
export const HASH_POWERS = (() => {
  const powers = new Int32Array(MAX_FUZZY_LENGTH + 1);
  powers[0] = 1;
  for (let i = 1; i <= MAX_FUZZY_LENGTH; i++)
    powers[i] = Math.imul(powers[i - 1] as number, HASH_BASE);
  return powers;
})();

/** murmur3's finaliser: the raw polynomial's low bits (used as bucket index) mix poorly. */
export function finalizeHash(h: number, length: number): number {
  h ^= Math.imul(length, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The finalised hash of `s[start, end)`, as {@link forEachDeletionHash} gives for the whole. */
export function spanHash(s: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, HASH_BASE) + s.charCodeAt(i)) | 0;
  return finalizeHash(h, end - start);
}

/**
 * A blocked Bloom filter over finalised hashes: three bits per key, all in one 32-bit word, at
 * about 8 bits per key (about 5% false positives). One word read answers most misses, from a
 * few megabytes at most, where the hash table or `Map` behind it is many times larger and costs
 * one or two cache misses per lookup.
 */
export class HashFilter {
  private readonly words: Int32Array;
  private readonly shift: number;

  constructor(keys: number) {
    let log2 = 1;
    while (1 << (log2 + 5) < keys * 8 && log2 < 26) log2++;
    this.words = new Int32Array(1 << log2);
    this.shift = 32 - log2;
  }

  /** The three bits of `hash` within its word. */
  static bits(hash: number): number {
    const mixed = Math.imul(hash, 0x9e3779b1);
    return (1 << (mixed >>> 27)) | (1 << ((mixed >>> 22) & 31)) | (1 << ((mixed >>> 17) & 31));
  }

  add(hash: number): void {
    const at = hash >>> this.shift;
    this.words[at] = (this.words[at] as number) | HashFilter.bits(hash);
  }

  /** False when `hash` was certainly never added. */
  mayHave(hash: number): boolean {
    const bits = HashFilter.bits(hash);
    return ((this.words[hash >>> this.shift] as number) & bits) === bits;
  }
}

/**
 * Calls `visit` with the hash of `s` and of each distinct one-deletion variant of `s`, and the
 * position deleted (−1 for `s` itself).
 */
export function forEachDeletionHash(
  s: string,
  visit: (hash: number, deleted: number) => void,
): void {
  const n = s.length;
  let full = 0;
  for (let i = 0; i < n; i++) full = (Math.imul(full, HASH_BASE) + s.charCodeAt(i)) | 0;
  visit(finalizeHash(full, n), -1);
  let prefix = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // Deleting either letter of a double ("ll") gives the same string: hash it once.
    if (i === 0 || s.charCodeAt(i - 1) !== c) {
      const removed = Math.imul(
        HASH_POWERS[n - 1 - i] as number,
        (Math.imul(prefix, HASH_BASE - 1) + c) | 0,
      );
      visit(finalizeHash((full - removed) | 0, n - 1), i);
    }
    prefix = (Math.imul(prefix, HASH_BASE) + c) | 0;
  }
}

/**
 * The block of the variant of `s` with position `deleted` removed (−1: `s` itself): its length,
 * first and last letter. All but two deletion variants of a string share one block, so the
 * filter words a lookup reads lie together instead of all over the filter.
 */
export function variantBlock(s: string, deleted: number): number {
  const n = s.length;
  const length = deleted < 0 ? n : n - 1;
  const first = s.charCodeAt(deleted === 0 ? 1 : 0);
  const last = s.charCodeAt(deleted === n - 1 ? n - 2 : n - 1);
  // 30 bits: a small integer to V8, so looking the block up never boxes the key in a heap number.
  return (
    (Math.imul(length, 0x9e3779b1) ^ Math.imul(first, 0x85ebca6b) ^ Math.imul(last, 0xc2b2ae35)) &
    0x3fffffff
  );
}

/**
 * A Bloom filter in blocks (see {@link variantBlock}): each block has its own run of words, sized
 * to the keys it holds (about 8 bits a key, a power of two), and a key's three bits lie in one
 * word of its block chosen by the key's hash. A fuzzy lookup's dozen probes then touch a few
 * cache lines of one block rather than a dozen lines spread over megabytes.
 */
export class BlockedFilter {
  private readonly words: Int32Array;
  /** Block → `offset * 32 + log2(words)` of its run. */
  private readonly blocks: Map<number, number>;

  constructor(keysPerBlock: ReadonlyMap<number, number>) {
    this.blocks = new Map();
    let total = 0;
    for (const [block, keys] of keysPerBlock) {
      let log2 = 0;
      while (1 << (log2 + 5) < keys * 8 && log2 < 26) log2++;
      this.blocks.set(block, total * 32 + log2);
      total += 1 << log2;
    }
    this.words = new Int32Array(total);
  }

  /** The run of `block`, as `offset * 32 + log2(words)`, or −1 when no key is in it. */
  run(block: number): number {
    return this.blocks.get(block) ?? -1;
  }

  add(run: number, hash: number): void {
    const at = (run >>> 5) + (hash & ((1 << (run & 31)) - 1));
    this.words[at] = (this.words[at] as number) | HashFilter.bits(hash);
  }

  /** False when `hash` was certainly never added to the block whose run is `run`. */
  mayHave(run: number, hash: number): boolean {
    if (run < 0) return false;
    const bits = HashFilter.bits(hash);
    return ((this.words[(run >>> 5) + (hash & ((1 << (run & 31)) - 1))] as number) & bits) === bits;
  }
}

/**
 * A hash table from 32-bit hashes to entries, in compressed sparse rows: bucket b holds entries
 * offsets[b] .. offsets[b+1]−1, each a `hashes[k]` with its `values[k]` and `starts[k]`. The
 * filter in front answers most absent hashes without touching the rest.
 */
export interface HashTable {
  filter: HashFilter;
  mask: number;
  offsets: Uint32Array;
  hashes: Uint32Array;
  values: Uint32Array;
  starts: Uint8Array;
}

/** Groups the first `filled` entries into a {@link HashTable}. */
export function buildHashTable(
  hashes: Uint32Array,
  values: Uint32Array,
  starts: Uint8Array,
  filled: number,
): HashTable {
  // About one entry per bucket keeps a probe to a couple of comparisons.
  let buckets = 1;
  while (buckets < filled) buckets *= 2;
  const mask = buckets - 1;
  const offsets = new Uint32Array(buckets + 1);
  for (let k = 0; k < filled; k++) {
    const b = ((hashes[k] as number) & mask) + 1;
    offsets[b] = (offsets[b] as number) + 1;
  }
  for (let b = 0; b < buckets; b++)
    offsets[b + 1] = (offsets[b + 1] as number) + (offsets[b] as number);
  const cursor = offsets.slice(0, buckets);
  const sortedHashes = new Uint32Array(filled);
  const sortedValues = new Uint32Array(filled);
  const sortedStarts = new Uint8Array(filled);
  const filter = new HashFilter(filled);
  for (let k = 0; k < filled; k++) {
    const hash = hashes[k] as number;
    const at = cursor[hash & mask] as number;
    cursor[hash & mask] = at + 1;
    sortedHashes[at] = hash;
    sortedValues[at] = values[k] as number;
    sortedStarts[at] = starts[k] as number;
    filter.add(hash);
  }
  return {
    filter,
    mask,
    offsets,
    hashes: sortedHashes,
    values: sortedValues,
    starts: sortedStarts,
  };
}
