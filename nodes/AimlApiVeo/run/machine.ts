/**
 * One item's way from a request to a video, as plain data: a `Job` and the transitions between its
 * states. The in-run wait (wait.ts) drives jobs round by round in one process; the durable loop
 * writes a running job into its output item (`CarriedWait`, carried-wait.ts) and reads it back when the item returns
 * from n8n's Wait node. Both move a job only through the functions below, so both end the same way.
 *
 *   submit ──accepted──▶ pending ──finished──▶ downloading ──▶ done (completed)
 *     │                    │ └──still running, not waiting──▶ done (running) ─▶ the item carries it
 *     └──refused───────────┴──failed, or past the deadline──▶ failed | done (timedOut)
 */
import type { IDataObject } from 'n8n-workflow';

import type { Cost } from '../spend/cost';
import type { Failure } from '../shared/errors';
import type { Generation } from '../transport/generation';
import { judge } from '../transport/generation';

export type JobResult = 'completed' | 'running' | 'timedOut';

export interface Job {
	/** The input item this job answers. */
	index: number;
	/** Set for Get Generation, and once a submit was accepted. */
	generationId?: string;
	/** This node's own submit created the generation (in this try or an earlier one). */
	submittedHere?: boolean;
	/** What the API reported the generation cost (at its submit, or in a status answer). */
	cost?: Cost;
	/** Its estimate before the submit, and where it came from (the API's catalogue or the node's table). */
	estimate?: IDataObject;
	/** The model's health when the API's deprecation feed lists it (deprecated or superseded). */
	modelNotice?: IDataObject;
	/** The latest generation object seen (submit answer or poll). */
	generation?: Generation;
	waitForCompletion: boolean;
	pollIntervalMs: number;
	/** Absolute time after which the job stops waiting in this run (and its requests end). */
	deadline: number;
	/**
	 * Durable loop only: the absolute time, set once when the loop began, after which a generation
	 * that is still running leaves the loop (as On Timeout says) instead of going round again.
	 */
	loopDeadline?: number;
	onTimeout: 'fail' | 'return';
	state: 'submit' | 'pending' | 'downloading' | 'done' | 'failed';
	result?: JobResult;
	failure?: Failure;
	/** The first of `videoUrls`. */
	videoUrl?: string;
	/** Every video of the completed generation (one, or several from a list), each downloaded when asked. */
	videoUrls?: string[];
	/** Entries of the API's video list the node did not take, in words (see videosOf). */
	videoNotes?: string[];
	/** When the job may next be submitted or polled. */
	nextAt: number;
	/** Consecutive retryable failures of the current step. */
	attempts: number;
	lastRetryFailure?: Failure;
	/** Hand On Together (together.ts): held since an earlier round ('carried') or from this run ('now'). */
	held?: 'carried' | 'now';
}

/** Marks a job as due one interval after the end of the current round. */
export const AFTER_ROUND = -1;

export const AMBIGUOUS_SUBMIT =
	'The API may have accepted this generation (and may charge for it) but its answer was lost. The node did not send the request again, to avoid paying twice, and will not on a retry of this execution either. Look for the generation in your AIML API dashboard before running this item again.';

/** A submit that may have reached the API: it is never sent again, and a retry does not buy it again. */
export function ambiguousSubmit(message: string): Failure {
	return { kind: 'ambiguous-submit', message, description: AMBIGUOUS_SUBMIT };
}

export function failJob(job: Job, failure: Failure): void {
	job.state = 'failed';
	job.failure = failure;
}

export function isActive(job: Job): boolean {
	return job.state === 'submit' || job.state === 'pending';
}

/** Backoff for retries: 1 s, 2 s, 4 s … never longer than the poll interval (and at least 1 s). */
export function backoffMs(attempt: number, intervalMs: number): number {
	return Math.max(1000, Math.min(intervalMs, 1000 * 2 ** Math.max(0, attempt - 1)));
}

/** A failed outcome ends the job; a retryable one is counted. True when the job may try again. */
export function countRetry(job: Job, outcome: { type: string; failure: Failure }): boolean {
	if (outcome.type === 'failed') {
		failJob(job, outcome.failure);
		return false;
	}
	job.attempts++;
	job.lastRetryFailure = outcome.failure;
	return true;
}

/** The API accepted the submit: from here on a paid generation exists and has an id. */
export function acceptJob(job: Job, generation: Generation, cost?: Cost): void {
	job.generationId = generation.id;
	if (cost) job.cost = cost;
	job.generation = generation;
	job.submittedHere = true;
	job.attempts = 0;
}

/**
 * A status the API reported. Returns 'download' when the video is ready and should be fetched next;
 * otherwise the job is settled (done, failed, or due for its next poll one interval after the round).
 */
export function settleJob(
	job: Job,
	generation: Generation,
	now: number,
	wantsDownload: boolean,
): 'download' | undefined {
	job.generation = generation;
	const verdict = judge(generation);
	if (verdict.state === 'running') {
		if (job.waitForCompletion) {
			job.state = 'pending';
			job.nextAt = AFTER_ROUND;
		} else if (job.loopDeadline !== undefined && now >= job.loopDeadline) {
			timeOutJob(job);
		} else {
			job.state = 'done';
			job.result = 'running';
		}
		return undefined;
	}
	if (verdict.state === 'failed') {
		failJob(job, {
			kind: verdict.kind,
			message: verdict.message,
			description: verdict.description,
			apiError: generation.error ?? undefined,
		});
		return undefined;
	}
	job.videoUrl = verdict.videoUrl;
	job.videoUrls = verdict.videoUrls;
	if (verdict.videoNotes.length > 0) job.videoNotes = verdict.videoNotes;
	if (wantsDownload) {
		job.state = 'downloading';
		return 'download';
	}
	job.state = 'done';
	job.result = 'completed';
	return undefined;
}

/** The download's end: the job is done, or failed with what went wrong. */
export function finishDownload(job: Job, failure: Failure | undefined): void {
	if (failure) {
		failJob(job, failure);
		return;
	}
	job.state = 'done';
	job.result = 'completed';
}

function lastAnswer(job: Job): string {
	return job.lastRetryFailure ? ` The last answer was: ${job.lastRetryFailure.message}.` : '';
}

/** A generation that runs past its wait: returned pending, or failed naming its id. */
function timeOutJob(job: Job): void {
	if (job.onTimeout === 'return') {
		job.state = 'done';
		job.result = 'timedOut';
		return;
	}
	failJob(job, {
		kind: 'timeout',
		message: `Generation ${job.generationId} did not finish within "Max Wait" (last status: ${job.generation?.status ?? 'unknown'})`,
		description: `The generation keeps running at the API and is charged when it completes. Collect it with the Get Generation operation and the id ${job.generationId}, or raise "Max Wait" (or set "On Timeout" to return the pending generation).${lastAnswer(job)}`,
	});
}

/** Ends an active job whose deadline has passed; a job never submitted was never charged. */
export function expireJob(job: Job, now: number): void {
	if (!isActive(job) || now < job.deadline) return;
	if (job.state === 'pending') {
		// A check of the durable loop that got no answer in time: the loop asks again next round.
		if (!job.waitForCompletion && job.loopDeadline !== undefined && now < job.loopDeadline) {
			job.state = 'done';
			job.result = 'running';
			return;
		}
		timeOutJob(job);
		return;
	}
	failJob(job, {
		kind: 'not-submitted',
		message: job.waitForCompletion
			? 'The generation could not be submitted before "Max Wait" ran out'
			: 'The generation could not be submitted: the API kept refusing it',
		description: `Nothing was created or charged for this item.${lastAnswer(job)} Lower "Max Concurrent Generations" or raise "Max Wait", then run again.`,
		httpCode: job.lastRetryFailure?.httpCode,
	});
}
