/**
 * Which ids a write transaction may find already stored, so that putBatch looks up only those.
 * "Maybe" may be wrong (it costs one lookup); "no" never is.
 */
export interface StoredIds {
  mayBeStored(id: string): boolean;
  /** Records an id this transaction has written. */
  add(id: string): void;
}

/** For a store that held versions when the transaction began: any id may be stored. */
export const anyIdMayBeStored: StoredIds = { mayBeStored: () => true, add: () => undefined };

// 2^24 bits (2 MB) and 3 probes: about 1 false "maybe" in 100 after 1.3 million ids (the 1 GB bundle), 1 in 100,000 after 200,000.
const FILTER_BITS_LOG2 = 24;
const PROBES = 3;

/**
 * For a store that was empty when the transaction began: only the ids the transaction wrote may be
 * stored. A Bloom filter rather than a set of the ids, so a million-object import stays within a few MB.
 */
export function writtenIdsOnly(bitsLog2 = FILTER_BITS_LOG2): StoredIds {
  const words = new Uint32Array(1 << (bitsLog2 - 5));
  const mask = (1 << bitsLog2) - 1;
  // Double hashing: probe i is h1 + i * h2, two FNV-1a style hashes with different offsets and a final mix.
  const probe = (id: string, visit: (bit: number) => boolean): boolean => {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h1 ^= h1 >>> 15;
    h2 = (h2 ^ (h2 >>> 13)) | 1;
    for (let i = 0; i < PROBES; i++) {
      if (!visit((h1 + Math.imul(i, h2)) & mask)) return false;
    }
    return true;
  };
  const isSet = (bit: number) => ((words[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  const set = (bit: number) => {
    words[bit >>> 5] = (words[bit >>> 5] ?? 0) | (1 << (bit & 31));
    return true;
  };
  return { mayBeStored: (id) => probe(id, isSet), add: (id) => void probe(id, set) };
}
