import SqliteDatabase from 'better-sqlite3';

/**
 * The store's change mark of a STIX type (StixStore.changeMark) read straight from a SQLite file, without opening the
 * store (Kysely, migrations): what `rampart match` checks its persisted index against before deciding whether it
 * needs the store at all. Null when the file cannot be read this way (missing, not yet migrated, locked): the caller
 * then opens the store as usual. Must give exactly what changeMark gives.
 */
export function sqliteChangeMark(file: string, type: string): string | null {
  let handle: SqliteDatabase.Database | null = null;
  try {
    handle = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    handle.pragma('busy_timeout = 10000');
    const row = handle
      .prepare<[string, string], { n: number | bigint | null; m: number | bigint | null }>(
        'select (select n from stix_change where type = ?) as n, (select max(added_us) from stix_version where type = ?) as m',
      )
      .get(type, type);
    return `${String(row?.n ?? 0)}:${String(row?.m ?? 0)}`;
  } catch {
    return null;
  } finally {
    handle?.close();
  }
}
