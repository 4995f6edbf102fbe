import type { Column } from '../../components/DataTable.tsx';
import { formatWhen } from '../../format.ts';

interface KeyBase {
  readonly name: string;
  readonly scope: 'read' | 'write';
  readonly last_used_at: string | null;
  readonly revoked_at: string | null;
}

/** The columns every API key list ends with: what the key may do, its last use, and a revoke button (or "revoked"). */
export function keyColumns<K extends KeyBase>(now: Date, revoke: (key: K) => void, revokeLabel: (key: K) => string): Column<K>[] {
  return [
    { header: 'Scope', cell: (k) => (k.scope === 'write' ? 'read and publish' : 'read only') },
    { header: 'Last used', cell: (k) => (k.last_used_at === null ? 'never' : formatWhen(k.last_used_at, now)), className: 'small' },
    {
      header: 'Status',
      cell: (k) =>
        k.revoked_at !== null ? (
          <span className="pill">revoked</span>
        ) : (
          <button type="button" onClick={() => revoke(k)} aria-label={revokeLabel(k)}>
            Revoke
          </button>
        ),
    },
  ];
}
