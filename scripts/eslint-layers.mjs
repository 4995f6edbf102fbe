// The layer rule of DESIGN.md ("Shape of the code"), as an ESLint rule: imports point one way,
// domain ← stix ← store ← features ← http/cli/web, and hub/ is the one composition root. A feature's route files
// (routes.ts, *-routes.ts, plugin.ts) are HTTP adapters kept beside their service and may import src/http; the rest of
// the feature may not (README.md, "Development", says why DESIGN.md's "features never import them" reads so). The same
// line holds for the HTTP framework itself: only src/http, a feature's route files, src/hub (which builds the app) and
// src/cli import fastify, its plugins (@fastify/*, fastify-*) or its types.
import path from 'node:path';
import { checkedRepliesRule } from './eslint-replies.mjs';

/** Where the repository starts: this file sits in scripts/. */
const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The core's folders by level; every other folder of src/ is a feature (level 3).
 */
const LEVEL = new Map([
  ['domain', 0],
  ['stix', 1],
  ['store', 2],
]);

/**
 * What a file is, for the rule: its area (src, web, test, bench, other), its folder under src/ and
 * whether it is a test or a feature's route adapter (routes.ts, *-routes.ts, plugin.ts).
 */
export function placeOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep);
  const base = rel[rel.length - 1] ?? '';
  const test = /\.test\.tsx?$/.test(base);
  if (rel[0] === 'src' && rel.length > 2) {
    return { area: 'src', folder: rel[1], test, adapter: base === 'routes.ts' || base.endsWith('-routes.ts') || base === 'plugin.ts' };
  }
  return { area: rel[0] === 'src' ? 'src-root' : rel[0] ?? '', folder: null, test, adapter: false };
}

/** Whether an import names the HTTP framework or one of its plugins: fastify, fastify/…, @fastify/…, fastify-…. */
export function isHttpFramework(source) {
  return /^(fastify(\/.*)?|@fastify\/.+|fastify-.+)$/.test(source);
}

/** What `from` may import of the HTTP framework package `source`, or why not. */
export function frameworkRefusal(from, source) {
  if (from.test) return null;
  if (from.area === 'web') return `the web client runs in the browser; it never imports ${source}`;
  if (from.area !== 'src') return null;
  if (from.folder === 'http' || from.folder === 'hub' || from.folder === 'cli' || from.adapter) return null;
  if (LEVEL.has(from.folder)) return `src/${from.folder} is core and never mentions HTTP: keep ${source} in src/http or a feature's route files`;
  return `only adapters import ${source}: src/http, or a feature's routes.ts, *-routes.ts or plugin.ts; move the HTTP part there and pass plain values to this file`;
}

/** What `from` may import of `to` (both places), or why not. */
export function refusal(from, to) {
  if (from.test || (from.area !== 'src' && from.area !== 'web')) return null;
  if (from.area === 'web') {
    if (to.area === 'web') return null;
    if (to.area === 'src' && (LEVEL.get(to.folder) ?? 3) <= 1) return null;
    return 'the web client imports only its own files and the pure src/domain and src/stix; it reaches the server through the API';
  }
  if (to.area === 'test' || to.area === 'bench') return 'production code never imports test or benchmark helpers';
  if (to.area !== 'src') return null;
  const a = from.folder;
  const b = to.folder;
  if (a === b) return null;
  const level = (f) => LEVEL.get(f) ?? 3;
  if (LEVEL.has(a)) return level(b) < level(a) || level(a) + level(b) === 0 ? null : `src/${a} sits below src/${b}: dependencies point domain ← stix ← store ← features ← http/cli, so move what both need down`;
  if (a === 'cli') return null;
  if (b === 'cli') return 'only the CLI itself imports src/cli; put what others need in the core or a feature';
  if (a === 'hub') return null;
  if (b === 'hub') return 'src/hub is the composition root: nothing but the adapters (cli) imports it';
  if (a === 'http') return null;
  if (b === 'http') return from.adapter ? null : 'only adapters import src/http: a feature\'s routes.ts, *-routes.ts or plugin.ts; core types (principal, clock, ports) live in src/domain or the feature that owns them';
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layers of DESIGN.md: domain ← stix ← store ← features ← http/cli/web; hub composes' },
    schema: [],
    messages: { refused: '{{target}}: {{why}}' },
  },
  create(context) {
    const filename = context.filename;
    const from = placeOf(filename);
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      if (isHttpFramework(source)) {
        const why = frameworkRefusal(from, source);
        if (why !== null) context.report({ node, messageId: 'refused', data: { target: source, why } });
        return;
      }
      if (!source.startsWith('.')) return;
      const target = path.resolve(path.dirname(filename), source);
      const why = refusal(from, placeOf(target));
      if (why !== null) context.report({ node, messageId: 'refused', data: { target: source, why } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      // `import('fastify').FastifyReply` in a type position names the package as much as an import declaration does.
      TSImportType: (node) => check(node.source, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule, 'checked-replies': checkedRepliesRule } };
