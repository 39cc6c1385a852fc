import type { Sector } from './requester.js';

/** Identifier system that ties a client's Organization to the client (ARCHITECTURE §2). */
export const CLIENT_ID_SYSTEM = 'urn:gateway:client-id';

/**
 * Default registered scopes per sector — the one place to narrow them. For now every sector may
 * read and write every served type: scopes only bound what a client may attempt, and the consent
 * engine (not scopes) decides what Part 2 data a sector actually receives. Sectors get narrower
 * scopes once the coordination workflows settle which types each one writes.
 */
export const SECTOR_DEFAULT_SCOPES: Readonly<Record<Sector, string>> = {
  corrections: 'system/*.cruds',
  treatment: 'system/*.cruds',
  'social-services': 'system/*.cruds',
  ehr: 'system/*.cruds',
  admin: 'system/*.cruds',
  gateway: 'system/*.cruds',
};
