import { Type, type Static } from '@sinclair/typebox';

const Iso = (description: string) => Type.String({ description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** One signer of a statement as its drafter and co-signers see it. */
export const StatementSignerSchema = Type.Object({
  org_id: Type.String(),
  name: Nullable(Type.String()),
  approved: Type.Boolean({ description: 'whether this organization approved the current text (its content_hash)' }),
  approved_at: Nullable(Iso('when it approved the current text')),
  earlier_approval_at: Nullable(Iso('when it approved an earlier text, an approval an edit has since cleared; null when it never did or approved the current text')),
});

/** A statement as its drafter and co-signers see it (GET /api/v1/statements/{id}). */
export const StatementViewSchema = Type.Object({
  id: Type.String(),
  author: Type.Object({ id: Type.String(), name: Nullable(Type.String()) }),
  title: Type.String(),
  text: Type.String(),
  tlp: Type.Union([Type.Literal('clear'), Type.Literal('green'), Type.Literal('amber'), Type.Literal('amber+strict')]),
  content_hash: Type.String({ description: 'what a co-signer approves: SHA-256 (base64url) of the RFC 8785 form of {title, text, signers}' }),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
  stix_id: Nullable(Type.String({ description: 'the published STIX report' })),
  published: Nullable(Iso('when it was published')),
  signers: Type.Array(StatementSignerSchema),
  updated: Iso('the last change of its words or signers, or its publication'),
});
export type StatementView = Static<typeof StatementViewSchema>;

export const StatementListSchema = Type.Object({ items: Type.Array(StatementViewSchema) });

export const PublishedSchema = Type.Object({
  statement: StatementViewSchema,
  object: Type.Unknown({ description: 'the signed STIX report' }),
  sharing: Type.Unknown({ description: 'its owner, TLP and audience' }),
});
