import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseKeySet } from '../../statements/signing.ts';
import { parseLogDocument, verifyLog, type LogDocument } from '../../transparency/verify.ts';
import { EXIT } from '../options.ts';
import { isUrl, readJson, type Read } from '../read-json.ts';

const PAGE = 1000;

/** Every page of a paged public list (entries or checkpoints) of the hub at `base`. */
async function pages(base: string, path: string, field: 'entries' | 'checkpoints'): Promise<Read<unknown[]>> {
  const items: unknown[] = [];
  for (let from: unknown = 1; typeof from === 'number'; ) {
    const page = await readJson(new URL(`${path}?from=${from}&limit=${PAGE}`, base).href);
    if (!page.ok) return page;
    const value = page.value as Record<string, unknown>;
    const list = value[field];
    if (!Array.isArray(list)) return { ok: false, error: `${base}${path} did not answer a list of ${field}` };
    items.push(...(list as unknown[]));
    from = list.length === 0 ? null : value['next'];
  }
  return { ok: true, value: items };
}

/** The whole log from a hub's address (its public endpoints) or from a file saved with --save. */
async function readLog(source: string): Promise<Read<LogDocument>> {
  let value: unknown;
  if (isUrl(source)) {
    const [entries, checkpoints] = await Promise.all([pages(source, '/api/v1/public/transparency/entries', 'entries'), pages(source, '/api/v1/public/transparency/checkpoints', 'checkpoints')]);
    if (!entries.ok) return entries;
    if (!checkpoints.ok) return checkpoints;
    value = { entries: entries.value, checkpoints: checkpoints.value };
  } else {
    const read = await readJson(source);
    if (!read.ok) return read;
    value = read.value;
  }
  const log = parseLogDocument(value);
  return typeof log === 'string' ? { ok: false, error: `${source}: ${log}` } : { ok: true, value: log };
}

/** `rampart transparency verify <url|file>`: recomputes the public log's chain and checks every signed checkpoint. */
export function transparencyCommand(): Command {
  const verify = new Command('verify')
    .description('Recompute the public transparency log\'s hash chain and check every signed checkpoint; exit 1 if it breaks, 2 if unreadable')
    .argument('<log>', "the hub's address (https://hub.example) or a file saved with --save")
    .option('--keys <file|url>', "the key set (/.well-known/rampart-keys.json, saved or at its address); by default the hub's own when <log> is an address")
    .option('--save <file>', 'also write the log as read (entries and checkpoints) to this file, to check again later')
    .action(async (log: string, flags: { keys?: string; save?: string }) => {
      process.exitCode = await runTransparencyVerify(log, flags, (text) => process.stdout.write(text), (text) => process.stderr.write(text));
    });
  return new Command('transparency').description('The public transparency log: verify its chain and checkpoints').addCommand(verify);
}

export async function runTransparencyVerify(source: string, flags: { keys?: string | undefined; save?: string | undefined }, out: (text: string) => void, errOut: (text: string) => void): Promise<number> {
  const keySource = flags.keys ?? (isUrl(source) ? new URL('/.well-known/rampart-keys.json', source).href : undefined);
  if (keySource === undefined) {
    errOut('rampart transparency verify: give the key set with --keys (a saved /.well-known/rampart-keys.json or its address)\n');
    return EXIT.unusable;
  }
  const [log, keyDoc] = await Promise.all([readLog(source), readJson(keySource)]);
  if (!log.ok || !keyDoc.ok) {
    errOut(`rampart transparency verify: ${[log.ok ? null : log.error, keyDoc.ok ? null : keyDoc.error].filter((e) => e !== null).join('; ')}\n`);
    return EXIT.unusable;
  }
  const keySet = parseKeySet(keyDoc.value);
  if (keySet === null) {
    errOut(`rampart transparency verify: ${keySource} is not a Rampart key set (expected {hub, canonicalization, keys: [...]})\n`);
    return EXIT.unusable;
  }
  if (flags.save !== undefined) await writeFile(flags.save, `${JSON.stringify(log.value, null, 1)}\n`);
  const report = verifyLog(log.value, keySet);
  const lines = [`${report.entries} entries, ${report.checkpoints} checkpoints; head at size ${report.head.tree_size}: ${report.head.head_hash}`];
  for (const p of report.problems) lines.push(`  ${p.where}: ${p.message}`);
  if (report.checkpoints === 0) lines.push('  no signed checkpoint: the chain holds together, but nothing signed vouches for it');
  lines.push(report.ok ? (report.checkpoints === 0 ? 'CHAIN INTACT (unsigned)' : 'VALID: the chain is intact and every checkpoint is signed by the hub and matches it') : `NOT VALID: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`);
  out(`${lines.join('\n')}\n`);
  return report.ok ? EXIT.ok : EXIT.problems;
}
