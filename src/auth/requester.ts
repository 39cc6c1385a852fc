/** The sectors a registered client can belong to (ARCHITECTURE §2). */
/**
 * `gateway`: another instance of this gateway using this one as its storage (upstream mode). It is
 * registered only through TRUSTED_GATEWAY_* configuration (see trusted-gateway.ts), never by
 * ordinary registration.
 */
export const SECTORS = ['corrections', 'treatment', 'social-services', 'ehr', 'admin', 'gateway'] as const;
export type Sector = (typeof SECTORS)[number];

/** SMART v2 interactions: create, read, update, delete, search. */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';

/** One granted SMART system scope, e.g. `system/Patient.rs` → {resourceType:'Patient', interactions:{r,s}}. */
export interface GrantedScope {
  /** A resource type or `*`. */
  readonly resourceType: string;
  readonly interactions: ReadonlySet<Interaction>;
}

/**
 * Who is calling, established from a verified access token. Every later step (routing,
 * consent, audit) reads it from the context as `c.get('requester')`.
 */
export interface Requester {
  readonly clientId: string;
  /** The client's Organization id (the requester in consent decisions and audit). */
  readonly organizationId: string;
  readonly sector: Sector;
  readonly scopes: readonly GrantedScope[];
  /** v3-ActReason (or local CJ) purpose-of-use code bound into the token. */
  readonly purposeOfUse: string;
  /** Access token id, carried into audit. */
  readonly tokenId: string;
}

declare module 'hono' {
  interface ContextVariableMap {
    requester: Requester;
    requestId: string;
  }
}
