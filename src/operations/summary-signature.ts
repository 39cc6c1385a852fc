import type { Bundle } from '@medplum/fhirtypes';
import { canonicalJson } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';

/** ASTM E1762 "Verification Signature". */
const VERIFICATION_SIGNATURE = { system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.5' };
const JWS_TYP = 'summary+jws';

/** The bytes a summary signature covers: the Bundle's canonical JSON without `signature`. */
export function signedContent(bundle: Bundle): string {
  const { signature: _signature, ...rest } = bundle;
  return canonicalJson(rest);
}

/**
 * Signs a summary with the gateway's published key (GET /.well-known/jwks.json): a compact ES384
 * JWS whose payload is the canonical JSON of the Bundle without its signature, carried in
 * `Bundle.signature.data` (base64, sigFormat application/jose).
 */
export async function signSummary(auth: AuthService, bundle: Bundle, now: Date): Promise<Bundle> {
  const jws = await auth.signJws(signedContent(bundle), { typ: JWS_TYP });
  const signature = {
    type: [VERIFICATION_SIGNATURE],
    when: now.toISOString(),
    who: { display: 'Reentry FHIR Gateway' },
    sigFormat: 'application/jose',
    data: Buffer.from(jws, 'utf8').toString('base64'),
  };
  return { ...bundle, signature };
}

/** Verifies a signed summary against the gateway key; true only if the content is unchanged. */
export async function verifySummary(auth: AuthService, bundle: Bundle): Promise<boolean> {
  const data = bundle.signature?.data;
  if (!data) return false;
  try {
    const verified = await auth.verifyJws(Buffer.from(data, 'base64').toString('utf8'));
    return verified.header['typ'] === JWS_TYP && verified.payload === signedContent(bundle);
  } catch {
    return false;
  }
}

