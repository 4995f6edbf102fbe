import { parseCidr, PrefixMap } from './cidr.ts';
import { normalizeValue, type ValueKind } from './record.ts';
import benignTopDomains from './data/benign-top-domains.json' with { type: 'json' };
import emptyFileHashes from './data/empty-file-hashes.json' with { type: 'json' };
import specialIpRanges from './data/special-ip-ranges.json' with { type: 'json' };

/**
 * A warning list file as shipped in ./data. The files are compiled into this module (JSON imports), so TypeScript
 * checks their shape against this type when the code is built, and nothing is left to check when it runs.
 */
export interface WarningListFile {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  readonly entries: readonly { readonly value: string; readonly note?: string }[];
}

export interface WarningListInfo {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  readonly entries: number;
}

/** Benign values that should never raise a hit on their own (unless asked for). */
export interface WarningLists {
  /** The name of the list holding the value, or null. */
  listing(kind: ValueKind, value: string): string | null;
  readonly lists: readonly WarningListInfo[];
}

/** Builds the lookup from list files (the shipped ones by default). */
export function buildWarningLists(files: { readonly ips: WarningListFile; readonly domains: WarningListFile; readonly hashes: WarningListFile }): WarningLists {
  const ranges = new PrefixMap<string>();
  for (const e of files.ips.entries) {
    const cidr = parseCidr(e.value);
    if (cidr === null) throw new Error(`warning list ${files.ips.name}: ${e.value} is not a network`);
    ranges.add(cidr, files.ips.name);
  }
  const domains = new Set(files.domains.entries.map((e) => e.value.toLowerCase()));
  const hashes = new Set(files.hashes.entries.map((e) => e.value.toLowerCase()));
  const info = (f: WarningListFile): WarningListInfo => ({ name: f.name, description: f.description, source: f.source, entries: f.entries.length });
  return {
    lists: [info(files.ips), info(files.domains), info(files.hashes)],
    listing(kind, value) {
      switch (kind) {
        case 'ipv4':
        case 'ipv6':
          return ranges.first(value) ?? null;
        case 'domain': {
          // A listed domain covers its subdomains: www.google.com is as benign as google.com.
          let name = normalizeValue('domain', value);
          for (;;) {
            if (domains.has(name)) return files.domains.name;
            const dot = name.indexOf('.');
            if (dot < 0) return null;
            name = name.slice(dot + 1);
          }
        }
        case 'md5':
        case 'sha1':
        case 'sha256':
        case 'sha512':
          return hashes.has(value.toLowerCase()) ? files.hashes.name : null;
        case 'url':
        case 'email':
        case 'user-agent':
          return null;
      }
    },
  };
}

/** The shipped files, checked against WarningListFile by the compiler. */
const SHIPPED: { readonly ips: WarningListFile; readonly domains: WarningListFile; readonly hashes: WarningListFile } = { ips: specialIpRanges, domains: benignTopDomains, hashes: emptyFileHashes };

let shipped: WarningLists | null = null;

/** The warning lists shipped in src/matching/data (loaded once). */
export function defaultWarningLists(): WarningLists {
  shipped ??= buildWarningLists({ ips: SHIPPED.ips, domains: SHIPPED.domains, hashes: SHIPPED.hashes });
  return shipped;
}
