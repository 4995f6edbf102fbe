/** Types of scripts/build.mjs for the TypeScript that imports it (the vitest global setup). */
export function isStale(): boolean;
export function build(): Promise<void>;
export function ensureBuilt(options?: { readonly force?: boolean; readonly log?: (message: string) => void }): Promise<boolean>;
