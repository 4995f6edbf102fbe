import { type OrgId, orgIdOfUuid } from './ids.ts';
import { RAMPART_NAMESPACE, uuidV5 } from './uuid.ts';

/**
 * How federation tells remote organizations from local ones (docs/federation.md, "Who owns a received object").
 *
 * An object received from another hub is owned here by a *remote owner*: an identity derived from the
 * hub it came through (the origin of its TAXII URL: scheme, host and port) and its creator
 * (`created_by_ref`). No local organization ever has such an id: local ids are derived from names that
 * start with the organization's kind (state:, county:, local:, federal:, isac:, private:), remote
 * owners from `federation-owner:`. So a local organization that shares the creator's identity id owns,
 * sees and may change nothing it received, and the same id offered by another hub or with another
 * creator belongs to a different owner: a pull refuses it.
 */
export function remoteOwnerId(hubOrigin: string, creator: OrgId): OrgId {
  return orgIdOfUuid(uuidV5(`federation-owner:${hubOrigin}|${creator}`, RAMPART_NAMESPACE));
}

/** The address a hub is known by in federation: the origin (scheme, host, port) of any of its URLs. */
export function hubOrigin(url: string): string {
  return new URL(url).origin;
}
