import { useState } from 'react';
import { parseTlp } from '../../../src/domain/tlp.ts';
import { call, query, type ApiProblem, type ApiResponse, type ApiResult } from '../api.ts';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { alertTitle } from '../alert-words.ts';
import { formatWhen } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { notificationsChanged } from '../use-unread.ts';
import { useRouteReload } from './settings/reload.ts';

/** One alert of the notification centre. */
export type NotificationItem = ApiResponse<'/api/v1/notifications'>['items'][number];

/** The notification centre: what Rampart told me of, newest first; open an item, mark read, acknowledge urgent ones. */
export function Notifications() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [list, reload] = useRouteReload('/api/v1/notifications', { query: query({ limit: 100, unread: unreadOnly ? 'true' : null }) });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const act = async (send: () => Promise<ApiResult<unknown>>) => {
    setProblem(null);
    const res = await send();
    if (!res.ok) setProblem(res.error);
    notificationsChanged();
    reload();
    return res.ok;
  };
  const open = async (n: NotificationItem) => {
    if (!n.read) await act(() => call('post', '/api/v1/notifications/read', { body: { ids: [n.id] } }));
    if (n.support_id !== null) navigate(`/support/${encodeURIComponent(n.support_id)}`);
    else if (n.object_id !== null) navigate(`/intel/${encodeURIComponent(n.object_id)}`);
  };
  const now = new Date();
  return (
    <div className="notifications">
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <p className="muted">What was shared with you that you watch for. {list.state === 'ready' ? `${list.value.unread} unread.` : null}</p>
        </div>
        <div className="actions compact">
          <Link to="/settings/alerts" className="button">
            Alert settings
          </Link>
          <button type="button" onClick={() => void act(() => call('post', '/api/v1/notifications/read', { body: {} }))} disabled={list.state !== 'ready' || list.value.unread === 0}>
            Mark all read
          </button>
        </div>
      </div>
      <div className="card">
        <label className="choice">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Only unread
        </label>
        {problem === null ? null : <ProblemBox problem={problem} />}
        {list.state === 'loading' ? <Loading what="alerts" /> : null}
        {list.state === 'error' ? <ProblemBox problem={list.problem} /> : null}
        {list.state === 'ready' && list.value.items.length === 0 ? (
          <p className="muted">{unreadOnly ? 'Nothing unread.' : 'No alerts yet. You will find here what is shared with you and meets your alert settings.'}</p>
        ) : null}
        {list.state === 'ready' ? (
          <ul className="notification-list">
            {list.value.items.map((n) => {
              const tlp = n.tlp === null ? undefined : parseTlp(n.tlp);
              return (
                <li key={n.id} className={`notification${n.read ? '' : ' unread'}${n.urgent ? ' urgent' : ''}`}>
                  <div className="notification-head">
                    {n.urgent ? <span className="urgent-tag">Urgent</span> : null}
                    {tlp === undefined ? null : <TlpBadge tlp={tlp} />}
                    {n.notice === null ? (
                      <button type="button" className="link-button notification-title" onClick={() => void open(n)}>
                        {alertTitle(n.type, n.name)}
                      </button>
                    ) : (
                      <span className="notification-title">{n.notice}</span>
                    )}
                  </div>
                  <div className="muted small">
                    {formatWhen(n.created_at, now)} · Because: {n.reasons.join('; ')}
                    {n.acknowledged ? ' · Acknowledged' : ''}
                  </div>
                  <div className="notification-actions">
                    {n.read ? null : (
                      <button type="button" onClick={() => void act(() => call('post', '/api/v1/notifications/read', { body: { ids: [n.id] } }))}>
                        Mark read
                      </button>
                    )}
                    {n.urgent && !n.acknowledged ? (
                      <button type="button" className="primary" onClick={() => void act(() => call('post', '/api/v1/notifications/{id}/acknowledge', { params: { id: n.id } }))}>
                        Acknowledge
                      </button>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
