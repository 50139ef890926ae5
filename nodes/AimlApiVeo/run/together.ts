/**
 * Hand On Together (Loop Options): the durable loop keeps the generations that ended in the loop
 * until no generation of the batch is still running, then hands every item of the batch on at once.
 *
 * The batch is what one check receives: n8n runs the check once per round with every item the Wait
 * node passes on, so an item a node on the way drops leaves the batch, and one added joins it. An
 * ended generation rides the loop on Running with `veoWait.held` and is not checked again while it
 * is held; a failure rides with what it will say (`veoWait.failure`), never as `error`, so n8n's
 * error output does not take it early. When the batch ends, the held videos are checked once more
 * and downloaded from the URL the API gives then: a URL seen rounds ago may have expired, and the
 * item's fields pass through the workflow's nodes, while the API's answer is the one the node trusts.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Cost } from '../spend/cost';
import type { Failure, FailureKind } from '../shared/errors';
import { Downloads } from './downloads';
import type { RefusedWait } from './carried-wait';
import { isCost, shown } from './carried-wait';
import type { Job } from './machine';
import type { SchedulerDeps } from './wait';
import { runJobs } from './wait';

/** How long the batch's last check may retry a held generation's status answer (as any check of the loop). */
const REREAD_MS = 120_000;

/** A held failure as the item carries it. */
export interface HeldFailure {
	held: 'failed';
	generationId?: string;
	failure: Failure;
	cost?: Cost;
}

export type HeldMark = { held: 'completed' | 'timedOut' } | HeldFailure;

const FAILURE_KINDS: FailureKind[] = [
	'input',
	'http',
	'network',
	'ambiguous-submit',
	'status-error',
	'status-failed',
	'no-video',
	'timeout',
	'not-submitted',
	'budget',
	'balance',
	'download',
	'cancelled',
	'key-in-answer',
];

/** The failure a held item carries, checked as strictly as the rest of `veoWait`. */
function readFailure(value: unknown): Failure | RefusedWait {
	const refused = {
		refused: `veoWait.failure must be { kind, message, description } as this node wrote it, got ${shown(value)}`,
	};
	if (!value || typeof value !== 'object' || Array.isArray(value)) return refused;
	const { kind, message, description, httpCode } = value as Record<string, unknown>;
	if (!FAILURE_KINDS.includes(kind as FailureKind)) return refused;
	if (typeof message !== 'string' || message === '' || typeof description !== 'string')
		return refused;
	if (httpCode !== undefined && (!Number.isInteger(httpCode) || (httpCode as number) < 100))
		return refused;
	const failure: Failure = { kind: kind as FailureKind, message, description };
	if (httpCode !== undefined) failure.httpCode = httpCode as number;
	return failure;
}

/**
 * Whether an incoming item's `veoWait` says it is held, and how it ended. A generation held as
 * completed or timed out is otherwise checked like any `veoWait`; a held failure needs no id (it
 * may have failed before anything was sent), and is never sent anywhere.
 */
export function readHeld(value: unknown): HeldMark | RefusedWait | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const carried = value as Record<string, unknown>;
	if (carried.held === undefined) return undefined;
	if (carried.held === 'completed' || carried.held === 'timedOut') return { held: carried.held };
	if (carried.held !== 'failed')
		return {
			refused: `veoWait.held must be "completed", "timedOut" or "failed", got ${shown(carried.held)}`,
		};
	if (carried.id !== undefined && (typeof carried.id !== 'string' || carried.id === ''))
		return { refused: `veoWait.id must be the generation's id, got ${shown(carried.id)}` };
	if (carried.cost !== undefined && !isCost(carried.cost))
		return {
			refused: `veoWait.cost must be { credits, usd } with numbers of 0 or more, got ${shown(carried.cost)}`,
		};
	const failure = readFailure(carried.failure);
	if ('refused' in failure) return failure;
	const mark: HeldFailure = { held: 'failed', failure };
	if (typeof carried.id === 'string') mark.generationId = carried.id;
	if (carried.cost !== undefined) mark.cost = { ...(carried.cost as Cost) };
	return mark;
}

/** A held failure comes in as the failed job it was; nothing is sent for it. */
export function failHeld(job: Job, mark: HeldFailure): void {
	job.state = 'failed';
	job.failure = mark.failure;
	job.held = 'carried';
	if (mark.generationId) job.generationId = mark.generationId;
	if (mark.cost) job.cost = mark.cost;
}

/** What a held failure carries round the loop: enough to say it at the hand-off, nothing to act on. */
export function heldFailureWait(job: Job): IDataObject {
	const failure = job.failure as Failure;
	const carried: IDataObject = {
		held: 'failed',
		failure: {
			kind: failure.kind,
			message: failure.message,
			description: failure.description,
			...(failure.httpCode !== undefined ? { httpCode: failure.httpCode } : {}),
		},
	};
	if (job.generationId) carried.id = job.generationId;
	if (job.cost) carried.cost = { ...job.cost };
	return carried;
}

/** Whether a generation of the batch is still running: then the whole batch stays in the loop. */
export function batchRunning(jobs: Job[]): boolean {
	return jobs.some((job) => job.state === 'done' && job.result === 'running');
}

/** The batch stays in the loop: every item that ended is held (with no video: it is fetched at the end). */
export function holdBatch(jobs: Job[], dropVideo: (job: Job) => void): void {
	for (const job of jobs) {
		if (job.held !== undefined) continue;
		if (job.state === 'failed' || (job.state === 'done' && job.result !== 'running')) {
			job.held = 'now';
			dropVideo(job);
		}
	}
}

/**
 * The batch ends: every generation that came in held (completed or timed out) is checked once more,
 * for its video's current URL (or, timed out, whether it finished meanwhile), and every video not yet
 * fetched is downloaded. `fetchEnded`: the videos this run found ready were not downloaded yet.
 */
export async function handOff(
	jobs: Job[],
	deps: SchedulerDeps,
	fetchEnded: boolean,
): Promise<'finished' | 'cancelled'> {
	const now = deps.clock.now();
	const reread = jobs.filter((job) => job.held === 'carried' && job.state === 'done');
	for (const job of reread) {
		Object.assign(job, { state: 'pending', nextAt: now, attempts: 0, deadline: now + REREAD_MS });
		job.held = undefined;
		job.result = undefined;
	}
	const downloads = deps.download
		? new Downloads(deps.download, deps.parallelDownloads)
		: undefined;
	if (fetchEnded && downloads) {
		for (const job of jobs) {
			if (job.state !== 'done' || job.result !== 'completed') continue;
			job.state = 'downloading';
			downloads.add(job);
		}
	}
	try {
		return reread.length > 0 ? await runJobs(reread, deps) : 'finished';
	} finally {
		await downloads?.drain();
	}
}
