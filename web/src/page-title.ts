/** The browser tab's title for a path, so tabs, history and screen readers say which page is open. */
export function pageTitle(path: string): string {
  const name = pageName(path);
  return name === null ? 'Rampart' : `${name} · Rampart`;
}

function pageName(path: string): string | null {
  if (path === '/' || path === '/dashboard') return 'Dashboard';
  if (path === '/elections') return 'Election day';
  if (/^\/elections\/[^/]+\/status$/.test(path)) return 'Post a status';
  if (path.startsWith('/elections/')) return 'Election';
  if (path === '/intel') return 'Intelligence';
  if (path === '/intel/upload') return 'Upload a bundle';
  if (path.startsWith('/intel/')) return 'Intelligence item';
  if (path === '/report') return 'Report an incident or rumour';
  if (path === '/new') return 'Share something new';
  if (path === '/support') return 'Support';
  if (path.startsWith('/support/')) return 'Support request';
  if (path === '/check-logs') return 'Check my logs';
  if (path === '/import/misp') return 'Import MISP events';
  if (path === '/settings') return 'Settings';
  if (path === '/settings/totp') return 'Authenticator app';
  if (path === '/feeds') return 'Federation feeds';
  if (path === '/notifications') return 'Alerts';
  if (path === '/settings/alerts') return 'Alert settings';
  if (path === '/statements') return 'Joint statements';
  if (path === '/statements/new') return 'Draft a joint statement';
  if (/^\/statements\/[^/]+\/edit$/.test(path)) return 'Change a joint statement';
  if (path.startsWith('/statements/')) return 'Joint statement';
  if (path === '/rumour-control') return 'Rumour control';
  if (path === '/transparency') return 'Transparency log';
  if (path === '/platform-shares') return 'Platform sharing';
  if (path === '/signin') return 'Sign in';
  return 'Page not found';
}
