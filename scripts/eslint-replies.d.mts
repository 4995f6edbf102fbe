/** Types of scripts/eslint-replies.mjs for the TypeScript that imports it (test/lint-layers.test.ts). */
import type { Rule } from 'eslint';

export const checkedRepliesRule: Rule.RuleModule;
