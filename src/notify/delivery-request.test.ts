import type { Subscription, Task } from '@medplum/fhirtypes';
import { fileURLToPath } from 'node:url';
import jose from 'node-jose';
import { describe, expect, it } from 'vitest';
import { createGatewayKeys } from '../auth/gateway-keys.js';
import { openLibsqlConnection } from '../storage/libsql-connection.js';
import { migrate } from '../storage/migrate.js';
import { readMigrationsDir } from '../storage/migrations-dir.js';
import { attachPayload, checkChannelHeaders, NOTIFICATION_JWS_TYP, prepareDeliveryRequest, SIGNATURE_HEADER, withSignature } from './delivery-request.js';

const subscription = (payload?: string): Subscription => ({
  resourceType: 'Subscription',
  status: 'active',
  reason: 'r',
  criteria: 'Task',
  channel: { type: 'rest-hook', endpoint: 'https://receiver.example.org/hook', header: ['Authorization: Bearer abc', 'X-Tenant:t1'], ...(payload ? { payload } : {}) },
});
const task: Task = { resourceType: 'Task', id: 't1', status: 'requested', intent: 'order' };

describe('notification request', () => {
  it('carries the resource as FHIR JSON with the channel headers', () => {
    const req = prepareDeliveryRequest(subscription('application/fhir+json'), task);
    expect(req.url).toBe('https://receiver.example.org/hook');
    expect(JSON.parse(req.body)).toEqual(task);
    expect(req.headers).toEqual({ Authorization: 'Bearer abc', 'X-Tenant': 't1', 'Content-Type': 'application/fhir+json' });
  });

  it('has an empty body when the Subscription asks for no payload (R4 rest-hook)', () => {
    const req = prepareDeliveryRequest(subscription(), task);
    expect(req.body).toBe('');
    expect(req.headers['Content-Type']).toBeUndefined();
  });

  it('is signed with a detached ES384 JWS that verifies against the gateway JWKS only for the exact body', async () => {
    const conn = await openLibsqlConnection('file::memory:');
    await migrate(conn, await readMigrationsDir(fileURLToPath(new URL('../../migrations/', import.meta.url))));
    const keys = createGatewayKeys(conn, () => new Date());
    const req = prepareDeliveryRequest(subscription('application/fhir+json'), task);
    const [jws] = await keys.signJwsMany([req.body], { typ: NOTIFICATION_JWS_TYP });
    const signed = withSignature(req, jws!);
    const detached = signed.headers[SIGNATURE_HEADER]!;
    expect(detached).toMatch(/^[\w-]+\.\.[\w-]+$/);
    const keystore = await jose.JWK.asKeyStore(await keys.publicJwks());
    const verified = await jose.JWS.createVerify(keystore, { algorithms: ['ES384'] }).verify(attachPayload(detached, signed.body));
    expect(verified.payload.toString('utf8')).toBe(signed.body);
    expect(verified.header).toMatchObject({ alg: 'ES384', typ: NOTIFICATION_JWS_TYP });
    // The gateway's own verifier (node-jose) accepts the WebCrypto signature too.
    expect((await keys.verifyJws(attachPayload(detached, signed.body))).payload).toBe(signed.body);
    await expect(jose.JWS.createVerify(keystore, { algorithms: ['ES384'] }).verify(attachPayload(detached, signed.body.replace('t1', 't2')))).rejects.toThrow();
  });
});

describe('checkChannelHeaders', () => {
  it.each([
    [['Authorization: Bearer x'], undefined],
    [['no colon here'], 'Name: value'],
    [['X-Signature: forged'], 'set by the gateway'],
    [['Content-Type: text/plain'], 'set by the gateway'],
    [['Bad Name: x'], 'Name: value'],
  ])('%j → %s', (lines, problem) => {
    const result = checkChannelHeaders(lines);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(problem);
  });
});
