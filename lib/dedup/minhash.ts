// MinHash signatures over word shingles and an LSH-banded index that finds near-duplicate prompts (Broder 1997; Leskovec et al., MMDS ch. 3).
import { tokenizeWords } from "./normalize";

export type MinHashOptions = {
  /** Words per shingle. Default 3. */
  shingleSize?: number;
  /** Hash functions ("permutations") per signature. Default 128: Jaccard estimates within ±0.09 (2σ) at J = 0.5. */
  numPerm?: number;
  /** Seed of the per-permutation salts; same seed, same signatures. */
  seed?: number;
};

const DEFAULT_SEED = 0x5eed_1e55;

/**
 * Sorted, distinct 32-bit FNV-1a hashes of the text's word shingles ("w1 w2 w3"). A text with
 * fewer words than `shingleSize` is one shingle of all its words; a text with no words is the
 * empty set. Comparing 32-bit hashes rather than strings keeps the index small; two distinct
 * shingles collide with probability ~2⁻³², far below any threshold that matters.
 */
export function shingleHashes(text: string, shingleSize = 3): Uint32Array {
  if (!Number.isInteger(shingleSize) || shingleSize < 1) throw new RangeError(`shingleSize must be a positive integer, got ${shingleSize}`);
  const words = tokenizeWords(text);
  if (words.length === 0) return new Uint32Array(0);
  const count = Math.max(1, words.length - shingleSize + 1);
  const hashes = new Uint32Array(count);
  for (let i = 0; i < count; i++) hashes[i] = fnv1a(words.slice(i, i + shingleSize).join(" "));
  hashes.sort();
  return uniqueSorted(hashes);
}

/** Exact Jaccard |A∩B| / |A∪B| of two sorted distinct hash sets; two empty sets count as identical (1). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

export type MinHasher = {
  numPerm: number;
  shingleSize: number;
  shingles(text: string): Uint32Array;
  /** [numPerm] minimum of each salted hash over the shingles; all 0xffffffff for an empty set. */
  signatureOf(shingles: Uint32Array): Uint32Array;
  signature(text: string): Uint32Array;
};

/**
 * Permutation k maps a shingle hash x to fmix32(x ⊕ saltₖ): murmur3's finalizer is a
 * bijection on 32-bit words with full avalanche, so each salt gives an independent-looking
 * permutation of the hash space. Salts come from splitmix32(seed), so results are
 * reproducible across runs and machines.
 */
export function createMinHasher(opts: MinHashOptions = {}): MinHasher {
  const numPerm = opts.numPerm ?? 128;
  const shingleSize = opts.shingleSize ?? 3;
  if (!Number.isInteger(numPerm) || numPerm < 1) throw new RangeError(`numPerm must be a positive integer, got ${numPerm}`);
  const salts = new Uint32Array(numPerm);
  let state = (opts.seed ?? DEFAULT_SEED) >>> 0;
  for (let k = 0; k < numPerm; k++) {
    state = (state + 0x9e3779b9) >>> 0;
    salts[k] = fmix32(state);
  }
  const signatureOf = (shingles: Uint32Array) => {
    const sig = new Uint32Array(numPerm).fill(0xffffffff);
    for (const x of shingles) {
      for (let k = 0; k < numPerm; k++) {
        const h = fmix32(x ^ salts[k]);
        if (h < sig[k]) sig[k] = h;
      }
    }
    return sig;
  };
  const shingles = (text: string) => shingleHashes(text, shingleSize);
  return { numPerm, shingleSize, shingles, signatureOf, signature: (text) => signatureOf(shingles(text)) };
}

/**
 * LSH banding: `bands` × `rows` ≤ numPerm. Two texts of Jaccard s share at least one band
 * (become candidates) with probability p(s) = 1 − (1 − s^rows)^bands. We take the banding
 * with the smallest false-positive area ∫₀^t p(s) ds among those that still catch a pair at
 * exactly the threshold with probability ≥ `minRecall` (0.995): candidates are verified
 * exactly, so a false positive costs one set comparison while a miss loses a duplicate.
 * (datasketch instead balances both areas with equal weights, which at t = 0.8 and 128
 * permutations misses ~5% of pairs right at the threshold.)
 */
export function chooseBands(threshold: number, numPerm: number, minRecall = 0.995): { bands: number; rows: number } {
  let best = { bands: numPerm, rows: 1, falsePositive: Infinity, recall: 0 };
  for (let bands = 1; bands <= numPerm; bands++) {
    for (let rows = 1; rows * bands <= numPerm; rows++) {
      const p = (s: number) => 1 - (1 - s ** rows) ** bands;
      const recall = p(threshold);
      const falsePositive = integrate(p, 0, threshold);
      const better =
        recall >= minRecall
          ? best.recall < minRecall || falsePositive < best.falsePositive - 1e-12
          : best.recall < minRecall && recall > best.recall;
      if (better) best = { bands, rows, falsePositive, recall };
    }
  }
  return { bands: best.bands, rows: best.rows };
}

export type NearDuplicate = { id: string; similarity: number };

export type NearDuplicateIndex = {
  readonly threshold: number;
  readonly size: number;
  /** Adds a text; an id already present is an error. */
  add(id: string, text: string): void;
  remove(id: string): boolean;
  has(id: string): boolean;
  /** Indexed texts whose exact shingle Jaccard with `text` is ≥ threshold, most similar first, then by id. */
  query(text: string): NearDuplicate[];
};

export type NearDuplicateIndexOptions = MinHashOptions & {
  /** Jaccard similarity of word shingles at or above which two texts are near-duplicates. Default 0.8. */
  threshold?: number;
};

/**
 * In-memory near-duplicate index: MinHash + LSH bands select candidates, and each candidate
 * is confirmed with the exact Jaccard of its stored shingle set, so results have no false
 * positives and are the same on every run. Memory stays small enough for an export of
 * hundreds of thousands of prompts: texts are numbered, shingles live in one pooled typed
 * array, and each band is an open-addressing table of key → latest text with a per-text
 * chain to earlier texts sharing the key (~4 bytes per shingle plus ~16 bytes per band per text).
 */
export function createNearDuplicateIndex(opts: NearDuplicateIndexOptions = {}): NearDuplicateIndex {
  const threshold = opts.threshold ?? 0.8;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${threshold}`);
  const hasher = createMinHasher(opts);
  const { bands, rows } = chooseBands(threshold, hasher.numPerm);
  const tables = Array.from({ length: bands }, (_, b) => new BandTable((ord) => textKeys[ord * bands + b]));
  const ids: string[] = [];
  const ordinals = new Map<string, number>();
  let removed = new Uint8Array(256);
  let chain = new Int32Array(256 * bands);
  let textKeys = new Uint32Array(256 * bands);
  let offsets = new Uint32Array(257);
  let pool = new Uint32Array(4096);

  const bandKeys = (sig: Uint32Array) => {
    const keys = new Uint32Array(bands);
    for (let b = 0; b < bands; b++) keys[b] = hashWords(sig, b * rows, rows);
    return keys;
  };
  const shinglesOf = (ord: number) => pool.subarray(offsets[ord], offsets[ord + 1]);
  const reserve = (texts: number, shingles: number) => {
    if (texts > removed.length) {
      const n = Math.max(texts, removed.length * 2);
      removed = grow(removed, n);
      chain = grow(chain, n * bands);
      textKeys = grow(textKeys, n * bands);
      offsets = grow(offsets, n + 1);
    }
    if (shingles > pool.length) pool = grow(pool, Math.max(shingles, pool.length * 2));
  };

  return {
    threshold,
    get size() {
      return ordinals.size;
    },
    add(id, text) {
      if (ordinals.has(id)) throw new Error(`near-duplicate index already has "${id}"`);
      const shingles = hasher.shingles(text);
      const keys = bandKeys(hasher.signatureOf(shingles));
      const ord = ids.length;
      reserve(ord + 1, offsets[ord] + shingles.length);
      pool.set(shingles, offsets[ord]);
      offsets[ord + 1] = offsets[ord] + shingles.length;
      ids.push(id);
      ordinals.set(id, ord);
      textKeys.set(keys, ord * bands);
      for (let b = 0; b < bands; b++) chain[ord * bands + b] = tables[b].swap(keys[b], ord);
    },
    remove(id) {
      const ord = ordinals.get(id);
      if (ord === undefined) return false;
      removed[ord] = 1;
      return ordinals.delete(id);
    },
    has: (id) => ordinals.has(id),
    query(text) {
      const shingles = hasher.shingles(text);
      const keys = bandKeys(hasher.signatureOf(shingles));
      const candidates = new Set<number>();
      for (let b = 0; b < bands; b++) {
        for (let ord = tables[b].get(keys[b]); ord >= 0; ord = chain[ord * bands + b]) if (!removed[ord]) candidates.add(ord);
      }
      const out: NearDuplicate[] = [];
      for (const ord of candidates) {
        const similarity = jaccard(shingles, shinglesOf(ord));
        if (similarity >= threshold) out.push({ id: ids[ord], similarity });
      }
      return out.sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
}

/**
 * Open-addressing (linear probing) map from a 32-bit band key to the latest text number with it
 * (−1 when absent). Slots hold text numbers only; a slot's key is read back from `keyOf`, the
 * band keys every text keeps anyway, so a slot costs 4 bytes.
 */
class BandTable {
  private slots = new Int32Array(1024).fill(-1);
  private used = 0;
  constructor(private keyOf: (ord: number) => number) {}

  get(key: number): number {
    const mask = this.slots.length - 1;
    for (let i = fmix32(key) & mask; this.slots[i] >= 0; i = (i + 1) & mask) if (this.keyOf(this.slots[i]) === key) return this.slots[i];
    return -1;
  }

  /** Sets key → ord and returns what it mapped to before (−1 if nothing). */
  swap(key: number, ord: number): number {
    if ((this.used + 1) * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
    const mask = this.slots.length - 1;
    let i = fmix32(key) & mask;
    for (; this.slots[i] >= 0; i = (i + 1) & mask) {
      if (this.keyOf(this.slots[i]) === key) {
        const prev = this.slots[i];
        this.slots[i] = ord;
        return prev;
      }
    }
    this.slots[i] = ord;
    this.used++;
    return -1;
  }

  private rehash(size: number) {
    const old = this.slots;
    this.slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (const ord of old) {
      if (ord < 0) continue;
      let i = fmix32(this.keyOf(ord)) & mask;
      while (this.slots[i] >= 0) i = (i + 1) & mask;
      this.slots[i] = ord;
    }
  }
}

function grow<T extends Uint8Array | Int32Array | Uint32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

// FNV-1a over UTF-16 code units (two bytes each, low byte first).
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h = Math.imul(h ^ (c & 0xff), 0x01000193);
    h = Math.imul(h ^ (c >>> 8), 0x01000193);
  }
  return h >>> 0;
}

// FNV-1a over a run of 32-bit words (a band of a signature), seeded by the band's start.
function hashWords(words: Uint32Array, start: number, count: number): number {
  let h = Math.imul(0x811c9dc5 ^ start, 0x01000193);
  for (let k = start; k < start + count; k++) {
    const w = words[k];
    h = Math.imul(h ^ (w & 0xff), 0x01000193);
    h = Math.imul(h ^ ((w >>> 8) & 0xff), 0x01000193);
    h = Math.imul(h ^ ((w >>> 16) & 0xff), 0x01000193);
    h = Math.imul(h ^ (w >>> 24), 0x01000193);
  }
  return h >>> 0;
}

// murmur3's 32-bit finalizer: a bijection with full avalanche.
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function uniqueSorted(sorted: Uint32Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i];
  return sorted.slice(0, n);
}

// Midpoint rule; the curves are smooth and this runs once per index.
function integrate(f: (x: number) => number, a: number, b: number, steps = 200): number {
  const h = (b - a) / steps;
  let s = 0;
  for (let i = 0; i < steps; i++) s += f(a + (i + 0.5) * h);
  return s * h;
}
