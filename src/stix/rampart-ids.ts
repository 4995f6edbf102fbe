/**
 * The Rampart extension's fixed ids, apart from its schemas (rampart-extension.ts) so that code needing only an id
 * (the CLI's defaults, the store) does not load the schema library.
 */

/** The Rampart project's own identity: creator of the extension definition. */
export const RAMPART_IDENTITY_ID = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33';
/** Stable id of the Rampart election extension (DESIGN.md: one extension-definition, never ad-hoc x_ fields). */
export const RAMPART_EXTENSION_ID = 'extension-definition--a3140afa-b094-40e5-a306-ffac0edbd842';
export const STATUS_REPORT_TYPE = 'x-rampart-status-report';
export const ELECTION_TYPE = 'x-rampart-election';
