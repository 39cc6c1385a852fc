import type { Coding, ConsentProvision, Period } from '@medplum/fhirtypes';
import { parseFhirTime } from './fhir-time.js';
import type { ProvisionActor, ProvisionNode, TimeSpan } from './model.js';
import { PURPOSE_SYSTEMS, RECIPIENT_CLASS_SYSTEM, RESOURCE_TYPES_SYSTEM } from './vocabulary.js';

/** Deeper provision trees are refused rather than walked (ARCHITECTURE §5: bound every recursion). */
export const MAX_PROVISION_DEPTH = 8;

const RELATIVE_REFERENCE = /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/;

/**
 * Parses a FHIR period into a half-open span; pushes a problem for a malformed bound (P2-20).
 */
export function parsePeriod(period: Period | undefined, path: string, problems: string[]): TimeSpan | undefined {
  if (!period) return undefined;
  const start = period.start === undefined ? undefined : parseFhirTime(period.start, 'start');
  const end = period.end === undefined ? undefined : parseFhirTime(period.end, 'end');
  if (period.start !== undefined && start === undefined) problems.push(`${path}.start: not a valid dateTime`);
  if (period.end !== undefined && end === undefined) problems.push(`${path}.end: not a valid dateTime`);
  return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}

function parseActor(actor: NonNullable<ConsentProvision['actor']>[number], path: string, problems: string[]): ProvisionActor | undefined {
  const role = actor.role?.coding?.find((c) => typeof c.code === 'string')?.code;
  if (!role) problems.push(`${path}.role: no role code`);
  const ref = actor.reference;
  const classCode = ref?.identifier?.system === RECIPIENT_CLASS_SYSTEM ? ref.identifier.value : undefined;
  let reference: string | undefined;
  if (ref?.reference !== undefined && RELATIVE_REFERENCE.test(ref.reference)) reference = ref.reference;
  else if (ref?.reference === undefined && classCode) reference = `class:${classCode}`;
  if (!reference) problems.push(`${path}.reference: neither a relative reference nor a recipient class`);
  return role && reference ? { role, reference } : undefined;
}

function parseCodings(codings: readonly Coding[], path: string, problems: string[]): Coding[] {
  const out: Coding[] = [];
  codings.forEach((c, i) => {
    if (typeof c.system !== 'string' || typeof c.code !== 'string') problems.push(`${path}[${i}]: a coding needs system and code`);
    else out.push({ system: c.system, code: c.code });
  });
  return out;
}

function parsePurposes(codings: readonly Coding[], path: string, problems: string[]): string[] {
  return parseCodings(codings, path, problems).flatMap((c, i) => {
    if (PURPOSE_SYSTEMS.has(c.system ?? '')) return [c.code ?? ''];
    problems.push(`${path}[${i}]: purpose system \`${c.system}\` is not a known purpose-of-use system`);
    return [];
  });
}

function parseClasses(codings: readonly Coding[], path: string, problems: string[]): string[] {
  return parseCodings(codings, path, problems).map((c) => (c.system === RESOURCE_TYPES_SYSTEM ? (c.code ?? '') : `${c.system}|${c.code}`));
}

function parseData(data: ConsentProvision['data'], path: string, problems: string[]): string[] {
  const refs: string[] = [];
  (data ?? []).forEach((d, i) => {
    const reference = d.reference?.reference;
    // Only `instance` can be checked against one resource's facts; the others need graph walks.
    if (d.meaning !== 'instance') problems.push(`${path}[${i}].meaning: only \`instance\` can be evaluated`);
    else if (reference === undefined || !RELATIVE_REFERENCE.test(reference)) problems.push(`${path}[${i}].reference: not a relative reference`);
    else refs.push(reference);
  });
  return refs;
}

/**
 * Parses a provision tree (P2-06). Every element the engine cannot evaluate becomes a problem
 * (P2-20) instead of being ignored; `provision.action` is not evaluated (the gateway only
 * discloses, so a disclosure is always the action in question).
 */
export function parseProvision(p: ConsentProvision, path: string, problems: string[], depth = 0): ProvisionNode {
  if (depth >= MAX_PROVISION_DEPTH) problems.push(`${path}: provisions nested deeper than ${MAX_PROVISION_DEPTH}`);
  if (p.type !== 'permit' && p.type !== 'deny') problems.push(`${path}.type: must be permit or deny`);
  if (p.dataPeriod) problems.push(`${path}.dataPeriod: data periods cannot be evaluated`);
  const actors = (p.actor ?? []).flatMap((a, i) => parseActor(a, `${path}.actor[${i}]`, problems) ?? []);
  const children =
    depth >= MAX_PROVISION_DEPTH ? [] : (p.provision ?? []).map((c, i) => parseProvision(c, `${path}.provision[${i}]`, problems, depth + 1));
  const period = parsePeriod(p.period, `${path}.period`, problems);
  return {
    path,
    type: p.type === 'permit' ? 'permit' : 'deny',
    ...(period ? { period } : {}),
    actors,
    purposes: parsePurposes(p.purpose ?? [], `${path}.purpose`, problems),
    securityLabels: parseCodings(p.securityLabel ?? [], `${path}.securityLabel`, problems),
    classes: parseClasses(p.class ?? [], `${path}.class`, problems),
    codes: (p.code ?? []).flatMap((cc, i) => parseCodings(cc.coding ?? [], `${path}.code[${i}].coding`, problems)),
    dataRefs: parseData(p.data, `${path}.data`, problems),
    children,
  };
}
