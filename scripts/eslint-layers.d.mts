/** Types of scripts/eslint-layers.mjs for the TypeScript that imports it (test/lint-layers.test.ts). */
import type { ESLint, Rule } from 'eslint';

export interface Place {
  readonly area: string;
  readonly folder: string | null;
  readonly test: boolean;
  readonly adapter: boolean;
}
export function placeOf(file: string): Place;
export function refusal(from: Place, to: Place): string | null;
export function isHttpFramework(source: string): boolean;
export function frameworkRefusal(from: Place, source: string): string | null;
export const layersRule: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
