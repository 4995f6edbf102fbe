import type { ReactNode } from 'react';
import { assertNever } from '../../../src/domain/assert-never.ts';
import type { Loadable } from '../use-api.ts';
import { Loading, ProblemBox } from './Status.tsx';
import { ScrollArea } from './ScrollArea.tsx';

export interface Column<Row> {
  readonly header: string;
  readonly cell: (row: Row) => ReactNode;
  /** The class of this column's cells, e.g. "mono small". */
  readonly className?: string;
}

interface TableProps<Row> {
  /** Classes after "intel-table", e.g. "wide-first keys-table" (the e2e tests select on the last one). */
  readonly className: string;
  readonly columns: readonly Column<Row>[];
  readonly rowKey: (row: Row) => string | number;
  /** What to say when there are no rows: in place of the table, or (`inTable`) as its only row; without it an empty table shows. */
  readonly empty?: { readonly text: string; readonly inTable?: boolean };
  /** What the table holds, for the scrollable region screen readers and keyboards reach (e.g. "API keys"). */
  readonly label?: string;
}

/** A scrollable table of rows, one column after another. */
export function DataTable<Row>(props: TableProps<Row> & { readonly rows: readonly Row[] }) {
  const { columns, rows, empty } = props;
  if (rows.length === 0 && empty !== undefined && empty.inTable !== true) return <p className="muted">{empty.text}</p>;
  return (
    <ScrollArea label={props.label ?? 'Table'}>
      <table className={`intel-table ${props.className}`}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && empty?.inTable === true ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty.text}
              </td>
            </tr>
          ) : null}
          {rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} className={c.className}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}

/** A DataTable of rows still being fetched: "Loading {what}…", the problem, or the table. */
export function LoadedTable<Row>(props: TableProps<Row> & { readonly rows: Loadable<readonly Row[]>; readonly what: string }) {
  const { rows, what, ...table } = props;
  switch (rows.state) {
    case 'loading':
      return <Loading what={what} />;
    case 'error':
      return <ProblemBox problem={rows.problem} />;
    case 'ready':
      return <DataTable {...table} rows={rows.value} />;
    default:
      return assertNever(rows);
  }
}
