import path from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import layers from '../scripts/eslint-layers.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const linter = new Linter({ configType: 'flat' });
const config = [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser }, plugins: { rampart: layers }, rules: { 'rampart/layers': 'error' as const } }];

/** The layer rule's messages for one import written in the file at `file` (relative to the repository). */
function refusals(file: string, source: string): string[] {
  return linter.verify(`import { x } from '${source}';\nexport { x };\n`, config, path.join(ROOT, file)).map((m) => m.message);
}

describe('the layer rule (rampart/layers)', () => {
  it('refuses a service importing src/http or src/cli, and a feature importing the composition root', () => {
    expect(refusals('src/sharing/service.ts', '../http/deps.ts')).toEqual([expect.stringContaining('only adapters import src/http')]);
    expect(refusals('src/accounts/context.ts', '../cli/options.ts')).toEqual([expect.stringContaining('only the CLI itself imports src/cli')]);
    expect(refusals('src/taxii/read.ts', '../hub/compose.ts')).toEqual([expect.stringContaining('composition root')]);
  });

  it('refuses the core importing upwards: domain from stix, stix from store, store from a feature', () => {
    expect(refusals('src/domain/tlp.ts', '../stix/validate.ts')).toHaveLength(1);
    expect(refusals('src/stix/validate.ts', '../store/types.ts')).toHaveLength(1);
    expect(refusals('src/stix/pattern/compile.ts', '../../sharing/keys.ts')).toHaveLength(1);
    expect(refusals('src/store/stix-store.ts', '../sharing/service.ts')).toHaveLength(1);
  });

  it('refuses production code importing test or benchmark helpers', () => {
    expect(refusals('src/store/index.ts', '../../test/helpers/store.ts')).toEqual([expect.stringContaining('never imports test or benchmark helpers')]);
    expect(refusals('src/objects/service.ts', '../../bench/fixtures/store-rows.ts')).toHaveLength(1);
  });

  it('allows what the layers allow', () => {
    expect(refusals('src/sharing/routes.ts', '../http/deps.ts')).toEqual([]);
    expect(refusals('src/ingest/import-routes.ts', '../http/import-guard.ts')).toEqual([]);
    expect(refusals('src/taxii/plugin.ts', '../http/deps.ts')).toEqual([]);
    expect(refusals('src/hub/compose.ts', '../http/app.ts')).toEqual([]);
    expect(refusals('src/cli/commands/serve.ts', '../../hub/open.ts')).toEqual([]);
    expect(refusals('src/http/app.ts', '../domain/problem.ts')).toEqual([]);
    expect(refusals('src/store/stix-store.ts', '../stix/validate.ts')).toEqual([]);
    expect(refusals('src/stix/pattern/compile.ts', '../validate.ts')).toEqual([]);
    expect(refusals('src/taxii/read.ts', '../sharing/port.ts')).toEqual([]);
    expect(refusals('src/sharing/routes.test.ts', '../../test/helpers/http.ts')).toEqual([]);
    expect(refusals('src/sharing/service.ts', 'kysely')).toEqual([]);
  });

  it('refuses the HTTP framework and its plugins outside the adapters, in every form of import', () => {
    // The two modules that did: the public answers cache of the rumour pages and the TAXII filter-collection routes.
    expect(refusals('src/rumours/public-cache.ts', 'fastify')).toEqual([expect.stringContaining('only adapters import fastify')]);
    expect(refusals('src/taxii/admin.ts', 'fastify')).toEqual([expect.stringContaining("a feature's routes.ts, *-routes.ts or plugin.ts")]);
    expect(refusals('src/sharing/service.ts', '@fastify/cookie')).toEqual([expect.stringContaining('only adapters import @fastify/cookie')]);
    expect(refusals('src/taxii/errors.ts', 'fastify/types/reply')).toHaveLength(1);
    expect(refusals('src/ingest/import.ts', 'fastify-plugin')).toHaveLength(1);
    expect(refusals('src/domain/problem.ts', 'fastify')).toEqual([expect.stringContaining('src/domain is core and never mentions HTTP')]);
    expect(refusals('src/store/stix-store.ts', 'fastify')).toHaveLength(1);
    expect(refusals('web/src/app.tsx', 'fastify')).toEqual([expect.stringContaining('runs in the browser')]);
    const lint = (file: string, source: string) => linter.verify(source, config, path.join(ROOT, file)).map((m) => m.message);
    expect(lint('src/support/service.ts', "import type { FastifyReply } from 'fastify';\nexport type R = FastifyReply;\n")).toHaveLength(1);
    expect(lint('src/support/service.ts', "export type { FastifyReply } from 'fastify';\n")).toHaveLength(1);
    expect(lint('src/support/service.ts', "export * from '@fastify/static';\n")).toHaveLength(1);
    expect(lint('src/support/service.ts', "export const load = () => import('fastify');\n")).toHaveLength(1);
    expect(lint('src/support/service.ts', "export type R = import('fastify').FastifyReply;\n")).toEqual([expect.stringContaining('only adapters import fastify')]);
  });

  it('allows the HTTP framework in the adapters, the composition root, the CLI and tests; other packages anywhere', () => {
    for (const file of ['src/http/app.ts', 'src/http/routes/web.ts', 'src/rumours/routes.ts', 'src/ingest/import-routes.ts', 'src/taxii/plugin.ts', 'src/hub/compose.ts', 'src/cli/commands/serve.ts', 'src/sharing/service.test.ts', 'test/helpers/http.ts']) {
      expect([file, refusals(file, 'fastify'), refusals(file, '@fastify/static')]).toEqual([file, [], []]);
    }
    expect(refusals('src/domain/problem.ts', '@sinclair/typebox')).toEqual([]);
    expect(refusals('src/sharing/service.ts', 'fastifyish')).toEqual([]);
  });
});

describe('the branded-id rule (no-restricted-syntax in eslint.config.js)', () => {
  /** What the project's lint config says to `as OrgId` in the file at `file` (relative to the repository). */
  async function brandedRefusals(file: string): Promise<string[]> {
    const resolved = (await new ESLint({ cwd: ROOT }).calculateConfigForFile(path.join(ROOT, file))) as { rules?: Record<string, unknown> };
    const rule = resolved.rules?.['no-restricted-syntax'];
    if (rule === undefined) return [];
    const source = "import type { OrgId } from '../domain/ids.ts';\nexport const org = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;\n";
    return linter.verify(source, [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-syntax': rule as Linter.RuleEntry } }], path.join(ROOT, file)).map((m) => m.message);
  }

  it('refuses `as OrgId` in features, notifications included, and leaves the parsers and row types alone', async () => {
    for (const file of ['src/notifications/matcher.ts', 'src/notifications/deliver.ts', 'src/sharing/service.ts']) {
      expect(await brandedRefusals(file)).toEqual([expect.stringContaining('Branded ids come from a parser')]);
    }
    expect(await brandedRefusals('src/domain/ids.ts')).toEqual([]);
    expect(await brandedRefusals('src/store/notifications.ts')).toEqual([]);
  });
});

describe('the checked-replies rule (rampart/checked-replies, scripts/eslint-replies.mjs)', () => {
  /** What the project's lint config says to `source` written in the file at `file` (relative to the repository). */
  async function replyRefusals(file: string, source: string): Promise<string[]> {
    const resolved = (await new ESLint({ cwd: ROOT }).calculateConfigForFile(path.join(ROOT, file))) as { rules?: Record<string, unknown> };
    const rule = resolved.rules?.['rampart/checked-replies'];
    if (rule === undefined) return [];
    const head = "import type { FastifyReply } from 'fastify';\nimport type { Sends } from '../http/send-result.ts';\nimport { sendBytes } from '../http/send-bytes.ts';\n";
    return linter.verify(head + source, [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { rampart: layers }, rules: { 'rampart/checked-replies': rule as Linter.RuleEntry } }], path.join(ROOT, file)).map((m) => m.message);
  }

  it('refuses a feature helper sending a value through a plain FastifyReply, as the TAXII admin routes did', async () => {
    // The shape src/taxii/admin-routes.ts (then admin.ts) had: any value, stringified, past the response schemas.
    expect(await replyRefusals('src/taxii/admin-routes.ts', 'export const send = (reply: FastifyReply, body: unknown, status = 200) => reply.code(status).header("a", "b").send(JSON.stringify(body));\n')).toEqual([
      expect.stringContaining("'reply' is a plain FastifyReply"),
    ]);
    expect(await replyRefusals('src/elections/routes.ts', 'export function answer(out: FastifyReply, view: object): FastifyReply {\n  return out.send(view);\n}\n')).toEqual([expect.stringContaining("'out' is a plain FastifyReply")]);
  });

  it('allows a reply typed by the route (Sends<V>), bytes through sendBytes and an empty 304; the adapters of src/http are its own', async () => {
    expect(await replyRefusals('src/sharing/routes.ts', 'export const send = <V>(reply: FastifyReply & Sends<V>, value: NoInfer<V>) => reply.code(200).send(value);\n')).toEqual([]);
    expect(await replyRefusals('src/objects/routes.ts', 'export const send = (reply: FastifyReply, text: string) => sendBytes(reply.code(200), text);\n')).toEqual([]);
    expect(await replyRefusals('src/rumours/routes.ts', 'export const same = (reply: FastifyReply) => reply.code(304).send();\n')).toEqual([]);
    expect(await replyRefusals('src/http/problem.ts', 'export const send = (reply: FastifyReply, body: object) => reply.send(body);\n')).toEqual([]);
  });
});
