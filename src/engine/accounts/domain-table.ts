/**
 * The email fast path: a plain `local@host` address is looked up in a table of account domains
 * and free-mail hosts straight from the lead's string, without tldts, substrings or a `Map`.
 */
import { freeMail, hostAndDomain, isFreeMail } from './domains.ts';
import { finalizeHash, HASH_BASE } from './hashing.ts';

const EMAIL_CHAR = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x21; c <= 0x7e; c++) table[c] = 2;
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  table[0x2d] = 1; // '-'
  table[0x2e] = 1; // '.'
  return table;
})();

/**
 * Where the host of a plain `local@host` address starts, or -1: printable ASCII with no space, no
 * `:` (so no `://`), a non-empty host and only letters, digits, `-` and `.` after the last `@`.
 * For such input {@link hostInput} returns exactly `value.slice(start).toLowerCase()`, so tldts
 * would see that host and nothing else.
 */
export function directEmailHost(value: string): number {
  const n = value.length;
  let at = -1;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x40) {
      at = i;
      continue;
    }
    const kind = c < 128 ? (EMAIL_CHAR[c] as number) : 0;
    if (kind === 0 || c === 0x3a || (at >= 0 && kind !== 1)) return -1;
  }
  return at < 0 || at === n - 1 ? -1 : at + 1;
}

/** The finalised hash of `s[start, end)` lower-cased, for ASCII letters. */
function lowerSpanHash(s: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    h = (Math.imul(h, HASH_BASE) + (c >= 0x41 && c <= 0x5a ? c | 0x20 : c)) | 0;
  }
  return finalizeHash(h, end - start);
}

/**
 * Exact host → value lookups straight from a substring of the lead's address, lower-casing on the
 * fly: no substring, no `Map`. Open addressing over an `Int32Array` of (hash, entry + 1, key
 * offset, key length) with the keys' bytes in one buffer, so a lookup touches a slot, the key's
 * bytes and the value, where a `Map` keyed by strings scattered over the heap costs more misses.
 * Keys are lower-case host names of a–z, 0–9, `-` and `.` only ({@link DomainTable.storable}).
 */
export class DomainTable<V> {
  private readonly slots: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly values: V[];
  private readonly mask: number;

  static storable(key: string): boolean {
    if (key.length === 0) return false;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e))
        return false;
    }
    return true;
  }

  /** `entries`: distinct {@link DomainTable.storable} keys. */
  constructor(entries: ReadonlyArray<readonly [string, V]>) {
    let capacity = 2;
    while (capacity < 2 * entries.length) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(4 * capacity);
    let total = 0;
    for (const [key] of entries) total += key.length;
    this.bytes = new Uint8Array(total);
    this.values = [];
    let offset = 0;
    for (const [key, value] of entries) {
      const hash = lowerSpanHash(key, 0, key.length);
      let at = hash & this.mask;
      while (this.slots[4 * at + 1] !== 0) at = (at + 1) & this.mask;
      this.values.push(value);
      this.slots[4 * at] = hash;
      this.slots[4 * at + 1] = this.values.length;
      this.slots[4 * at + 2] = offset;
      this.slots[4 * at + 3] = key.length;
      for (let i = 0; i < key.length; i++) this.bytes[offset++] = key.charCodeAt(i);
    }
  }

  /** The value stored for `s[start, end)` lower-cased, or undefined. */
  get(s: string, start: number, end: number): V | undefined {
    // Stored signed, as the Int32Array holds it.
    const hash = lowerSpanHash(s, start, end) | 0;
    const length = end - start;
    const { slots, bytes, mask } = this;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = slots[4 * at + 1] as number;
      if (entry === 0) return undefined;
      if (slots[4 * at] !== hash || slots[4 * at + 3] !== length) continue;
      const offset = slots[4 * at + 2] as number;
      let i = 0;
      for (; i < length; i++) {
        const c = s.charCodeAt(start + i);
        if (bytes[offset + i] !== (c >= 0x41 && c <= 0x5a ? c | 0x20 : c)) break;
      }
      if (i === length) return this.values[entry - 1];
    }
  }
}

/**
 * Free-mail hosts `h` for which the general path provably ignores an address `x@h`: `h` is
 * stored lower-case in the list, and tldts rejects it or the result counts as free mail. For
 * such `h`, {@link hostInput} gives `h` from both `x@h` and `h`. Computed once, on first use.
 */
let freeMailDirect: readonly string[] | undefined;
export function freeMailHosts(): readonly string[] {
  if (freeMailDirect === undefined) {
    const direct: string[] = [];
    for (const entry of freeMail) {
      if (!DomainTable.storable(entry)) continue;
      const hd = hostAndDomain(entry);
      if (!hd || isFreeMail(hd)) direct.push(entry);
    }
    freeMailDirect = direct;
  }
  return freeMailDirect;
}
