import { Value } from '@sinclair/typebox/value';
import type { Clock } from '../domain/clock.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { SavedSearchRepository, SavedSearchRow } from '../store/saved-searches.ts';
import { SavedQuery, type SavedSearchBody, type SavedSearchView } from './schemas.ts';
import { watchRuleDraft } from './watch-rule.ts';

export interface SavedSearchDeps {
  readonly repo: SavedSearchRepository;
  readonly clock: Clock;
}

const personOnly = problem('forbidden', 'person-only', 'Saved searches belong to a person: sign in, or use an API key that a person made');

/** A row back as the API shows it; a stored query that no longer parses is a bug (the service wrote it from the schema). */
function view(row: SavedSearchRow): SavedSearchView {
  const query: unknown = JSON.parse(row.query);
  if (!Value.Check(SavedQuery, query)) throw new Error(`saved search ${row.id} holds a query its schema refuses`);
  const draft = watchRuleDraft(query);
  return { id: row.id, name: row.name, query, created: new Date(row.createdAt).toISOString(), watch_rule: { criteria: draft.criteria, not_carried: [...draft.notCarried] } };
}

/** A person's saved searches of the Intelligence list. */
export function savedSearches(deps: SavedSearchDeps) {
  return {
    async list(who: Principal): Promise<Result<{ items: SavedSearchView[] }, Problem>> {
      if (who.userId === null) return err(personOnly);
      return ok({ items: (await deps.repo.list(who.userId)).map(view) });
    },
    async save(who: Principal, body: SavedSearchBody): Promise<Result<SavedSearchView, Problem>> {
      if (who.userId === null) return err(personOnly);
      const name = body.name.trim();
      if (await deps.repo.nameTaken(who.userId, name)) return err(problem('conflict', 'name-taken', `You already have a saved search called "${name}": pick another name, or delete that one first`));
      const row = await deps.repo.add({ userId: who.userId, orgId: who.orgId, name, query: JSON.stringify(body.query), at: deps.clock.now().getTime() });
      return ok(view(row));
    },
    async remove(who: Principal, id: string): Promise<Result<null, Problem>> {
      if (who.userId === null) return err(personOnly);
      return (await deps.repo.remove(who.userId, id)) ? ok(null) : err(problem('not-found', 'not-found', `You have no saved search ${id}`));
    },
  };
}
export type SavedSearchService = ReturnType<typeof savedSearches>;
