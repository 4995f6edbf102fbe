/**
 * The types the Intelligence list leaves out while no type is chosen, because they read better elsewhere: relationships
 * on the items they link, election-day status reports on the Election day pages (on election day they would fill the
 * list). The dashboard counts what the list shows, and these apart, so that its numbers and the list's agree.
 */
export const LISTED_ELSEWHERE: readonly string[] = ['relationship', 'x-rampart-status-report'];
