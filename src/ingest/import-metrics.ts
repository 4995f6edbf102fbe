/** Counts import outcomes (on /metrics); every importer (REST, TAXII POST) hands it each ImportSummary. */
export interface ImportMetrics {
  record(source: string, summary: { readonly added: number; readonly newVersions: number; readonly unchanged: number; readonly rejected: number }): void;
}
