import { Type, type Static } from '@sinclair/typebox';
import { WatchCriteriaSchema } from '../notifications/schemas.ts';
import { ListObjectsQuery } from '../objects/schemas.ts';

/** A saved search's filters: the Intelligence list's query (GET /api/v1/objects) without its page. */
export const SavedQuery = Type.Omit(ListObjectsQuery, ['limit', 'cursor', 'added_after'], { additionalProperties: false, description: 'The query of GET /api/v1/objects, without limit, cursor and added_after' });
export type SavedQuery = Static<typeof SavedQuery>;

export const SavedSearchBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120, pattern: '\\S', description: 'What to call it (unique among your saved searches)' }),
    query: SavedQuery,
  },
  { additionalProperties: false },
);
export type SavedSearchBody = Static<typeof SavedSearchBody>;

export const SavedSearchSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: SavedQuery,
  created: Type.String({ description: 'When it was saved' }),
  watch_rule: Type.Object(
    {
      criteria: WatchCriteriaSchema,
      not_carried: Type.Array(Type.String(), { description: 'What of the search a watch rule cannot hold, in plain words' }),
    },
    { description: 'The watch rule this search becomes: POST its criteria to /api/v1/me/watch-rules with a name' },
  ),
});
export type SavedSearchView = Static<typeof SavedSearchSchema>;

export const SavedSearchList = Type.Object({ items: Type.Array(SavedSearchSchema) });

export const SavedSearchId = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$', description: 'The saved search id' }) });
export type SavedSearchId = Static<typeof SavedSearchId>;
