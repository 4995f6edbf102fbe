import { UploadBundle } from './pages/UploadBundle.tsx';
import { IntelList } from './pages/IntelList.tsx';
import { ObjectDetail } from './pages/ObjectDetail.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { Report } from './pages/Report.tsx';
import { NewItem } from './pages/NewItem.tsx';
import { Support } from './pages/Support.tsx';
import { SupportRequest } from './pages/SupportRequest.tsx';
import { RumourControl } from './pages/RumourControl.tsx';
import { WriteCorrection } from './pages/WriteCorrection.tsx';
import { Transparency } from './pages/Transparency.tsx';
import { PlatformShares } from './pages/PlatformShares.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { CheckLogs } from './pages/CheckLogs.tsx';
import { ImportMisp } from './pages/ImportMisp.tsx';
import { Feeds } from './pages/Feeds.tsx';
import { Elections } from './pages/Elections.tsx';
import { Expectations } from './pages/Expectations.tsx';
import { ElectionDay } from './pages/ElectionDay.tsx';
import { PostStatus } from './pages/PostStatus.tsx';
import { Settings } from './pages/Settings.tsx';
import { Totp } from './pages/Totp.tsx';
import { Notifications } from './pages/Notifications.tsx';
import { AlertSettings } from './pages/AlertSettings.tsx';
import { StatementDetail } from './pages/statements/StatementDetail.tsx';
import { StatementEditor } from './pages/statements/StatementEditor.tsx';
import { StatementList } from './pages/statements/StatementList.tsx';
import { useUnreadCount } from './use-unread.ts';
import { Loading } from './components/Status.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { pageTitle } from './page-title.ts';
import { useSession } from './session.tsx';
import { useEffect, useState, type ReactNode } from 'react';

const PUBLIC_PATHS = new Set(['/rumour-control', '/transparency', '/signin']);

export function App() {
  const { path, params } = useLocation();
  const { me, loading } = useSession();
  const isPublic = PUBLIC_PATHS.has(path);
  const mustSignIn = !isPublic && !loading && me === null;
  useEffect(() => {
    if (mustSignIn) navigate(`/signin?next=${encodeURIComponent(path + (params.size > 0 ? `?${params.toString()}` : ''))}`, { replace: true });
  }, [mustSignIn, path, params]);
  useEffect(() => {
    document.title = pageTitle(path);
  }, [path]);

  if (path === '/signin') return <SignIn next={safeNext(params.get('next'))} passwordChanged={params.get('changed') === 'password'} />;
  if (path === '/rumour-control') return <Shell>{<RumourControl />}</Shell>;
  if (path === '/transparency') return <Shell>{<Transparency />}</Shell>;
  if (loading || me === null) return <Loading what="Rampart" />;
  return <Shell>{page(path, params)}</Shell>;
}

/** Only same-site paths after sign-in, so a crafted link cannot send people elsewhere. */
function safeNext(next: string | null): string {
  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function page(path: string, params: URLSearchParams): ReactNode {
  if (path === '/elections') return <Elections />;
  const election = /^\/elections\/([^/]+)(\/status|\/expectations)?$/.exec(path);
  if (election?.[1] !== undefined) {
    const id = decodeURIComponent(election[1]);
    const state = /^\d{2}$/.test(params.get('state') ?? '') ? params.get('state') : null;
    if (election[2] === '/status') return <PostStatus id={id} />;
    if (election[2] === '/expectations' && state !== null) return <Expectations id={id} state={state} />;
    const timeline = state !== null && /^identity--[0-9a-f-]{36}$/.test(params.get('timeline') ?? '') ? params.get('timeline') : null;
    return <ElectionDay id={id} state={state} timeline={timeline} posted={params.get('posted') === '1'} />;
  }
  if (path === '/' || path === '/dashboard') return <Dashboard />;
  if (path === '/intel') return <IntelList />;
  if (path === '/intel/upload') return <UploadBundle />;
  if (path.startsWith('/intel/')) return <ObjectDetail id={decodeURIComponent(path.slice('/intel/'.length))} />;
  if (path === '/report') return <Report />;
  if (path === '/rumour-control/write') return <WriteCorrection />;
  if (path === '/platform-shares') return <PlatformShares />;
  if (path === '/new') return <NewItem />;
  if (path === '/support') return <Support />;
  if (path.startsWith('/support/')) return <SupportRequest id={decodeURIComponent(path.slice('/support/'.length))} />;
  if (path === '/check-logs') return <CheckLogs />;
  if (path === '/import/misp') return <ImportMisp />;
  if (path === '/settings') return <Settings />;
  if (path === '/settings/totp') return <Totp />;
  if (path === '/feeds') return <Feeds />;
  if (path === '/notifications') return <Notifications />;
  if (path === '/settings/alerts') return <AlertSettings />;
  if (path === '/statements') return <StatementList />;
  if (path === '/statements/new') return <StatementEditor />;
  const statement = /^\/statements\/([^/]+)(\/edit)?$/.exec(path);
  if (statement?.[1] !== undefined) {
    const id = decodeURIComponent(statement[1]);
    return statement[2] === undefined ? <StatementDetail key={id} id={id} /> : <StatementEditor key={id} id={id} />;
  }
  return (
    <div className="card">
      <h1>Page not found</h1>
      <p>
        There is no page at {path}. <Link to="/">Go to the dashboard</Link>.
      </p>
    </div>
  );
}

function Shell(props: { readonly children: ReactNode }) {
  const { me, signOut } = useSession();
  const { path } = useLocation();
  const unread = useUnreadCount(me !== null);
  // On a phone the signed-in menu (ten pages) folds behind one button, so that a page starts on the first screen;
  // following a link folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const signOutNow = () => {
    void signOut().then(() => navigate('/signin'));
  };
  // After a link in the top menu, the new page's content has the focus, as after a page load with the skip link.
  // The phone menu folds first, so that focusing the content does not scroll to where it stood below the open menu.
  const focusMain = () => {
    setMenuOpen(false);
    requestAnimationFrame(() => document.getElementById('main')?.focus({ preventScroll: true }));
  };
  const nav = (to: string, label: string) => (
    <Link to={to} className={path === to || (to !== '/' && path.startsWith(to)) ? 'nav-link active' : 'nav-link'} onFollow={focusMain}>
      {label}
    </Link>
  );
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={me === null ? '/rumour-control' : '/'} className="brand">
          <span className="logo-mark" aria-hidden="true" /> Rampart
        </Link>
        {me === null ? null : (
          <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-menu" onClick={() => setMenuOpen((o) => !o)}>
            {menuOpen ? 'Close menu' : 'Menu'}
          </button>
        )}
        <nav aria-label="Main" id="main-menu" className={me === null ? undefined : menuOpen ? 'folding open' : 'folding'}>
          {me === null ? null : (
            <>
              {nav('/', 'Dashboard')}
              {nav('/elections', 'Election day')}
              {nav('/intel', 'Intelligence')}
              {nav('/report', 'Report')}
              {nav('/check-logs', 'Check my logs')}
              {nav('/support', 'Support')}
              {nav('/platform-shares', 'Platforms')}
              {nav('/statements', 'Statements')}
              {nav('/settings', 'Settings')}
            </>
          )}
          {nav('/rumour-control', 'Rumour control')}
          {/* Signed-in people reach the log from Platforms; the top bar stays one line. */}
          {me === null ? nav('/transparency', 'Transparency log') : null}
          {me === null ? null : (
            // On a phone, signing out is the menu's last line, so that the top bar stays one row.
            <button type="button" className="nav-link menu-sign-out" onClick={signOutNow}>
              Sign out
            </button>
          )}
        </nav>
        <div className="who">
          {me === null ? null : (
            <Link to="/notifications" onFollow={focusMain} className={`alerts-link${path === '/notifications' ? ' active' : ''}`} aria-label={unread === null || unread === 0 ? 'Alerts, none unread' : `Alerts, ${unread} unread`}>
              Alerts
              {unread !== null && unread > 0 ? (
                <span className="unread-badge" aria-hidden="true">
                  {unread > 99 ? '99+' : unread}
                </span>
              ) : null}
            </Link>
          )}
          {me === null ? (
            <Link to="/signin" className="button">
              Sign in
            </Link>
          ) : (
            <>
              <span className="who-name" title={`${me.displayName}, ${me.orgName}`}>
                <span>{me.displayName}</span>
                <span className="muted small">{me.orgName}</span>
              </span>
              <button type="button" className="bar-sign-out" onClick={signOutNow}>
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main className="content" id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
