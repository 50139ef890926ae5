/**
 * The one poller. Every item of a run is a job; one loop submits what it may, polls what is
 * due, hands finished videos to the downloader, then sleeps until the next thing is due.
 * N items therefore take about the time of the slowest one, not N times one.
 *
 * Pure of n8n: requests, clock and sleep are injected, so tests drive it with a fake clock.
 */
import type { Failure } from './errors';
import type { Generation } from './generation';
import { judge, statusOf } from './generation';

export interface Clock {
	now(): number;
	/** Resolves after `ms`, rejects at once if the signal aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type SubmitOutcome =
	/** The API accepted it: a paid generation exists. */
	| { type: 'accepted'; generation: Generation }
	/** 429: the account's limit is reached; nothing was created. */
	| { type: 'limited'; failure: Failure }
	/** Refused before acceptance (503, connection refused): safe to send again. */
	| { type: 'retry'; failure: Failure }
	/** Definite refusal, or an answer we cannot read (never sent again). */
	| { type: 'failed'; failure: Failure };

export type PollOutcome =
	| { type: 'status'; generation: Generation }
	/** Network error, 429, 5xx, unreadable body: ask again later. */
	| { type: 'retry'; failure: Failure }
	| { type: 'failed'; failure: Failure };

export type JobResult = 'completed' | 'running' | 'timedOut';

export interface Job {
	/** The input item this job answers. */
	index: number;
	/** Set for Get Generation, and once a submit was accepted. */
	generationId?: string;
	/** This node's own submit created the generation (in this try or an earlier one). */
	submittedHere?: boolean;
	/** The latest generation object seen (submit answer or poll). */
	generation?: Generation;
	waitForCompletion: boolean;
	pollIntervalMs: number;
	/** Absolute time after which the job stops waiting. */
	deadline: number;
	onTimeout: 'fail' | 'return';
	state: 'submit' | 'pending' | 'downloading' | 'done' | 'failed';
	result?: JobResult;
	failure?: Failure;
	videoUrl?: string;
	/** When the job may next be submitted or polled. */
	nextAt: number;
	/** Consecutive retryable failures of the current step. */
	attempts: number;
	lastRetryFailure?: Failure;
}

export interface Progress {
	total: number;
	done: number;
	failed: number;
	running: number;
	waitingToSubmit: number;
	/** Running generations by the API's latest status, e.g. { queued: 2, generating: 5 }. */
	statuses: Record<string, number>;
}

export interface SchedulerDeps {
	clock: Clock;
	signal?: AbortSignal;
	submit(job: Job): Promise<SubmitOutcome>;
	poll(job: Job): Promise<PollOutcome>;
	/** Fetch the finished video; absent when no download is wanted. Resolves to a Failure if it failed. */
	download?(job: Job): Promise<Failure | undefined>;
	/** Called once per accepted generation, before anything else happens to it. */
	onAccepted?(job: Job): void;
	onProgress?(progress: Progress): void;
	/** The most generations of this run running at the API at once. */
	maxRunning: number;
	/** The most API requests in flight at once. */
	parallelRequests: number;
	parallelDownloads: number;
	/** Stop at the first failed job (the node will throw) instead of finishing the others. */
	stopOnFailure: boolean;
	/** Bound on resending a submit refused with 503 or connection refused. */
	maxSubmitRetries?: number;
}

/**
 * A step that throws must not leave the round: one task's exception would end the loop while the
 * other tasks of the round keep sending. Steps return outcomes; an exception becomes one too.
 */
async function settled<T>(step: Promise<T>, onError: (error: unknown) => T): Promise<T> {
	try {
		return await step;
	} catch (error) {
		return onError(error);
	}
}

/** An exception in a step, as a failure; a submit that threw may have reached the API. */
function unexpected(step: 'submit' | 'poll' | 'download', error: unknown): Failure {
	const reason = error instanceof Error ? error.message : String(error);
	return {
		kind: step === 'submit' ? 'ambiguous-submit' : step === 'download' ? 'download' : 'network',
		message: `The ${step} failed unexpectedly: ${reason}`,
		description:
			step === 'submit'
				? 'The node cannot tell whether the API received this generation, so it was not sent again. Look for it in your AIML API dashboard before running this item again.'
				: 'Run Get Generation with this id to try again.',
	};
}

/** Marks a job as due one interval after the end of the current round. */
const AFTER_ROUND = -1;

/** Backoff for retries: 1 s, 2 s, 4 s … never longer than the poll interval (and at least 1 s). */
export function backoffMs(attempt: number, intervalMs: number): number {
	return Math.max(1000, Math.min(intervalMs, 1000 * 2 ** Math.max(0, attempt - 1)));
}

async function inParallel<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < tasks.length) {
			const task = tasks[next++];
			await task();
		}
	};
	await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), tasks.length) }, worker));
}

export function progressOf(jobs: Job[]): Progress {
	const count = (...states: Job['state'][]) => jobs.filter((job) => states.includes(job.state)).length;
	const statuses: Record<string, number> = {};
	for (const job of jobs) {
		if (job.state !== 'pending' && job.state !== 'downloading') continue;
		const status = job.state === 'downloading' ? 'downloading' : job.generation ? statusOf(job.generation) || 'submitted' : 'submitted';
		statuses[status] = (statuses[status] ?? 0) + 1;
	}
	return {
		statuses,
		total: jobs.length,
		done: count('done'),
		failed: count('failed'),
		running: count('pending', 'downloading'),
		waitingToSubmit: count('submit'),
	};
}

/** Runs every job to an end state; 'cancelled' when the execution was cancelled meanwhile. */
export async function runJobs(jobs: Job[], deps: SchedulerDeps): Promise<'finished' | 'cancelled'> {
	const { clock } = deps;
	const maxSubmitRetries = deps.maxSubmitRetries ?? 5;
	let limit = Math.max(1, deps.maxRunning);
	const downloads = new Set<Promise<void>>();
	let downloadSlots = Math.max(1, deps.parallelDownloads);
	const downloadQueue: Job[] = [];
	let lastProgress = '';

	const fail = (job: Job, failure: Failure) => {
		job.state = 'failed';
		job.failure = failure;
	};

	const startDownloads = () => {
		while (downloadSlots > 0 && downloadQueue.length > 0) {
			const job = downloadQueue.shift() as Job;
			downloadSlots--;
			const task: Promise<void> = (async () => {
				const download = deps.download as (job: Job) => Promise<Failure | undefined>;
				const failure = await settled(download(job), (error) => unexpected('download', error));
				if (failure) {
					fail(job, failure);
				} else {
					job.state = 'done';
					job.result = 'completed';
				}
			})().finally(() => {
				downloadSlots++;
				downloads.delete(task);
				startDownloads();
			});
			downloads.add(task);
		}
	};

	/** A failed outcome ends the job; a retryable one is counted. True when the job may try again. */
	const countRetry = (job: Job, outcome: { type: string; failure: Failure }): boolean => {
		if (outcome.type === 'failed') {
			fail(job, outcome.failure);
			return false;
		}
		job.attempts++;
		job.lastRetryFailure = outcome.failure;
		return true;
	};

	const settle = (job: Job, generation: Generation) => {
		job.generation = generation;
		const verdict = judge(generation);
		if (verdict.state === 'running') {
			if (!job.waitForCompletion) {
				job.state = 'done';
				job.result = 'running';
			} else {
				job.state = 'pending';
				job.nextAt = AFTER_ROUND;
			}
			return;
		}
		if (verdict.state === 'failed') {
			fail(job, { kind: verdict.kind, message: verdict.message, description: verdict.description, apiError: generation.error ?? undefined });
			return;
		}
		job.videoUrl = verdict.videoUrl;
		if (deps.download) {
			job.state = 'downloading';
			downloadQueue.push(job);
			startDownloads();
		} else {
			job.state = 'done';
			job.result = 'completed';
		}
	};

	const submitOne = async (job: Job) => {
		// Queued behind other requests past its deadline: not sent; the next round says so.
		if (clock.now() >= job.deadline) return;
		const outcome = await settled(deps.submit(job), (error): SubmitOutcome => ({ type: 'failed', failure: unexpected('submit', error) }));
		const now = clock.now();
		if (outcome.type === 'accepted') {
			job.generationId = outcome.generation.id;
			job.generation = outcome.generation;
			job.submittedHere = true;
			job.attempts = 0;
			deps.onAccepted?.(job);
			if (!job.waitForCompletion) {
				job.state = 'done';
				job.result = 'running';
				return;
			}
			// The first poll need not come before one interval has passed.
			job.state = 'pending';
			job.nextAt = AFTER_ROUND;
			const verdict = judge(outcome.generation);
			if (verdict.state !== 'running') settle(job, outcome.generation);
			return;
		}
		if (!countRetry(job, outcome)) return;
		if (outcome.type === 'retry' && job.attempts > maxSubmitRetries) {
			fail(job, outcome.failure);
			return;
		}
		const running = jobs.filter((other) => other.state === 'pending').length;
		if (outcome.type === 'limited' && running > 0 && job.waitForCompletion) {
			// The account's limit is at most what runs now: wait for one of ours to finish.
			limit = Math.max(1, Math.min(limit, running));
			job.nextAt = now;
		} else {
			job.nextAt = now + backoffMs(job.attempts, job.waitForCompletion ? job.pollIntervalMs : 16000);
		}
	};

	const pollOne = async (job: Job) => {
		if (clock.now() >= job.deadline) return;
		const outcome = await settled(deps.poll(job), (error): PollOutcome => ({ type: 'retry', failure: unexpected('poll', error) }));
		if (outcome.type === 'status') {
			job.attempts = 0;
			settle(job, outcome.generation);
			return;
		}
		if (!countRetry(job, outcome)) return;
		job.nextAt = clock.now() + backoffMs(job.attempts, job.pollIntervalMs);
	};

	const expire = (job: Job, now: number) => {
		if (now < job.deadline) return;
		const last = job.lastRetryFailure ? ` The last answer was: ${job.lastRetryFailure.message}.` : '';
		if (job.state === 'submit') {
			fail(job, {
				kind: 'not-submitted',
				message: job.waitForCompletion
					? 'The generation could not be submitted before "Max Wait" ran out'
					: 'The generation could not be submitted: the API kept refusing it',
				description: `Nothing was created or charged for this item.${last} Lower "Max Concurrent Generations" or raise "Max Wait", then run again.`,
				httpCode: job.lastRetryFailure?.httpCode,
			});
		} else if (job.onTimeout === 'return') {
			job.state = 'done';
			job.result = 'timedOut';
		} else {
			fail(job, {
				kind: 'timeout',
				message: `Generation ${job.generationId} did not finish within "Max Wait" (last status: ${job.generation?.status ?? 'unknown'})`,
				description: `The generation keeps running at the API and is charged when it completes. Collect it with the Get Generation operation and the id ${job.generationId}, or raise "Max Wait" (or set "On Timeout" to return the pending generation).${last}`,
			});
		}
	};

	const report = () => {
		if (!deps.onProgress) return;
		const progress = progressOf(jobs);
		const key = JSON.stringify(progress);
		if (key !== lastProgress) {
			lastProgress = key;
			deps.onProgress(progress);
		}
	};

	try {
		for (;;) {
			// Older n8n's sleep ignores the signal; this check still stops the loop at the next round.
			if (deps.signal?.aborted) return 'cancelled';
			const now = clock.now();
			for (const job of jobs) if (job.state === 'submit' || job.state === 'pending') expire(job, now);
			report();
			if (deps.stopOnFailure && jobs.some((job) => job.state === 'failed')) break;
			const active = jobs.filter((job) => job.state === 'submit' || job.state === 'pending');
			if (active.length === 0) break;

			const running = jobs.filter((job) => job.state === 'pending').length;
			let slots = limit - running;
			const tasks: Array<() => Promise<void>> = [];
			for (const job of active) {
				if (job.state !== 'submit' || job.nextAt > now) continue;
				if (job.waitForCompletion) {
					if (slots <= 0) continue;
					slots--;
				}
				tasks.push(async () => await submitOne(job));
			}
			for (const job of active) {
				if (job.state === 'pending' && job.nextAt <= now) tasks.push(async () => await pollOne(job));
			}
			if (tasks.length > 0) {
				await inParallel(deps.parallelRequests, tasks);
				// Everything this round sent is next due together, one interval after the round: the
				// jobs stay in step, so the loop wakes once per interval rather than once per job.
				const end = clock.now();
				for (const job of jobs) if (job.nextAt === AFTER_ROUND) job.nextAt = end + job.pollIntervalMs;
				continue;
			}

			// Nothing due: sleep until the next poll, retry or deadline.
			const freeSlot = limit - running > 0;
			let wake = Infinity;
			for (const job of active) {
				wake = Math.min(wake, job.deadline);
				if (job.state === 'pending' || freeSlot || !job.waitForCompletion) wake = Math.min(wake, job.nextAt);
			}
			const slept = await clock.sleep(Math.max(0, wake - now), deps.signal).then(
				() => true,
				() => false,
			);
			if (!slept) return 'cancelled';
		}
	} finally {
		while (downloads.size > 0) await Promise.allSettled([...downloads]);
	}
	report();
	return deps.signal?.aborted ? 'cancelled' : 'finished';
}
