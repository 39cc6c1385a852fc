import { describe, expect, it } from 'vitest';
import { checkInitialStatus, checkTransition, REFERRAL_STATUSES, STATUS_REASON_REQUIRED, TERMINAL_STATUSES, type ReferralStatus } from './task-state-machine.js';

const reason = { text: 'synthetic reason' };

/** Gravity SDOH CC referral Task moves, written out independently of the TRANSITIONS table. */
const EXPECTED_MOVES = new Set([
  'requested>accepted', 'requested>rejected', 'requested>cancelled',
  'accepted>in-progress', 'accepted>on-hold', 'accepted>completed', 'accepted>failed', 'accepted>cancelled',
  'in-progress>on-hold', 'in-progress>completed', 'in-progress>failed', 'in-progress>cancelled',
  'on-hold>in-progress', 'on-hold>accepted', 'on-hold>failed', 'on-hold>cancelled',
]);

const pairs = REFERRAL_STATUSES.flatMap((from) => REFERRAL_STATUSES.map((to) => [from, to] as [ReferralStatus, ReferralStatus]));

describe('checkTransition: every pair of referral statuses (with a statusReason)', () => {
  it.each(pairs)('%s → %s', (from, to) => {
    const verdict = checkTransition(from, to, reason);
    const legal = EXPECTED_MOVES.has(`${from}>${to}`) || (from === to && !TERMINAL_STATUSES.has(from));
    if (legal) {
      expect(verdict).toEqual({ ok: true });
      return;
    }
    expect(verdict).toMatchObject({ ok: false, code: 'REFERRAL_ILLEGAL_TRANSITION', status: 409, expression: 'Task.status' });
    if (!verdict.ok && from !== to) expect(verdict.text).toBe(`A referral Task cannot move from \`${from}\` to \`${to}\`.`);
  });
});

describe('checkTransition: statusReason is required for rejected, cancelled, on-hold and failed', () => {
  const legalMoves = [...EXPECTED_MOVES].map((m) => m.split('>') as [ReferralStatus, ReferralStatus]);
  it.each(legalMoves)('%s → %s without a reason', (from, to) => {
    const verdict = checkTransition(from, to);
    if (STATUS_REASON_REQUIRED.has(to)) {
      expect(verdict).toMatchObject({ ok: false, code: 'REFERRAL_STATUS_REASON_REQUIRED', status: 422, expression: 'Task.statusReason' });
      if (!verdict.ok) expect(verdict.text).toContain('Task.statusReason');
    } else {
      expect(verdict).toEqual({ ok: true });
    }
  });

  it('an empty reason (blank text, codings without codes) does not count', () => {
    expect(checkTransition('requested', 'rejected', { text: '  ' }).ok).toBe(false);
    expect(checkTransition('requested', 'rejected', { coding: [{ system: 'urn:x' }] }).ok).toBe(false);
    expect(checkTransition('requested', 'rejected', { coding: [{ system: 'urn:x', code: 'no-capacity' }] }).ok).toBe(true);
  });

  it('staying on-hold still needs the reason', () => {
    expect(checkTransition('on-hold', 'on-hold').ok).toBe(false);
    expect(checkTransition('on-hold', 'on-hold', reason).ok).toBe(true);
  });
});

describe('terminal statuses never change', () => {
  it.each([...TERMINAL_STATUSES])('%s has no way out, not even to itself', (from) => {
    for (const to of REFERRAL_STATUSES) expect(checkTransition(from, to, reason).ok).toBe(false);
  });
});

describe('statuses outside the referral workflow', () => {
  it.each(['draft', 'received', 'ready', 'entered-in-error', 'bogus'])('%s is refused as source and target', (other) => {
    expect(checkTransition('requested', other, reason)).toMatchObject({ ok: false, status: 409 });
    expect(checkTransition(other, 'accepted', reason)).toMatchObject({ ok: false, status: 409 });
  });
});

describe('checkInitialStatus', () => {
  it.each(REFERRAL_STATUSES)('a referral created %s', (status) => {
    const verdict = checkInitialStatus(status, reason);
    if (status === 'requested') expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, code: 'REFERRAL_ILLEGAL_TRANSITION', status: 409 });
  });

  it('draft is not an initial status', () => {
    expect(checkInitialStatus('draft')).toMatchObject({ ok: false, status: 409 });
  });

  it('a wider allowed set (self-assigned or admin) still needs the reason', () => {
    expect(checkInitialStatus('accepted', undefined, ['requested', 'accepted'])).toEqual({ ok: true });
    expect(checkInitialStatus('on-hold', undefined, ['on-hold'])).toMatchObject({ ok: false, status: 422 });
  });
});
