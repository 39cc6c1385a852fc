/**
 * Wait-list placement of an accepted referral put `on-hold` (issue 6): `Task.businessStatus` says
 * so in words or a code, and one complex extension carries the position and the expected start.
 * Medplum's validator does not check extension contents without a profile, so they are checked
 * here. Pure.
 */
import type { Extension, OperationOutcomeIssue, Task } from '@medplum/fhirtypes';
import { PROJECT_CANONICAL } from '../conformance/canonical.js';

/** Complex extension on Task: sub-extensions `position` (valueInteger ≥ 1, required) and `expectedStart` (valueDateTime, optional). */
export const WAIT_LIST_EXTENSION = `${PROJECT_CANONICAL}/StructureDefinition/referral-wait-list`;
export const WAIT_LIST_POSITION = 'position';
export const WAIT_LIST_EXPECTED_START = 'expectedStart';
/** Suggested `Task.businessStatus` coding for a wait-listed referral (any text or coding is accepted). */
export const BUSINESS_STATUS_SYSTEM = `${PROJECT_CANONICAL}/CodeSystem/referral-business-status`;
export const WAIT_LISTED = 'wait-listed';

/** FHIR dateTime (R4 §2.24.0.1): a year, month, day, or a full time with a zone. */
const DATE_TIME = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

export interface WaitList {
  readonly position: number;
  readonly expectedStart?: string;
}

/** The Task's wait-list placement, if it carries one (unchecked: call checkWaitList first). */
export function waitListOf(task: Task): WaitList | undefined {
  const ext = waitListExtensions(task)[0];
  if (!ext) return undefined;
  const position = sub(ext, WAIT_LIST_POSITION)[0]?.valueInteger;
  const expectedStart = sub(ext, WAIT_LIST_EXPECTED_START)[0]?.valueDateTime;
  return { position: position ?? 0, ...(expectedStart ? { expectedStart } : {}) };
}

/**
 * Issues (422) with the wait-list placement: only an `on-hold` Task may carry one, at most one,
 * with exactly one positive integer `position`, at most one `expectedStart` dateTime, no other
 * sub-extension, and a `Task.businessStatus` saying it is wait-listed. Empty when it is fine.
 */
export function checkWaitList(task: Task): OperationOutcomeIssue[] {
  const all = waitListExtensions(task);
  if (all.length === 0) return [];
  const at = `Task.extension('${WAIT_LIST_EXTENSION}')`;
  const issues: OperationOutcomeIssue[] = [];
  const fail = (text: string, expression = at) => issues.push({ severity: 'error', code: 'invariant', details: { text }, expression: [expression] });
  if (task.status !== 'on-hold') fail(`Only an \`on-hold\` referral Task is on a wait list; remove the wait-list extension when it is \`${String(task.status)}\`.`);
  if (all.length > 1) fail('A referral Task has at most one wait-list placement.');
  const ext = all[0]!;
  if (Object.keys(ext).some((k) => k.startsWith('value'))) fail('The wait-list extension is complex: it carries sub-extensions, not a value.');
  for (const child of ext.extension ?? []) {
    if (child.url !== WAIT_LIST_POSITION && child.url !== WAIT_LIST_EXPECTED_START) fail(`Unknown wait-list sub-extension \`${String(child.url)}\`.`);
  }
  const positions = sub(ext, WAIT_LIST_POSITION);
  const position = positions[0]?.valueInteger;
  if (positions.length !== 1 || !Number.isInteger(position) || position! < 1 || hasOtherValue(positions[0]!, 'valueInteger')) {
    fail('The wait-list `position` must be one `valueInteger` of 1 or more.', `${at}.extension('${WAIT_LIST_POSITION}')`);
  }
  const starts = sub(ext, WAIT_LIST_EXPECTED_START);
  const start = starts[0]?.valueDateTime;
  if (starts.length > 1 || (starts.length === 1 && (typeof start !== 'string' || !DATE_TIME.test(start) || hasOtherValue(starts[0]!, 'valueDateTime')))) {
    fail('The wait-list `expectedStart` must be one `valueDateTime`.', `${at}.extension('${WAIT_LIST_EXPECTED_START}')`);
  }
  if (!task.businessStatus?.text?.trim() && !(task.businessStatus?.coding ?? []).some((c) => c.code)) {
    fail(`A wait-listed referral Task says so in \`Task.businessStatus\` (e.g. \`${BUSINESS_STATUS_SYSTEM}|${WAIT_LISTED}\`).`, 'Task.businessStatus');
  }
  return issues;
}

function waitListExtensions(task: Task): Extension[] {
  return (task.extension ?? []).filter((e) => e.url === WAIT_LIST_EXTENSION);
}

function sub(ext: Extension, url: string): Extension[] {
  return (ext.extension ?? []).filter((e) => e.url === url);
}

function hasOtherValue(ext: Extension, expected: string): boolean {
  return Object.keys(ext).some((k) => k.startsWith('value') && k !== expected);
}
