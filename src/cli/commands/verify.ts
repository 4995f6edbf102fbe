import { Command } from 'commander';
import { parseKeySet, verifyStatement, type SignatureStatus, type VerifyReport } from '../../statements/signing.ts';
import { EXIT } from '../options.ts';
import { isUrl, readJson } from '../read-json.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The joint statements in a document: the report itself, or the joint-statement reports of a bundle. */
function statementsIn(value: unknown): unknown[] {
  if (isRecord(value) && value['type'] === 'bundle' && Array.isArray(value['objects'])) {
    return value['objects'].filter((o) => isRecord(o) && o['type'] === 'report' && Array.isArray(o['report_types']) && o['report_types'].includes('joint-statement'));
  }
  return [value];
}

const WORDS: Readonly<Record<SignatureStatus, string>> = {
  valid: 'valid signature',
  'invalid-signature': 'INVALID signature (the signed content or the signature was altered, or another key signed it)',
  'unknown-key': 'INVALID: signed with a key the key set does not hold',
  'revoked-key': 'INVALID: signed with a key its organization revoked',
  'wrong-organization': 'INVALID: the key belongs to another organization',
  missing: 'MISSING: this signer did not sign',
};

function print(report: VerifyReport): void {
  const out: string[] = [`Statement ${report.statement_id ?? '(unknown)'}${report.title === null ? '' : ` "${report.title}"`}`];
  for (const s of report.signers) out.push(`  ${s.name} (${s.org_ref}): ${WORDS[s.status]}${s.key_id === null ? '' : `, key ${s.key_id}`}`);
  out.push(`  hub countersignature: ${WORDS[report.hub.status]}${report.hub.key_id === null ? '' : `, key ${report.hub.key_id}`}`);
  if (report.changed.length > 0) out.push(`  changed since it was signed: ${report.changed.join(', ')}`);
  for (const p of report.problems) out.push(`  problem: ${p}`);
  out.push(report.ok ? 'VALID: every signer and the hub signed exactly this statement' : 'NOT VALID');
  process.stdout.write(`${out.join('\n')}\n`);
}

/** `rampart verify <file|url>`: checks a downloaded joint statement offline against a key set. */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('Check the signatures of a joint statement (a file or a URL) against the hub\'s published keys; exit 1 if not valid, 2 if unreadable')
    .argument('<statement>', 'the statement (its STIX report, or a bundle holding it): a file or an http(s) address')
    .option('--keys <file|url>', 'the key set (/.well-known/rampart-keys.json, saved or at its address); by default the statement\'s own hub when it is an address')
    .action(async (statement: string, flags: { keys?: string }) => {
      process.exitCode = await runVerify(statement, flags.keys);
    });
}

export async function runVerify(statement: string, keys: string | undefined): Promise<number> {
  const keySource = keys ?? (isUrl(statement) ? new URL('/.well-known/rampart-keys.json', statement).href : undefined);
  if (keySource === undefined) {
    process.stderr.write('rampart verify: give the key set with --keys (a saved /.well-known/rampart-keys.json or its address)\n');
    return EXIT.unusable;
  }
  const [doc, keyDoc] = await Promise.all([readJson(statement), readJson(keySource)]);
  if (!doc.ok || !keyDoc.ok) {
    process.stderr.write(`rampart verify: ${doc.ok ? '' : doc.error}${!doc.ok && !keyDoc.ok ? '; ' : ''}${keyDoc.ok ? '' : keyDoc.error}\n`);
    return EXIT.unusable;
  }
  const keySet = parseKeySet(keyDoc.value);
  if (keySet === null) {
    process.stderr.write(`rampart verify: ${keySource} is not a Rampart key set (expected {hub, canonicalization, keys: [...]})\n`);
    return EXIT.unusable;
  }
  const found = statementsIn(doc.value);
  if (found.length === 0) {
    process.stderr.write(`rampart verify: ${statement} holds no joint statement\n`);
    return EXIT.unusable;
  }
  let allOk = true;
  for (const s of found) {
    const report = verifyStatement(s, keySet);
    print(report);
    allOk &&= report.ok;
  }
  return allOk ? EXIT.ok : EXIT.problems;
}
