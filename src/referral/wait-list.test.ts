import type { Extension, Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { BUSINESS_STATUS_SYSTEM, checkWaitList, WAIT_LIST_EXTENSION, WAIT_LISTED, waitListOf } from './wait-list.js';

const placement = (...extension: Extension[]): Extension => ({ url: WAIT_LIST_EXTENSION, extension });
const task = (status: Task['status'], ...extension: Extension[]): Task => ({
  resourceType: 'Task', status, intent: 'order', statusReason: { text: 'no bed free' },
  businessStatus: { coding: [{ system: BUSINESS_STATUS_SYSTEM, code: WAIT_LISTED }] }, extension,
});
const position = (valueInteger: number): Extension => ({ url: 'position', valueInteger });
const start = (valueDateTime: string): Extension => ({ url: 'expectedStart', valueDateTime });

describe('wait-list placement', () => {
  it('an on-hold Task with a position and an expected start is fine, and is read back', () => {
    const t = task('on-hold', placement(position(3), start('2026-11-02')));
    expect(checkWaitList(t)).toEqual([]);
    expect(waitListOf(t)).toEqual({ position: 3, expectedStart: '2026-11-02' });
  });

  it('no placement, no issues', () => {
    expect(checkWaitList(task('accepted'))).toEqual([]);
  });

  it.each([
    ['not on hold', task('in-progress', placement(position(1))), 'on-hold'],
    ['two placements', task('on-hold', placement(position(1)), placement(position(2))), 'at most one'],
    ['a value on the complex extension', task('on-hold', { ...placement(position(1)), valueString: 'x' }), 'complex'],
    ['no position', task('on-hold', placement(start('2026-11-02'))), 'position'],
    ['position 0', task('on-hold', placement(position(0))), 'position'],
    ['fractional position', task('on-hold', placement(position(1.5))), 'position'],
    ['position as a string', task('on-hold', placement({ url: 'position', valueString: '1' })), 'position'],
    ['bad expected start', task('on-hold', placement(position(1), start('next week'))), 'expectedStart'],
    ['unknown sub-extension', task('on-hold', placement(position(1), { url: 'priority', valueInteger: 1 })), 'Unknown'],
    ['no businessStatus', { ...task('on-hold', placement(position(1))), businessStatus: undefined } as Task, 'businessStatus'],
  ])('%s → 422 issue', (_name, t, text) => {
    const issues = checkWaitList(t);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.details?.text).join(' ')).toContain(text);
  });
});
