import { conflict, GatewayError } from '../outcomes/index.js';
import type { TransitionFailure } from './task-state-machine.js';

/**
 * Turns a refused transition into the GatewayError the client hears: 409 for a move the state
 * machine does not allow, 422 naming `Task.statusReason` when the reason is missing.
 */
export function referralError(failure: TransitionFailure): GatewayError {
  switch (failure.code) {
    case 'REFERRAL_ILLEGAL_TRANSITION':
      return conflict(failure.text, 'REFERRAL_ILLEGAL_TRANSITION', failure.expression);
    case 'REFERRAL_STATUS_REASON_REQUIRED':
      return new GatewayError('REFERRAL_STATUS_REASON_REQUIRED', 422, { severity: 'error', code: 'required', details: { text: failure.text }, expression: [failure.expression] });
    default: {
      const unreachable: never = failure;
      throw new Error(`referralError: unhandled failure ${String(unreachable)}`);
    }
  }
}
