import type { Coding } from '@medplum/fhirtypes';
import { isWithin } from './fhir-time.js';
import type { AccessRequest, ProvisionActor, ProvisionNode, ResourceFacts, RuleId, TraceStep } from './model.js';
import { CLASS_TREATING_PROVIDERS, ROLE_RECIPIENT } from './vocabulary.js';

/** What a provision is evaluated against. */
export interface MatchContext {
  readonly request: AccessRequest;
  readonly resource: ResourceFacts;
  /** `Organization/<requester org>` plus memberOf, precomputed once per request. */
  readonly requesterRefs: ReadonlySet<string>;
  readonly now: number;
}

/** The first constraint of a provision that did not hold. */
export type Mismatch = 'period' | 'recipient' | 'purpose' | 'information';

export const MISMATCH_RULE: Readonly<Record<Mismatch, RuleId>> = { period: 'P2-03', recipient: 'P2-04', purpose: 'P2-04', information: 'P2-05' };

/** A trace note for a mismatch: ids and codes only, never resource content. */
export function mismatchNote(m: Mismatch, ctx: MatchContext, path: string): string {
  switch (m) {
    case 'period':
      return `${path}.period does not cover the time of the request`;
    case 'recipient':
      return `Organization/${ctx.request.requester.organizationId} is not a recipient (IRCP) of ${path}`;
    case 'purpose':
      return `purpose ${ctx.request.purposeOfUse} is not among ${path}.purpose`;
    case 'information':
      return `the ${ctx.resource.type} is not among the information ${path} describes`;
    default: {
      const never: never = m;
      return never;
    }
  }
}

/**
 * P2-04: a recipient actor matches by reference (the requester's organization or anything it
 * acts as), or by class: `treating-providers` is read as a HIPAA covered entity in the treatment
 * or EHR sector (P2-08) — a housing agency or probation office never is.
 */
export function isRecipient(actor: ProvisionActor, ctx: MatchContext): boolean {
  if (actor.reference === `class:${CLASS_TREATING_PROVIDERS}`) {
    const { isCoveredEntity, sector } = ctx.request.requester;
    return isCoveredEntity && (sector === 'treatment' || sector === 'ehr');
  }
  return ctx.requesterRefs.has(actor.reference);
}

const sameCoding = (a: Coding, b: Coding): boolean => a.system === b.system && a.code === b.code;

/** P2-05: the resource is among the information the provision describes (each listed dimension must hold). */
function describes(node: ProvisionNode, r: ResourceFacts): boolean {
  if (node.classes.length && !node.classes.some((c) => c === r.type || r.codes.some((k) => `${k.system}|${k.code}` === c))) return false;
  if (node.codes.length && !node.codes.some((c) => r.codes.some((k) => sameCoding(c, k)))) return false;
  if (node.securityLabels.length && !node.securityLabels.some((l) => r.security.some((s) => sameCoding(l, s)))) return false;
  if (node.dataRefs.length && !node.dataRefs.includes(`${r.type}/${r.id}`)) return false;
  return true;
}

/** Period, recipient and purpose constraints of one node (the "gate"); undefined when they hold. */
export function gateMismatch(node: ProvisionNode, ctx: MatchContext): Mismatch | undefined {
  if (!isWithin(node.period, ctx.now)) return 'period';
  const recipients = node.actors.filter((a) => a.role === ROLE_RECIPIENT);
  if (recipients.length && !recipients.some((a) => isRecipient(a, ctx))) return 'recipient';
  if (node.purposes.length && !node.purposes.includes(ctx.request.purposeOfUse)) return 'purpose';
  return undefined;
}

/** Every constraint of one node; undefined when the node applies. */
export function mismatch(node: ProvisionNode, ctx: MatchContext): Mismatch | undefined {
  return gateMismatch(node, ctx) ?? (describes(node, ctx.resource) ? undefined : 'information');
}

/** The outcome of a provision tree for one request and resource. */
export type TreeResult =
  | { readonly applies: false; readonly mismatch: Mismatch }
  | { readonly applies: true; readonly type: 'permit' | 'deny'; readonly path: string };

/**
 * P2-06: evaluates nested provisions. A node that applies decides unless an applicable child
 * overrides it (children are exceptions to their parent); among applicable children a deny wins.
 * Children of a node that does not apply are not looked at. Depth is bounded by the parser.
 */
export function evaluateTree(root: ProvisionNode, ctx: MatchContext, consentId: string, trace: TraceStep[]): TreeResult {
  const miss = mismatch(root, ctx);
  if (miss) return { applies: false, mismatch: miss };
  return decideNode(root, ctx, consentId, trace);
}

function decideNode(node: ProvisionNode, ctx: MatchContext, consentId: string, trace: TraceStep[]): TreeResult & { applies: true } {
  let chosen: (TreeResult & { applies: true }) | undefined;
  for (const child of node.children) {
    if (mismatch(child, ctx)) continue;
    const result = decideNode(child, ctx, consentId, trace);
    if (!chosen || (result.type === 'deny' && chosen.type === 'permit')) chosen = result;
  }
  if (chosen) {
    if (chosen.type !== node.type) {
      trace.push({ rule: 'P2-06', consent: consentId, provision: chosen.path, outcome: chosen.type, note: `nested ${chosen.type} at ${chosen.path} overrides ${node.type} at ${node.path}` });
    }
    return chosen;
  }
  return { applies: true, type: node.type, path: node.path };
}
