/**
 * The one poller. Every item of a run is a job; one loop submits what it may, polls what is
 * due, hands finished videos to the downloader, then sleeps until the next thing is due.
 * N items therefore take about the time of the slowest one, not N times one.
 *
 * Pure of n8n: requests, clock and sleep are injected, so tests drive it with a fake clock. The
 * jobs' states and transitions are plain data in machine.ts; this file only decides what runs when.
 */
import type { Cost } from '../spend/cost';
import type { Clock } from '../transport/deadline';
import type { Failure } from '../shared/errors';
import type { Generation } from '../transport/generation';
import { statusOf } from '../transport/generation';
import { Downloads } from './downloads';
import type { Job } from './machine';
import { settled, unexpected } from './step-guard';
import {
	acceptJob,
	AFTER_ROUND,
	backoffMs,
	countRetry,
	expireJob,
	failJob,
	isActive,
	settleJob,
} from './machine';

export type { Job, JobResult } from './machine';
export { backoffMs } from './machine';

export type SubmitOutcome =
	/** The API accepted it: a paid generation exists. */
	| { type: 'accepted'; generation: Generation; cost?: Cost }
	/** 429: the account's limit is reached; nothing was created. */
	| { type: 'limited'; failure: Failure }
	/** Refused before acceptance (503, connection refused): safe to send again. */
	| { type: 'retry'; failure: Failure }
	/** Definite refusal, or an answer we cannot read (never sent again). */
	| { type: 'failed'; failure: Failure };

export type PollOutcome =
	| { type: 'status'; generation: Generation; cost?: Cost }
	/** Network error, 429, 5xx, unreadable body: ask again later. */
	| { type: 'retry'; failure: Failure }
	| { type: 'failed'; failure: Failure };

export interface Progress {
	total: number;
	done: number;
	failed: number;
	running: number;
	waitingToSubmit: number;
	/** Running generations by the API's latest status, e.g. { queued: 2, generating: 5 }. */
	statuses: Record<string, number>;
}

/** Decides, before a submit is sent, whether the run may buy it (the budget); told how it went after. */
export interface Admission {
	/** At the start of a round, before anything of the round is sent: send it, hold it a round, or refuse it. */
	admit(job: Job): 'send' | 'hold' | Failure;
	/** After the submit: its outcome, or undefined when it was not sent after all. */
	settle(job: Job, outcome?: SubmitOutcome): void;
	/** A cost a status answer reported for the job's generation: the row's figure from now on. */
	reported?(job: Job, cost: Cost): void;
}

export interface SchedulerDeps {
	clock: Clock;
	signal?: AbortSignal;
	submit(job: Job): Promise<SubmitOutcome>;
	poll(job: Job): Promise<PollOutcome>;
	/** Fetch the finished video; absent when no download is wanted. Resolves to a Failure if it failed. */
	download?(job: Job): Promise<Failure | undefined>;
	/**
	 * Called once per submit sent, with how it went (a submit that threw as an ambiguous one), before
	 * anything else happens to its job; for an accepted one, once the job holds its generation.
	 */
	onSubmitted?(job: Job, outcome: SubmitOutcome): void;
	onProgress?(progress: Progress): void;
	admission?: Admission;
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
	const count = (...states: Job['state'][]) =>
		jobs.filter((job) => states.includes(job.state)).length;
	const statuses: Record<string, number> = {};
	for (const job of jobs) {
		if (job.state !== 'pending' && job.state !== 'downloading') continue;
		const status =
			job.state === 'downloading'
				? 'downloading'
				: job.generation
					? statusOf(job.generation) || 'submitted'
					: 'submitted';
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

/** One run of the loop over a set of jobs. */
class Scheduler {
	private limit: number;
	private readonly maxSubmitRetries: number;
	private readonly downloads?: Downloads;
	private lastProgress = '';

	constructor(
		private readonly jobs: Job[],
		private readonly deps: SchedulerDeps,
	) {
		this.limit = Math.max(1, deps.maxRunning);
		this.maxSubmitRetries = deps.maxSubmitRetries ?? 5;
		if (deps.download) this.downloads = new Downloads(deps.download, deps.parallelDownloads);
	}

	async run(): Promise<'finished' | 'cancelled'> {
		try {
			for (;;) {
				// Older n8n's sleep ignores the signal; this check still stops the loop at the next round.
				if (this.deps.signal?.aborted) return 'cancelled';
				const now = this.deps.clock.now();
				for (const job of this.jobs) expireJob(job, now);
				this.report();
				if (this.deps.stopOnFailure && this.jobs.some((job) => job.state === 'failed')) break;
				const active = this.jobs.filter(isActive);
				if (active.length === 0) break;
				const tasks = this.dueTasks(active, now);
				if (tasks.length > 0) await this.runRound(tasks);
				else if (!(await this.sleepUntilDue(active, now))) return 'cancelled';
			}
		} finally {
			await this.downloads?.drain();
		}
		this.report();
		return this.deps.signal?.aborted ? 'cancelled' : 'finished';
	}

	private running(): number {
		return this.jobs.filter((job) => job.state === 'pending').length;
	}

	/** Submits that fit under the limit and the budget, and every poll that is due. */
	private dueTasks(active: Job[], now: number): Array<() => Promise<void>> {
		let slots = this.limit - this.running();
		const submits: Job[] = [];
		let refused = false;
		for (const job of active) {
			if (job.state !== 'submit' || job.nextAt > now) continue;
			if (job.waitForCompletion && slots <= 0) continue;
			const admitted = this.deps.admission?.admit(job) ?? 'send';
			if (admitted === 'hold') continue;
			if (admitted !== 'send') {
				failJob(job, admitted);
				refused = true;
				continue;
			}
			if (job.waitForCompletion) slots--;
			submits.push(job);
		}
		if (refused && this.deps.stopOnFailure) {
			// The node is going to stop: nothing more is bought for a run that outputs no rows.
			for (const job of submits) this.deps.admission?.settle(job);
			return [];
		}
		const tasks = submits.map((job) => async () => await this.submitOne(job));
		for (const job of active) {
			if (job.state === 'pending' && job.nextAt <= now)
				tasks.push(async () => await this.pollOne(job));
		}
		return tasks;
	}

	private async runRound(tasks: Array<() => Promise<void>>): Promise<void> {
		await inParallel(this.deps.parallelRequests, tasks);
		// Everything this round sent is next due together, one interval after the round: the
		// jobs stay in step, so the loop wakes once per interval rather than once per job.
		const end = this.deps.clock.now();
		for (const job of this.jobs)
			if (job.nextAt === AFTER_ROUND) job.nextAt = end + job.pollIntervalMs;
	}

	/** Nothing due: sleep until the next poll, retry or deadline. False when cancelled meanwhile. */
	private async sleepUntilDue(active: Job[], now: number): Promise<boolean> {
		const freeSlot = this.limit - this.running() > 0;
		let wake = Infinity;
		for (const job of active) {
			wake = Math.min(wake, job.deadline);
			if (job.state === 'pending' || freeSlot || !job.waitForCompletion)
				wake = Math.min(wake, job.nextAt);
		}
		return await this.deps.clock.sleep(Math.max(0, wake - now), this.deps.signal).then(
			() => true,
			() => false,
		);
	}

	private settle(job: Job, generation: Generation): void {
		if (
			settleJob(job, generation, this.deps.clock.now(), this.downloads !== undefined) === 'download'
		)
			this.downloads?.add(job);
	}

	private async submitOne(job: Job): Promise<void> {
		// Queued behind other requests past its deadline: not sent; the next round says so.
		if (this.deps.clock.now() >= job.deadline) {
			this.deps.admission?.settle(job);
			return;
		}
		const outcome = await settled(this.deps.submit(job), (error): SubmitOutcome => ({
			type: 'failed',
			failure: unexpected('submit', error),
		}));
		this.deps.admission?.settle(job, outcome);
		if (outcome.type === 'accepted') acceptJob(job, outcome.generation, outcome.cost);
		this.deps.onSubmitted?.(job, outcome);
		if (outcome.type === 'accepted') {
			// Waiting, the first poll need not come before one interval has passed.
			this.settle(job, outcome.generation);
			return;
		}
		if (!countRetry(job, outcome)) return;
		if (outcome.type === 'retry' && job.attempts > this.maxSubmitRetries) {
			failJob(job, outcome.failure);
			return;
		}
		const running = this.running();
		if (outcome.type === 'limited' && running > 0 && job.waitForCompletion) {
			// The account's limit is at most what runs now: wait for one of ours to finish.
			this.limit = Math.max(1, Math.min(this.limit, running));
			job.nextAt = this.deps.clock.now();
		} else {
			job.nextAt =
				this.deps.clock.now() +
				backoffMs(job.attempts, job.waitForCompletion ? job.pollIntervalMs : 16000);
		}
	}

	private async pollOne(job: Job): Promise<void> {
		if (this.deps.clock.now() >= job.deadline) return;
		const outcome = await settled(this.deps.poll(job), (error): PollOutcome => ({
			type: 'retry',
			failure: unexpected('poll', error),
		}));
		if (outcome.type === 'status') {
			job.attempts = 0;
			if (outcome.cost) {
				job.cost = outcome.cost;
				this.deps.admission?.reported?.(job, outcome.cost);
			}
			this.settle(job, outcome.generation);
			return;
		}
		if (!countRetry(job, outcome)) return;
		job.nextAt = this.deps.clock.now() + backoffMs(job.attempts, job.pollIntervalMs);
	}

	private report(): void {
		if (!this.deps.onProgress) return;
		const progress = progressOf(this.jobs);
		const key = JSON.stringify(progress);
		if (key === this.lastProgress) return;
		this.lastProgress = key;
		this.deps.onProgress(progress);
	}
}

/** Runs every job to an end state; 'cancelled' when the execution was cancelled meanwhile. */
export async function runJobs(jobs: Job[], deps: SchedulerDeps): Promise<'finished' | 'cancelled'> {
	return await new Scheduler(jobs, deps).run();
}
