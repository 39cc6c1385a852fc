/**
 * Care-coordination reactions over the Store change feed: every new version is checked for
 * junctions of vulnerability and aftercare events, and the team Tasks they call for are written
 * by the gateway itself. At-least-once: Tasks are written first (idempotently, see writeOnce),
 * then the consumer's cursor advances, so a crash replays a batch and never skips or duplicates.
 */
import type { Task } from '@medplum/fhirtypes';
import type { FhirRepository } from '../fhir/repository.js';
import { parseSearch } from '../fhir/search/parse-search.js';
import { isGatewayError } from '../outcomes/index.js';
import { createChangeCursors } from '../storage/change-cursor.js';
import type { SqlConnection } from '../storage/sql-connection.js';
import type { StoredVersion } from '../storage/store.js';
import { aftercareScheduleOf, wellnessCheckOf, type WellnessCheck } from './aftercare.js';
import { DEFAULT_JUNCTION_OPTIONS, junctionsOf, type JunctionOptions } from './junctions.js';
import { aftercareTask, careTeamOf, junctionTask, writeOnce } from './team-tasks.js';
import { CARE_TASK_KIND_SYSTEM } from './vocabulary.js';

export const CARE_COORDINATION_CONSUMER = 'care-coordination';

export interface CareCoordinatorOptions {
  /** The gateway's own repository (system policy: sees everything, labels what it writes). */
  readonly repo: FhirRepository;
  /** The same database, for the consumer cursor. */
  readonly conn: SqlConnection;
  readonly junctions?: JunctionOptions;
  /** Changes read per tick. */
  readonly batchSize?: number;
  /**
   * Versions stored longer ago than this raise no new Tasks (a first run over an old database
   * would otherwise raise Tasks for events long past). Wellness checks still complete their month.
   */
  readonly maxAgeDays?: number;
  readonly now?: () => Date;
  /** Cursor name; one consumer per database (default CARE_COORDINATION_CONSUMER). */
  readonly consumer?: string;
  readonly log?: (message: string, err?: unknown) => void;
}

export interface CareCoordinator {
  /** Handles the next batch of changes; the number handled (0 when caught up). Throws on a store failure (nothing skipped). */
  tick(): Promise<number>;
  /** Ticks until caught up; the number of changes handled. */
  drain(): Promise<number>;
  /**
   * Raises the discharge Task for active supervisions whose end has come within the notice window
   * since they were last written (the feed alone only sees an episode when it changes). Idempotent.
   */
  sweep(at: Date): Promise<number>;
  /**
   * Polls every `intervalMs` (Node) and sweeps every `sweepMs`; returns stop(), which resolves once
   * a tick in flight has finished. A failing tick is logged and retried.
   */
  start(intervalMs?: number, sweepMs?: number): () => Promise<void>;
}

export function createCareCoordinator(options: CareCoordinatorOptions): CareCoordinator {
  const { repo, conn } = options;
  const cursors = createChangeCursors(conn);
  const consumer = options.consumer ?? CARE_COORDINATION_CONSUMER;
  const maxAgeMs = (options.maxAgeDays ?? 30) * 86_400_000;
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 200;
  const junctionOptions = options.junctions ?? DEFAULT_JUNCTION_OPTIONS;
  const log = options.log ?? ((message, err) => console.error(`[care-coordination] ${message}`, err ?? ''));

  async function react(version: StoredVersion): Promise<void> {
    const check = wellnessCheckOf(version);
    if (check) await completeAftercareMonth(repo, check, version.lastUpdated);
    if (Date.parse(version.lastUpdated) < now().getTime() - maxAgeMs) return;
    for (const junction of junctionsOf(version, junctionOptions)) {
      const owner = await careTeamOf(repo, junction.patientId);
      await writeOnce(repo, junctionTask(junction, owner, version.lastUpdated), version);
    }
    const schedule = aftercareScheduleOf(version);
    if (schedule.length > 0) {
      const owner = await careTeamOf(repo, schedule[0]!.patientId);
      for (const month of schedule) await writeOnce(repo, aftercareTask(month, owner, version.lastUpdated), version);
    }
  }

  async function tick(): Promise<number> {
    const changes = await repo.store.changes(await cursors.position(consumer), batchSize);
    for (const change of changes) {
      try {
        await react(change.version);
      } catch (err) {
        // A client-class error (our Task refused by validation, a conflict on a concurrently
        // changed Task) will fail the same way on every replay: log it and move on rather than
        // stall the feed. Anything else (store down) stops the batch; the cursor stays put.
        if (!isGatewayError(err) || err.status >= 500) throw err;
        log(`change ${change.seq} (${change.version.resourceType}/${change.version.id}) skipped: ${err.message}`);
      }
    }
    if (changes.length > 0) await conn.batch([cursors.advance(consumer, changes[changes.length - 1]!.seq)]);
    return changes.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (let n = await tick(); n > 0; n = await tick()) total += n;
    return total;
  }

  async function sweep(at: Date): Promise<number> {
    const horizon = new Date(at.getTime() + junctionOptions.supervisionEndWindowDays * 86_400_000).toISOString().slice(0, 10);
    const params = new URLSearchParams({ status: 'active', date: `le${horizon}`, _count: '1000' });
    let raised = 0;
    for (const episode of (await repo.search(parseSearch('EpisodeOfCare', params, true))).resources) {
      // Decided as if the episode had been written now: the same pure rule, so the same Task id.
      const asOfNow = { ...episode, lastUpdated: at.toISOString() };
      for (const junction of junctionsOf(asOfNow, junctionOptions)) {
        if (await writeOnce(repo, junctionTask(junction, await careTeamOf(repo, junction.patientId), asOfNow.lastUpdated), episode)) raised++;
      }
    }
    return raised;
  }

  function start(intervalMs = 1000, sweepMs = 6 * 3_600_000): () => Promise<void> {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastSweep = 0;
    const loop = async (): Promise<void> => {
      try {
        await drain();
        if (Date.now() - lastSweep >= sweepMs) {
          lastSweep = Date.now();
          await sweep(now());
        }
      } catch (err) {
        log('tick failed; retrying', err);
      }
      if (stopped) return;
      timer = setTimeout(() => void (running = loop()), intervalMs);
      (timer as { unref?: () => void }).unref?.();
    };
    // The first tick waits one interval, so start-up and the first requests are not competing
    // with a replay of the whole feed on a database that already holds data.
    let running: Promise<void> = Promise.resolve();
    timer = setTimeout(() => void (running = loop()), intervalMs);
    (timer as { unref?: () => void }).unref?.();
    return async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      // Let a tick in flight finish, so nothing writes after stop() resolves.
      await running;
    };
  }

  return { tick, drain, sweep, start };
}

/**
 * Completes the open wellness-check Task of the check's aftercare month. With several aftercare
 * plans, the Task whose window holds the check's date wins, else the earliest open one; a check
 * for a month with no open Task (already done, or no plan) changes nothing.
 */
async function completeAftercareMonth(repo: FhirRepository, check: WellnessCheck, at: string): Promise<void> {
  const params = new URLSearchParams({ patient: `Patient/${check.patientId}`, code: `${CARE_TASK_KIND_SYSTEM}|aftercare-wellness-check`, status: 'requested,accepted,in-progress', _count: '50' });
  const open = (await repo.search(parseSearch('Task', params, true))).resources
    .map((v) => v.resource as Task)
    .filter((t) => t.input?.some((i) => i.type?.text === 'aftercare-month' && i.valuePositiveInt === check.month))
    .sort((a, b) => (a.restriction?.period?.start ?? '').localeCompare(b.restriction?.period?.start ?? ''));
  const day = check.date;
  const task = open.find((t) => (t.restriction?.period?.start ?? '') <= day && day <= (t.restriction?.period?.end ?? '')) ?? open[0];
  if (!task?.id) return;
  const done: Task = { ...task, status: 'completed', lastModified: at, output: [...(task.output ?? []), { type: { text: 'wellness-check' }, valueReference: { reference: check.encounter } }] };
  await repo.update('Task', task.id, done);
}
