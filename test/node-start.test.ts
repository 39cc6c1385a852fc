import type { Bundle, CapabilityStatement, Patient } from '@medplum/fhirtypes';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCommand, startProcess, stopProcess, waitForHttp } from './support/processes.js';

// `npm start` and `npm run token` exactly as the README tells a new user to run them.
let dir: string;
let port: number;
let server: ReturnType<typeof startProcess>;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateway-start-'));
  port = await freePort();
  base = `http://localhost:${port}`;
  server = startProcess('npm', ['start', '--silent'], { DATA_DIR: dir, PORT: String(port) });
  await waitForHttp(`${base}/healthz`, 60_000, server);
});

afterAll(async () => {
  await stopProcess(server);
  await rm(dir, { recursive: true, force: true });
});

const token = (...args: string[]) => runCommand('npm', ['run', 'token', '--silent', '--', ...args, '--url', base, '--keys', join(dir, 'keys')]);

describe('npm start on an empty data directory', () => {
  it('creates and migrates the database and writes demo client keys outside the repo', () => {
    expect(existsSync(join(dir, 'gateway.db'))).toBe(true);
    for (const client of ['demo-corrections', 'demo-treatment', 'demo-housing', 'demo-ehr', 'demo-admin']) {
      expect(existsSync(join(dir, 'keys', `${client}.private.json`)), client).toBe(true);
    }
  });

  it('serves metadata without auth and refuses FHIR reads without a token', async () => {
    const metadata = await fetch(`${base}/fhir/metadata`);
    expect(((await metadata.json()) as CapabilityStatement).resourceType).toBe('CapabilityStatement');
    expect((await fetch(`${base}/fhir/Patient`)).status).toBe(401);
  });

  it('npm run token prints a working token as the last stdout line; the demo participant is there', async () => {
    const result = await token('demo-corrections', '--purpose', 'CJMONITOR');
    expect(result.code).toBe(0);
    const accessToken = result.stdout.trim().split('\n').at(-1)!;
    const res = await fetch(`${base}/fhir/Patient?identifier=urn:gateway:demo:doc-number|DEMO-100001`, { headers: { authorization: `Bearer ${accessToken}` } });
    const bundle = (await res.json()) as Bundle<Patient>;
    expect(bundle.total).toBe(1);
    expect(bundle.entry?.[0]?.resource?.name?.[0]?.family).toBe('Example');
  });

  it('npm run token exits non-zero for an unknown purpose of use', async () => {
    const result = await token('demo-ehr', '--purpose', 'NOT-A-PURPOSE');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/purpose/i);
  });

  it('answers an oversized header with an OperationOutcome, not an empty response', async () => {
    const { request } = await import('node:http');
    const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/fhir/metadata', headers: { 'x-big': 'a'.repeat(20_000) } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body.status).toBe(431);
    expect(JSON.parse(body.text).resourceType).toBe('OperationOutcome');
  });
});
