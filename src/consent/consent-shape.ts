import type { Consent, ConsentProvision, Extension } from '@medplum/fhirtypes';
import { CONSENT_KINDS, type ConsentKind } from './model.js';
import { CONSENT_KIND_SYSTEM } from './vocabulary.js';
import { MAX_PROVISION_DEPTH } from './parse-provision.js';

/** Small readers of a raw FHIR Consent shared by intake checks and the parser. */

/** The consent kinds named in Consent.category (P2-02; exactly one is expected). */
export function consentKinds(consent: Consent): string[] {
  return (consent.category ?? []).flatMap((cc) => cc.coding ?? []).filter((c) => c.system === CONSENT_KIND_SYSTEM).map((c) => c.code ?? '');
}

/** The single known consent kind, or undefined when absent, repeated or unknown. */
export function consentKind(consent: Consent): ConsentKind | undefined {
  const kinds = consentKinds(consent);
  const [kind] = kinds;
  return kinds.length === 1 && (CONSENT_KINDS as readonly string[]).includes(kind ?? '') ? (kind as ConsentKind) : undefined;
}

/** Extensions of `consent` with this URL. */
export function extensionsOf(consent: Consent, url: string): Extension[] {
  return (consent.extension ?? []).filter((e) => e.url === url);
}

/** A sub-extension of a complex extension. */
export function subExtension(ext: Extension, url: string): Extension | undefined {
  return (ext.extension ?? []).find((e) => e.url === url);
}

/** Every provision in the tree (root first), breadth-first and depth-bounded. */
export function allProvisions(root: ConsentProvision | undefined): ConsentProvision[] {
  if (!root) return [];
  const out: ConsentProvision[] = [];
  let level: ConsentProvision[] = [root];
  for (let depth = 0; level.length && depth <= MAX_PROVISION_DEPTH; depth++) {
    out.push(...level);
    level = level.flatMap((p) => p.provision ?? []);
  }
  return out;
}

/** Purpose codes used anywhere in the provision tree. */
export function allPurposeCodes(root: ConsentProvision | undefined): string[] {
  return allProvisions(root).flatMap((p) => (p.purpose ?? []).map((c) => c.code ?? ''));
}
