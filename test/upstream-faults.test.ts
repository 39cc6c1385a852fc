/**
 * Upstream faults become 502/503/504 OperationOutcomes and release nothing. The gateway runs in
 * upstream mode against a real second instance over HTTP; msw (the only mock: it stands in for a
 * misbehaving external FHIR server) overrides single upstream routes to produce each fault.
 */
import { bypass, delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamHttp } from '../src/storage/upstream/upstream-http.js';
import { createUpstreamToken } from '../src/storage/upstream/upstream-token.js';
import { CircuitBreaker } from '../src/storage/upstream/circuit-breaker.js';
import { freePort } from './support/processes.js';
import { createTestGateway, type TestGateway } from './support/test-gateway.js';
import { startUpstreamServer, type UpstreamServer } from './support/upstream-gateway.js';

const NOTE = 'synthetic upstream fault note';
const BREAKER_FAILURES = 3;
const BREAKER_OPEN_MS = 400;

let upstream: UpstreamServer;
let gw: TestGateway;
let token: string;
let obsId: string;
let patientId: string;
const msw = setupServer();

beforeAll(async () => {
  upstream = await startUpstreamServer();
  gw = await createTestGateway({
    upstream: { ...upstream.upstreamConfig, timeoutMs: 1500, tuning: { retries: 2, backoffMs: 20, maxRetryAfterMs: 1500, breakerFailures: BREAKER_FAILURES, breakerOpenMs: BREAKER_OPEN_MS } },
  });
  token = await gw.token('demo-treatment', { purpose: 'TREAT' });
  const patient = await gw.fhir('/fhir/Patient', { method: 'POST', token, json: { resourceType: 'Patient', name: [{ family: 'Faultless' }] } });
  patientId = ((await patient.json()) as { id: string }).id;
  const res = await gw.fhir('/fhir/Observation', {
    method: 'POST',
    token,
    json: { resourceType: 'Observation', status: 'final', code: { text: 'Fault probe' }, subject: { reference: `Patient/${patientId}` }, note: [{ text: NOTE }] },
  });
  expect(res.status).toBe(201);
  obsId = ((await res.json()) as { id: string }).id;
  msw.listen({ onUnhandledRequest: 'bypass' });
});

afterEach(async () => {
  msw.resetHandlers();
  // A healthy call closes the breaker again, so each fault is seen alone.
  await new Promise((r) => setTimeout(r, BREAKER_OPEN_MS + 50));
  expect((await read()).status).toBe(200);
});

afterAll(async () => {
  msw.close();
  await gw.close();
  await upstream.close();
});

const obsUrl = () => `${upstream.origin}/fhir/Observation/:id`;
const read = () => gw.fhir(`/fhir/Observation/${obsId}`, { token });

/** The reply is an OperationOutcome with `status`/`code` and carries none of the record. */
async function expectFault(res: Response, status: number, code: string): Promise<{ issue: { code: string }[] }> {
  const text = await res.text();
  expect(res.status).toBe(status);
  const body = JSON.parse(text) as { resourceType: string; issue: { code: string }[] };
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.issue[0]?.code).toBe(code);
  expect(text).not.toContain(NOTE);
  expect(text).not.toContain(obsId);
  expect(text).not.toContain('Fault probe');
  return body;
}

describe('faults on a read', () => {
  it('a timeout (no answer) is 504 timeout', async () => {
    msw.use(http.get(obsUrl(), async () => { await delay('infinite'); return new HttpResponse(null); }));
    await expectFault(await read(), 504, 'timeout');
  });

  it('a 500 is 502 after the read was retried', async () => {
    let calls = 0;
    msw.use(http.get(obsUrl(), () => { calls++; return HttpResponse.json({ resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'exception', details: { text: `stack trace ${NOTE}` } }] }, { status: 500 }); }));
    await expectFault(await read(), 502, 'exception');
    expect(calls).toBe(3);
  });

  it('a 503 with Retry-After is waited for and retried; the retry answers', async () => {
    let calls = 0;
    msw.use(http.get(obsUrl(), () => { calls++; return new HttpResponse('busy', { status: 503, headers: { 'Retry-After': '1' } }); }, { once: true }));
    const res = await read();
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(obsId);
    expect(calls).toBe(1);
  });

  it('a 503 whose Retry-After is too long is passed on as 503 with Retry-After, not waited for', async () => {
    let calls = 0;
    msw.use(http.get(obsUrl(), () => { calls++; return new HttpResponse('busy', { status: 503, headers: { 'Retry-After': '120' } }); }));
    const res = await read();
    expect(res.headers.get('retry-after')).toBe('120');
    await expectFault(res, 503, 'transient');
    expect(calls).toBe(1);
  });

  it('garbage instead of JSON is 502', async () => {
    msw.use(http.get(obsUrl(), () => new HttpResponse(`{"resourceType":"Observation","note":[{"text":"${NOTE}"}]`, { status: 200, headers: { 'content-type': 'application/fhir+json' } })));
    await expectFault(await read(), 502, 'exception');
  });

  it('JSON that is not the requested resource (wrong type, no version) is 502', async () => {
    msw.use(http.get(obsUrl(), ({ params }) => HttpResponse.json({ resourceType: 'Patient', id: params['id'], meta: { versionId: '1' }, name: [{ text: NOTE }] })));
    await expectFault(await read(), 502, 'exception');
    msw.use(http.get(obsUrl(), ({ params }) => HttpResponse.json({ resourceType: 'Observation', id: params['id'], status: 'final', code: { text: 'x' }, note: [{ text: NOTE }] })));
    await expectFault(await read(), 502, 'exception');
  });

  it('a 401 (expired upstream token) gets a fresh token and one more try, which answers', async () => {
    const seen: string[] = [];
    msw.use(http.get(obsUrl(), ({ request }) => { seen.push(request.headers.get('authorization') ?? ''); return new HttpResponse(null, { status: 401 }); }, { once: true }));
    const res = await read();
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^Bearer /);
  });

  it('a refused connection is 503 transient', async () => {
    msw.use(http.get(obsUrl(), () => HttpResponse.error()));
    await expectFault(await read(), 503, 'transient');
  });

  it('a body that starts and then stalls is 504 timeout', async () => {
    msw.use(
      http.get(obsUrl(), () => {
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(`{"resourceType":"Observation","note":[{"text":"${NOTE}"`));
            // …and never finishes.
          },
        });
        return new HttpResponse(stream, { status: 200, headers: { 'content-type': 'application/fhir+json' } });
      }),
    );
    await expectFault(await read(), 504, 'timeout');
  });
});

describe('an upstream that tampers with labels', () => {
  it('cannot unlabel a record: the labels the gateway wrote come back, and a requester without consent still gets 404', async () => {
    msw.use(
      http.get(obsUrl(), async ({ request }) => {
        const original = (await (await fetch(bypass(request))).json()) as { meta: { security?: unknown } };
        delete original.meta.security;
        return HttpResponse.json(original);
      }),
    );
    const res = await read();
    expect(res.status).toBe(200);
    const labels = ((await res.json()) as { meta?: { security?: { code: string }[] } }).meta?.security?.map((c) => c.code);
    expect(labels).toEqual(expect.arrayContaining(['42CFRPart2']));
    const ehr = await gw.fhir(`/fhir/Observation/${obsId}`, { token: await gw.token('demo-ehr', { purpose: 'TREAT' }) });
    expect(ehr.status).toBe(404);
    expect(await ehr.text()).not.toContain(NOTE);
  });
});

describe('faults on searches and writes', () => {
  it('a search whose upstream page fails is 502 with no entry, total or link', async () => {
    msw.use(http.get(`${upstream.origin}/fhir/Observation`, () => new HttpResponse('<html>oops</html>', { status: 500 })));
    const res = await gw.fhir(`/fhir/Observation?patient=Patient/${patientId}`, { token });
    await expectFault(res, 502, 'exception');
  });

  it('a next link pointing away from the upstream is refused (502): the token is never sent elsewhere', async () => {
    msw.use(http.get(`${upstream.origin}/fhir/Observation`, () => HttpResponse.json({ resourceType: 'Bundle', type: 'searchset', entry: [], link: [{ relation: 'next', url: 'http://elsewhere.example/fhir/Observation?page=2' }] })));
    await expectFault(await gw.fhir(`/fhir/Observation?patient=Patient/${patientId}`, { token }), 502, 'exception');
  });

  it('a write is sent once, never retried; a 503 on it writes nothing and leaves nothing pending', async () => {
    let calls = 0;
    msw.use(http.post(`${upstream.origin}/fhir`, () => { calls++; return new HttpResponse(null, { status: 503 }); }));
    const res = await gw.fhir('/fhir/Observation', { method: 'POST', token, json: { resourceType: 'Observation', status: 'final', code: { text: 'never stored' }, subject: { reference: `Patient/${patientId}` } } });
    await expectFault(res, 503, 'transient');
    expect(calls).toBe(1);
    expect(await gw.conn.query("SELECT COUNT(*) AS n FROM upstream_version WHERE state = 'pending'")).toEqual([{ n: 0 }]);
  });
});

describe('circuit breaker', () => {
  it(`opens after ${BREAKER_FAILURES} failed calls (503 at once, upstream not asked), then a probe closes it`, async () => {
    let calls = 0;
    msw.use(http.get(obsUrl(), () => { calls++; return new HttpResponse('bad', { status: 502 }); }));
    for (let i = 0; i < BREAKER_FAILURES; i++) await expectFault(await read(), 502, 'exception');
    const before = calls;
    await expectFault(await read(), 503, 'transient');
    expect(calls).toBe(before);
    msw.resetHandlers();
    await new Promise((r) => setTimeout(r, BREAKER_OPEN_MS + 50));
    expect((await read()).status).toBe(200);
  });

  it('lets exactly one probe through when half-open; a failed probe opens it again', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failures: 2, openMs: 100, now: () => now });
    breaker.failure();
    breaker.admit();
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(() => breaker.admit()).toThrow(expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', status: 503 }));
    now = 100;
    expect(breaker.state).toBe('half-open');
    breaker.admit();
    expect(() => breaker.admit()).toThrow(expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }));
    breaker.failure();
    expect(breaker.state).toBe('open');
  });
});

describe('a real closed port', () => {
  it('is 503 UPSTREAM_UNAVAILABLE from the HTTP layer, after the read retries', async () => {
    const port = await freePort();
    const client = new UpstreamHttp({ baseUrl: `http://127.0.0.1:${port}/fhir`, token: createUpstreamToken({ kind: 'none' }), retries: 1, backoffMs: 10 });
    const err = await client.call('read', (c, options) => c.request('Patient/x', { method: 'GET', options })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
  });
});
