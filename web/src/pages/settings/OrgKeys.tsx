import { useState } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../../api.ts';
import { LoadedTable } from '../../components/DataTable.tsx';
import { ProblemBox } from '../../components/Status.tsx';
import { keyColumns } from './key-columns.tsx';
import { useRouteReload } from './reload.ts';

type OrgKeyRow = ApiResponse<'/api/v1/org/keys'>[number];

/** Every API key of my organization's people (never their secrets), for an org-admin to revoke a leaked one. */
export function OrgKeys(props: { readonly version: number }) {
  const [keys, reload] = useRouteReload('/api/v1/org/keys', { version: props.version });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const revoke = async (k: OrgKeyRow) => {
    if (!window.confirm(`Revoke ${k.email}'s key "${k.name}"? It stops working at once.`)) return;
    const res = await call('delete', '/api/v1/org/keys/{id}', { params: { id: k.id } });
    if (!res.ok) setProblem(res.error);
    reload();
  };
  const now = new Date();
  return (
    <section className="card" id="org-keys">
      <h2>API keys of my organization</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <LoadedTable
        what="keys"
        rows={keys}
        className="wide-first org-keys-table"
        rowKey={(k) => k.id}
        empty={{ text: 'Nobody in your organization has an API key.' }}
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Person', cell: (k) => k.email, className: 'small' },
          ...keyColumns<OrgKeyRow>(now, (k) => void revoke(k), (k) => `Revoke ${k.email}'s key ${k.name}`),
        ]}
      />
    </section>
  );
}
