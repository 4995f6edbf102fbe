// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layers from './scripts/eslint-layers.mjs';

const BRANDED_IDS = {
  selector: ':matches(TSAsExpression, TSTypeAssertion) TSTypeReference[typeName.name=/^(StixId|OrgId|UserId|GroupId|CollectionId)$/]',
  message: 'Branded ids come from a parser (parseStixId, parseOrgId… in src/domain/ids.ts, a branded route schema in src/domain/schemas.ts) or a store row, not from `as`; parse the value instead.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'web/dist/', 'coverage/', 'bin/', 'eslint.config.js', 'web/src/api-types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  // DESIGN.md's layers: domain ← stix ← store ← features ← http/cli/web; hub/ composes; src/ never imports test/ or bench/ (scripts/eslint-layers.mjs).
  { files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}'], plugins: { rampart: layers }, rules: { 'rampart/layers': 'error' } },
  // Branded ids are made by parsers (src/domain/ids.ts, the STIX validator, the branded route schemas of src/domain/schemas.ts) and by the store's row types, never asserted elsewhere.
  {
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    ignores: ['src/domain/ids.ts', 'src/stix/validate.ts', 'src/store/**', '**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', BRANDED_IDS] },
  },
  // One API contract (issue 9): the web client takes every route's request and answer types from the OpenAPI document
  // (call(), useRoute(), useRouteReload() of web/src/api.ts and use-api.ts), never from types of its own: api() is
  // their untyped transport, called nowhere else.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    ignores: ['web/src/api.ts', 'web/src/use-api.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        BRANDED_IDS,
        {
          selector: "CallExpression[callee.name='api']",
          message: "Call the API through call(method, '/api/v1/…template', { params, query, body }) (web/src/api.ts), or useRoute/useRouteReload for a GET: the OpenAPI document then types the body and the answer.",
        },
      ],
    },
  },
  // One API contract (issue 9): a feature's reply helper sends through a reply its route's response schema types
  // (`FastifyReply & Sends<V>`, src/http/send-result.ts) or sends bytes with sendBytes, never a value through a plain
  // FastifyReply (scripts/eslint-replies.mjs). src/http/ holds the adapters themselves (problem+json, the TAXII error
  // resource, sendBytes, the public pages' cache, the web UI).
  { files: ['src/**/*.ts'], ignores: ['src/http/**', '**/*.test.ts'], rules: { 'rampart/checked-replies': 'error' } },
  // Plain Node scripts (scripts/*.mjs, bench/**/*.mjs) sit outside the TypeScript projects: lint them without type information.
  { files: ['scripts/**/*.mjs', 'bench/**/*.mjs'], ...tseslint.configs.disableTypeChecked, languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node } },
);
