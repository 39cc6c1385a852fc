import { forbidden } from '../outcomes/index.js';
import { isGatewayResourceType } from '../fhir/resource-types.js';
import type { GrantedScope, Interaction, Requester } from './requester.js';

// SMART v2 fixes the order of interaction letters (`cruds`), so `system/*.sr` is not a scope.
const INTERACTION_ORDER: readonly Interaction[] = ['c', 'r', 'u', 'd', 's'];

const INTERACTION_NAMES: Record<Interaction, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };

// SMART v1 permissions map onto v2 letters (SMART App Launch 2.0 §"Scopes for requesting clinical data").
const V1_PERMISSIONS: Record<string, readonly Interaction[]> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

/** Outcome of parsing a scope string: the scopes understood and the ones refused (with why). */
export interface ParsedScopes {
  readonly scopes: GrantedScope[];
  readonly invalid: { readonly scope: string; readonly reason: string }[];
}

/**
 * Parses one SMART system scope (`system/Patient.rs`, `system/*.cruds`, v1 `system/*.read`).
 * Returns a reason string when the scope is refused. Scopes with a query
 * (`system/Observation.rs?category=…`) are REFUSED, not ignored: the gateway cannot enforce
 * the narrowing, and ignoring it would grant more than the client asked for.
 */
export function parseScope(scope: string): GrantedScope | string {
  if (scope.includes('?')) return 'scope queries (`?…`) are not supported';
  const match = /^system\/([A-Za-z]+|\*)\.([A-Za-z*]+)$/.exec(scope);
  if (!match) return 'only SMART system scopes (`system/<Type>.<cruds>`) are supported';
  const [, resourceType = '', permission = ''] = match;
  if (resourceType !== '*' && !isGatewayResourceType(resourceType)) return `resource type \`${resourceType}\` is not served`;
  const v1 = V1_PERMISSIONS[permission];
  if (v1) return { resourceType, interactions: new Set(v1) };
  const interactions = parseV2Permission(permission);
  if (!interactions) return `\`${permission}\` is not a SMART v2 permission (letters from \`cruds\`, in that order)`;
  return { resourceType, interactions };
}

function parseV2Permission(permission: string): Set<Interaction> | undefined {
  let position = 0;
  const found = new Set<Interaction>();
  for (const letter of permission) {
    const index = INTERACTION_ORDER.indexOf(letter as Interaction, position);
    if (index < 0) return undefined;
    found.add(letter as Interaction);
    position = index + 1;
  }
  return found.size > 0 ? found : undefined;
}

/**
 * Parses a space-separated scope list. Never throws: refused scopes are returned in `invalid`
 * so the token endpoint can answer `invalid_scope` naming them.
 */
export function parseScopes(text: string): ParsedScopes {
  const scopes: GrantedScope[] = [];
  const invalid: { scope: string; reason: string }[] = [];
  for (const scope of text.split(/\s+/).filter((part) => part.length > 0)) {
    const parsed = parseScope(scope);
    if (typeof parsed === 'string') invalid.push({ scope, reason: parsed });
    else scopes.push(parsed);
  }
  return { scopes, invalid };
}

/** Writes a scope back in canonical SMART v2 form (`system/Patient.rs`). */
export function formatScope(scope: GrantedScope): string {
  const letters = INTERACTION_ORDER.filter((letter) => scope.interactions.has(letter)).join('');
  return `system/${scope.resourceType}.${letters}`;
}

/** Writes scopes as the space-separated v2 list carried in tokens and token responses. */
export function formatScopes(scopes: readonly GrantedScope[]): string {
  return scopes.map(formatScope).join(' ');
}

/** True when some granted scope allows `interaction` on `resourceType` (a `*` scope covers every type). */
export function canPerform(scopes: readonly GrantedScope[], resourceType: string, interaction: Interaction): boolean {
  return scopes.some(
    (scope) => (scope.resourceType === '*' || scope.resourceType === resourceType) && scope.interactions.has(interaction),
  );
}

/**
 * True when every interaction `requested` names is covered by `registered` — possibly by several
 * scopes together (`system/*.rs` + `system/Patient.c` cover `system/Patient.crs`).
 */
export function isCoveredBy(requested: GrantedScope, registered: readonly GrantedScope[]): boolean {
  if (requested.resourceType === '*') {
    // A wildcard request needs a wildcard registration: type-specific grants never add up to `*`.
    const wildcards = registered.filter((scope) => scope.resourceType === '*');
    return [...requested.interactions].every((letter) => canPerform(wildcards, '*', letter));
  }
  return [...requested.interactions].every((letter) => canPerform(registered, requested.resourceType, letter));
}

/**
 * Throws 403 `AUTH_INSUFFICIENT_SCOPE` unless the requester's token allows `interaction` on
 * `resourceType`. Scopes only bound what a client may attempt; consent still decides disclosure.
 */
export function assertScope(requester: Requester, resourceType: string, interaction: Interaction): void {
  if (canPerform(requester.scopes, resourceType, interaction)) return;
  const granted = formatScopes(requester.scopes) || '(none)';
  throw forbidden(`Scope \`${granted}\` does not permit \`${INTERACTION_NAMES[interaction]}\` on \`${resourceType}\`.`);
}
