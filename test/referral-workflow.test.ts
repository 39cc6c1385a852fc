import type { AuditEvent, Bundle, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_STATUS_SYSTEM, WAIT_LIST_EXTENSION, WAIT_LISTED } from '../src/referral/index.js';
import { auditedRefs, auditKind, createPart2World, type Client, type Part2World, type Reply } from './support/part2-world.js';

const LINKAGE = 'https://reentry-gateway.example.org/fhir/CodeSystem/linkage-domain';
let w: Part2World;
let serviceRequestId: string;

beforeAll(async () => {
  w = await createPart2World();
  serviceRequestId = await w.create('demo-corrections', {
    resourceType: 'ServiceRequest', status: 'active', intent: 'order', priority: 'urgent',
    category: [{ coding: [{ system: LINKAGE, code: 'housing' }] }], code: { text: 'Transitional housing' },
    subject: { reference: `Patient/${w.patientId}` }, authoredOn: '2026-10-01T09:00:00Z',
    requester: { reference: `Organization/${w.org['demo-corrections']}` },
    performer: [{ reference: `Organization/${w.org['demo-housing']}` }],
    reasonCode: [{ text: 'Release without a stable address' }],
  });
});
afterAll(async () => w.close());

function referralTask(extra: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task', status: 'requested', intent: 'order', priority: 'routine',
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
    focus: { reference: `ServiceRequest/${serviceRequestId}` }, for: { reference: `Patient/${w.patientId}` },
    authoredOn: '2026-10-01T09:05:00Z', owner: { reference: `Organization/${w.org['demo-housing']}` },
    ...extra,
  };
}

async function newTask(extra: Partial<Task> = {}, client: Client = 'demo-corrections'): Promise<Task> {
  const res = await w.send(client, 'POST', '/fhir/Task', referralTask(extra));
  expect(res.status, res.text).toBe(201);
  return res.body as unknown as Task;
}

/** PUTs `task` with `changes` as `client`; meta is dropped as a client would. */
function move(client: Client, task: Task, changes: Partial<Task>): Promise<Reply> {
  return w.send(client, 'PUT', `/fhir/Task/${task.id}`, { ...task, meta: undefined, ...changes });
}

async function versionOf(id: string): Promise<string | undefined> {
  return (await w.send('demo-admin', 'GET', `/fhir/Task/${id}`)).body.meta?.versionId;
}

function expectOutcome(reply: Reply, status: number, text?: string, expression?: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.body.resourceType).toBe('OperationOutcome');
  if (text) expect(reply.body.issue?.map((i) => i.details?.text).join(' ')).toContain(text);
  if (expression) expect(reply.body.issue?.flatMap((i) => i.expression ?? [])).toContain(expression);
}

const reason = (text: string) => ({ statusReason: { text } });

describe('the referral lifecycle (Gravity SDOH CC Task state machine)', () => {
  it('corrections refers, housing accepts, wait-lists, starts and completes; each step is a version', async () => {
    const created = await newTask();
    expect(created.requester?.reference).toBe(`Organization/${w.org['demo-corrections']}`); // filled: the one server-assigned element
    expect(created.meta?.versionId).toBe('1');

    const accepted = await move('demo-housing', created, { status: 'accepted' });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.headers.get('etag')).toBe('W/"2"');
    expect(accepted.body.meta?.versionId).toBe('2');

    const waitList = {
      url: WAIT_LIST_EXTENSION,
      extension: [{ url: 'position', valueInteger: 4 }, { url: 'expectedStart', valueDateTime: '2026-11-02' }],
    };
    const held = await move('demo-housing', accepted.body as unknown as Task, {
      status: 'on-hold', ...reason('No unit free yet'),
      businessStatus: { coding: [{ system: BUSINESS_STATUS_SYSTEM, code: WAIT_LISTED }], text: 'Wait-listed' }, extension: [waitList],
    });
    expect(held.status, held.text).toBe(200);
    expect(held.body.extension).toEqual([waitList]);

    // Leaving the hold while still carrying the placement is refused: the wait list is for on-hold only.
    const stale = await move('demo-housing', held.body as unknown as Task, { status: 'in-progress' });
    expectOutcome(stale, 422, 'on-hold');
    const started = await move('demo-housing', held.body as unknown as Task, { status: 'in-progress', statusReason: undefined, businessStatus: undefined, extension: undefined });
    expect(started.status, started.text).toBe(200);
    const done = await move('demo-housing', started.body as unknown as Task, { status: 'completed' });
    expect(done.status, done.text).toBe(200);
    expect(done.headers.get('etag')).toBe('W/"5"');

    const history = await w.send('demo-corrections', 'GET', `/fhir/Task/${created.id}/_history`);
    expect(history.status).toBe(200);
    expect((history.body.entry ?? []).map((e) => (e.resource as Task).status)).toEqual(['completed', 'in-progress', 'on-hold', 'accepted', 'requested']);

    // A closed referral never reopens (409), but an identical re-PUT is a harmless no-op.
    expectOutcome(await move('demo-housing', done.body as unknown as Task, { status: 'in-progress' }), 409, 'from `completed` to `in-progress`');
    const same = await move('demo-housing', done.body as unknown as Task, {});
    expect(same.status, same.text).toBe(200);
    expect(await versionOf(created.id!)).toBe('5');
  });

  it('only the owner accepts: corrections accepting is 403 and writes nothing', async () => {
    const task = await newTask();
    expectOutcome(await move('demo-corrections', task, { status: 'accepted' }), 403, 'owner');
    expectOutcome(await move('demo-treatment', task, { status: 'accepted' }), 403);
    expect(await versionOf(task.id!)).toBe('1');
  });

  it('only the requester cancels: housing cancelling is 403; corrections needs a statusReason', async () => {
    const task = await newTask();
    expectOutcome(await move('demo-housing', task, { status: 'cancelled', ...reason('not ours') }), 403, 'requester');
    expectOutcome(await move('demo-corrections', task, { status: 'cancelled' }), 422, 'Task.statusReason', 'Task.statusReason');
    expect(await versionOf(task.id!)).toBe('1');
    const cancelled = await move('demo-corrections', task, { status: 'cancelled', ...reason('Participant moved out of county') });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('housing rejects with a reason; skipping acceptance is a 409', async () => {
    const task = await newTask();
    expectOutcome(await move('demo-housing', task, { status: 'in-progress' }), 409, 'from `requested` to `in-progress`', 'Task.status');
    expectOutcome(await move('demo-housing', task, { status: 'rejected' }), 422, 'Task.statusReason');
    expect((await move('demo-housing', task, { status: 'rejected', ...reason('No capacity') })).status).toBe(200);
  });

  it('the referral itself does not change hands: owner, requester, focus are fixed (422)', async () => {
    const task = await newTask();
    expectOutcome(await move('demo-corrections', task, { owner: { reference: `Organization/${w.org['demo-treatment']}` } }), 422, 'Task.owner', 'Task.owner');
    expectOutcome(await move('demo-housing', task, { requester: { reference: `Organization/${w.org['demo-housing']}` } }), 422, 'Task.requester');
    expect(await versionOf(task.id!)).toBe('1');
  });

  it('admin (operations) may move a Task for either party, but not against the state machine', async () => {
    const task = await newTask();
    const accepted = await move('demo-admin', task, { status: 'accepted' });
    expect(accepted.status, accepted.text).toBe(200);
    expectOutcome(await move('demo-admin', accepted.body as unknown as Task, { status: 'rejected', ...reason('late') }), 409);
  });
});

describe('every referral write is audited (kind `write`, refs and codes only)', () => {
  const writeEvents = async (mark: number) => (await w.auditSince(mark)).filter((e) => auditKind(e) === 'write');
  const entityOf = (e: AuditEvent, ref: string) => (e.entity ?? []).find((x) => x.what?.reference?.startsWith(`${ref}/_history/`));
  const detail = (e: AuditEvent, ref: string) => Object.fromEntries((entityOf(e, ref)?.detail ?? []).map((d) => [d.type, d.valueString]));

  it('create and each transition append a write event naming who, which Task version, from → to', async () => {
    let mark = await w.auditMark();
    const task = await newTask({ description: 'synthetic audit marker' });
    const [created] = await writeEvents(mark);
    expect(created?.action).toBe('C');
    expect(created?.agent?.[0]?.who?.reference).toBe(`Organization/${w.org['demo-corrections']}`);
    expect(created?.agent?.[0]?.who?.identifier?.value).toBe('demo-corrections');
    expect(entityOf(created!, `Task/${task.id}`)?.what?.reference).toBe(`Task/${task.id}/_history/1`);
    expect(detail(created!, `Task/${task.id}`)).toEqual({ 'status-to': 'requested' });

    mark = await w.auditMark();
    const accepted = await move('demo-housing', task, { status: 'accepted' });
    expect(accepted.status, accepted.text).toBe(200);
    const [moved] = await writeEvents(mark);
    expect(moved?.action).toBe('U');
    expect(moved?.agent?.[0]?.who?.identifier?.value).toBe('demo-housing');
    expect(entityOf(moved!, `Task/${task.id}`)?.what?.reference).toBe(`Task/${task.id}/_history/2`);
    expect(detail(moved!, `Task/${task.id}`)).toEqual({ 'status-from': 'requested', 'status-to': 'accepted' });
    // Refs and codes only: the Task's text never lands on the chain.
    expect(JSON.stringify(moved)).not.toContain('synthetic audit marker');
    expect((await w.gw.auditLog.verify()).ok).toBe(true);
  });

  it('a refused transition, an unchanged re-PUT and a rolled-back transaction audit no write', async () => {
    const task = await newTask();
    const mark = await w.auditMark();
    expect((await move('demo-housing', task, { status: 'completed' })).status).toBe(409);
    expect((await move('demo-corrections', task, {})).status).toBe(200);
    const bundle = {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: referralTask(), request: { method: 'POST', url: 'Task' } },
        { resource: { ...task, meta: undefined, status: 'completed' }, request: { method: 'PUT', url: `Task/${task.id}` } },
      ],
    };
    expect((await w.send('demo-housing', 'POST', '/fhir', bundle)).status).toBe(409);
    expect(await writeEvents(mark)).toEqual([]);
  });

  it('a delete appends a write event (action D) naming the tombstone version, with no status move', async () => {
    const task = await newTask();
    const mark = await w.auditMark();
    expect((await w.send('demo-corrections', 'DELETE', `/fhir/Task/${task.id}`)).status).toBeLessThan(300);
    const [deleted, ...more] = await writeEvents(mark);
    expect(more).toEqual([]);
    expect(deleted?.action).toBe('D');
    expect(entityOf(deleted!, `Task/${task.id}`)?.what?.reference).toBe(`Task/${task.id}/_history/2`);
    expect(detail(deleted!, `Task/${task.id}`)).toEqual({});
    // Deleting what is already deleted writes no version and audits nothing.
    const again = await w.auditMark();
    await w.send('demo-corrections', 'DELETE', `/fhir/Task/${task.id}`);
    expect(await writeEvents(again)).toEqual([]);
  });

  it('a batch audits exactly the entries it wrote', async () => {
    const task = await newTask();
    const mark = await w.auditMark();
    const bundle = {
      resourceType: 'Bundle', type: 'batch',
      entry: [
        { resource: { ...task, meta: undefined, status: 'accepted' }, request: { method: 'PUT', url: `Task/${task.id}` } },
        { resource: referralTask({ status: 'completed' }), request: { method: 'POST', url: 'Task' } },
      ],
    };
    const reply = await w.send('demo-housing', 'POST', '/fhir', bundle);
    expect((reply.body as unknown as Bundle).entry?.map((e) => e.response?.status.slice(0, 3))).toEqual(['200', '409']);
    const events = await writeEvents(mark);
    expect(events.flatMap((e) => auditedRefs(e))).toEqual([`Task/${task.id}`]);
  });
});

describe('creating a referral Task', () => {
  it('must start requested, name an owner, and be requested by the caller itself', async () => {
    expectOutcome(await w.send('demo-corrections', 'POST', '/fhir/Task', referralTask({ status: 'accepted' })), 409, 'cannot be created `accepted`');
    expectOutcome(await w.send('demo-corrections', 'POST', '/fhir/Task', referralTask({ status: 'draft' })), 409);
    const { owner: _owner, ...ownerless } = referralTask();
    expectOutcome(await w.send('demo-corrections', 'POST', '/fhir/Task', ownerless), 422, undefined, 'Task.owner');
    expectOutcome(await w.send('demo-corrections', 'POST', '/fhir/Task', referralTask({ requester: { reference: `Organization/${w.org['demo-treatment']}` } })), 403, 'Task.requester');
    const own = await w.send('demo-corrections', 'POST', '/fhir/Task', referralTask({ requester: { reference: `Organization/${w.org['demo-corrections']}` } }));
    expect(own.status, own.text).toBe(201);
  });

  it('an owner taking on work itself may start it accepted or in progress', async () => {
    const self = await w.send('demo-housing', 'POST', '/fhir/Task', referralTask({ status: 'in-progress' }));
    expect(self.status, self.text).toBe(201);
    expect(self.body.requester?.reference).toBe(`Organization/${w.org['demo-housing']}`);
  });

  it('Tasks that are not referrals (no ServiceRequest focus) are not governed', async () => {
    const plain = await w.send('demo-corrections', 'POST', '/fhir/Task', { resourceType: 'Task', status: 'in-progress', intent: 'order', for: { reference: `Patient/${w.patientId}` } });
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body.requester).toBeUndefined();
  });
});

describe('transactions and batches run the same rules', () => {
  it('a transaction with one illegal transition rolls back entirely', async () => {
    const task = await newTask();
    const other = await newTask();
    const bundle = {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: { ...other, meta: undefined, status: 'accepted' }, request: { method: 'PUT', url: `Task/${other.id}` } },
        { resource: { ...task, meta: undefined, status: 'completed' }, request: { method: 'PUT', url: `Task/${task.id}` } },
        { resource: referralTask({ status: 'accepted' }), request: { method: 'POST', url: 'Task' } },
      ],
    };
    const before = (await w.send('demo-admin', 'GET', `/fhir/Task?owner=Organization/${w.org['demo-housing']}&_summary=count`)).body.total;
    // As the owner: accepting `other` and taking on a new Task are fine, completing an unaccepted one is not.
    const reply = await w.send('demo-housing', 'POST', '/fhir', bundle);
    expect(reply.status, reply.text).toBe(409);
    expect(reply.body.issue?.[0]?.expression).toEqual(['Bundle.entry[1].resource.status']);
    expect(await versionOf(other.id!)).toBe('1');
    expect(await versionOf(task.id!)).toBe('1');
    expect((await w.send('demo-admin', 'GET', `/fhir/Task?owner=Organization/${w.org['demo-housing']}&_summary=count`)).body.total).toBe(before);
  });

  it('a batch refuses only the offending entry', async () => {
    const task = await newTask();
    const bundle = {
      resourceType: 'Bundle', type: 'batch',
      entry: [
        { resource: { ...task, meta: undefined, status: 'accepted' }, request: { method: 'PUT', url: `Task/${task.id}` } },
        { resource: referralTask({ status: 'completed' }), request: { method: 'POST', url: 'Task' } },
      ],
    };
    const reply = await w.send('demo-corrections', 'POST', '/fhir', bundle);
    expect(reply.status, reply.text).toBe(200);
    expect((reply.body as unknown as Bundle).entry?.map((e) => e.response?.status.slice(0, 3))).toEqual(['403', '409']);
  });
});

describe('the inbox: Task?owner=…&status=…&_sort=priority-order,-authored-on&_include=Task:focus', () => {
  it('lists the owner’s open referrals stat, asap, urgent, routine, newest first within each', async () => {
    const clinic = await w.send('demo-admin', 'POST', '/fhir/Organization', { resourceType: 'Organization', name: 'Inbox test clinic' });
    const owner = { reference: `Organization/${clinic.body.id}` };
    const rows: [string, Task['priority'] | undefined, string, Task['status']][] = [
      ['routine-old', 'routine', '2026-10-01T08:00:00Z', 'requested'],
      ['urgent', 'urgent', '2026-10-01T09:00:00Z', 'accepted'],
      ['none-new', undefined, '2026-10-03T08:00:00Z', 'requested'],
      ['stat', 'stat', '2026-10-01T07:00:00Z', 'requested'],
      ['asap-old', 'asap', '2026-10-01T06:00:00Z', 'requested'],
      ['asap-new', 'asap', '2026-10-02T06:00:00Z', 'accepted'],
      ['stat-closed', 'stat', '2026-10-04T06:00:00Z', 'cancelled'],
    ];
    for (const [description, priority, authoredOn, status] of rows) {
      const res = await w.send('demo-admin', 'POST', '/fhir/Task', referralTask({
        description, authoredOn, owner, status, ...(priority ? { priority } : { priority: undefined }),
        ...(status === 'cancelled' ? reason('withdrawn') : {}),
      }));
      expect(res.status, res.text).toBe(201);
    }
    const query = `/fhir/Task?owner=Organization/${clinic.body.id}&status=requested,accepted&_sort=priority-order,-authored-on&_include=Task:focus`;
    const inbox = await w.send('demo-admin', 'GET', query);
    expect(inbox.status, inbox.text).toBe(200);
    const entries = inbox.body.entry ?? [];
    expect(entries.filter((e) => e.search?.mode === 'match').map((e) => (e.resource as Task).description)).toEqual(['stat', 'asap-new', 'asap-old', 'urgent', 'none-new', 'routine-old']);
    expect(entries.filter((e) => e.search?.mode === 'include').map((e) => `${e.resource?.resourceType}/${e.resource?.id}`)).toEqual([`ServiceRequest/${serviceRequestId}`]);
  });

  it('priority-order is advertised and searchable as a number', async () => {
    const metadata = await w.send('demo-admin', 'GET', '/fhir/metadata');
    const task = metadata.body.rest?.[0]?.resource?.find((r: { type: string }) => r.type === 'Task');
    expect(task?.searchParam?.find((p: { name: string }) => p.name === 'priority-order')?.type).toBe('number');
    const stat = await w.send('demo-admin', 'GET', '/fhir/Task?priority-order=1&_summary=count', undefined);
    expect(stat.status).toBe(200);
    expect(stat.body.total).toBeGreaterThanOrEqual(1);
  });
});
