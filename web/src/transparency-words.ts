/** One line in plain words for a transparency log entry, from its kind and public content. */
export function transparencyLine(kind: string, content: Readonly<Record<string, unknown>>): string {
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const nameOf = (v: unknown): string => {
    const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
    return str(o['name']) ?? str(o['org_ref']) ?? 'An organization';
  };
  const title = str(content['title']) ?? 'Untitled';
  switch (kind) {
    case 'correction-published':
      return `${nameOf(content['publisher'])} published a correction: “${title}”`;
    case 'correction-updated':
      return `${nameOf(content['publisher'])} updated a correction: “${title}”`;
    case 'correction-withdrawn':
      return `${nameOf(content['publisher'])} withdrew a correction: “${title}”${str(content['withdrawn_reason']) === null ? '' : ` (${String(content['withdrawn_reason'])})`}`;
    case 'statement-published': {
      const signers = Array.isArray(content['signers']) ? content['signers'].map(nameOf) : [];
      return `Joint statement published: “${title}”${signers.length === 0 ? '' : `, signed by ${signers.join(', ')}`}`;
    }
    case 'notice-published':
      return `${nameOf(content['publisher'])} shared with the public: ${str(content['name']) ?? str(content['type']) ?? 'an item'}`;
    case 'notice-revoked':
      return `${nameOf(content['publisher'])} revoked what it had shared with the public: ${str(content['name']) ?? str(content['type']) ?? 'an item'}`;
    case 'notice-unpublished':
      return `${nameOf(content['publisher'])} no longer shares with the public: ${str(content['name']) ?? str(content['type']) ?? 'an item'}`;
    case 'platform-share':
      return `${nameOf(content['official'])} told ${nameOf(content['platform'])} about ${str(content['url']) ?? 'a post'}: ${str(content['reason']) ?? ''}`;
    case 'platform-response':
      return `Platform response (${str(content['outcome']) ?? 'other'}), recorded by ${nameOf(content['recorded_by'])}: ${str(content['response']) ?? ''}`;
    default:
      return kind;
  }
}
