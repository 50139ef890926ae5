/**
 * Every item checked before anything is sent: the run's record of its items (each one's job and
 * what the run planned for it), and the planning that fills it, for a submit or for a check.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BudgetSettings } from '../spend/options';
import type { WaitSettings } from '../actions/wait-settings';
import { LIMITS } from '../actions/common';
import { readWaitSettings } from '../actions/wait-settings';
import { requestFor } from '../actions/generate.operation';
import { generationIdFor } from '../actions/get.operation';
import type { Ledger } from '../spend/ledger';
import type { Clock } from '../transport/deadline';
import type { Failure } from '../shared/errors';
import { InputError } from '../shared/errors';
import { UNIVERSAL_PATH } from '../request/models';
import { LoopMemory, refuseLoopRow } from './loop';
import { readCarriedWait } from './carried-wait';
import { ambiguousSubmit } from './machine';
import type { Ending } from './outcome';
import { failureError } from './outcome';
import type { Secret } from '../shared/redact';
import type { GenerateRequest } from '../request/build';
import type { SubmittedRequest } from './resume';
import type { SubmitMemory } from './resume';
import type { ApiContext } from '../transport/api';
import { failHeld, readHeld } from './together';
import type { Job } from './wait';

/** Without waiting, a submit refused for the account's limit is tried again for this long. */
const NO_WAIT_SUBMIT_BUDGET_MS = 120_000;

/** One input item through the run: its job in the wait loop, and what the run planned for it. */
export interface Item {
	job: Job;
	/** Absent only for an item that failed before its settings were read. */
	settings?: WaitSettings;
	request?: GenerateRequest;
	submitted?: SubmittedRequest;
	pollPath: string;
	/** Get Generation in the durable loop: when this generation's loop began, and its checks so far. */
	loop?: { startedAt: number; checksBefore: number };
}

export interface Run extends Ending {
	ctx: IExecuteFunctions;
	clock: Clock;
	start: number;
	items: Item[];
	memory: SubmitMemory;
	continueOnFail: boolean;
	step: ApiContext;
	setupFailure?: Failure;
	budget: BudgetSettings;
	/** What the run spends, and its budget. */
	ledger: Ledger;
	/** An AI agent's tool call: rows carry only what an agent can use. */
	asTool: boolean;
	/** Get Generation's record of the loops it checked in this execution, once a check of the loop needs it. */
	loops?: LoopMemory;
	/** The credential's key, to keep its text out of everything the node writes. */
	secret: Secret;
}

export function inputFailure(error: InputError): Failure {
	return {
		kind: 'input',
		message: error.message,
		description:
			`Field: ${error.field}. ${error.hint ?? ''} Nothing was sent to the API for this item.`.trim(),
	};
}

/** Checks one item and makes its job; a bad item fails (or stops the node) before anything is sent. */
export async function planItem(run: Run, itemIndex: number): Promise<void> {
	const job: Job = {
		index: itemIndex,
		waitForCompletion: false,
		pollIntervalMs: 10_000,
		deadline: run.start,
		onTimeout: 'fail',
		state: 'submit',
		nextAt: run.start,
		attempts: 0,
	};
	const item: Item = { job, pollPath: UNIVERSAL_PATH };
	run.jobs.push(job);
	run.items.push(item);
	try {
		if (run.setupFailure) throw new InputError('Setup', run.setupFailure.message);
		const settings = readWaitSettings(run.ctx, itemIndex);
		item.settings = settings;
		applySettings(run, job, settings);
		if (run.ctx.getNodeParameter('operation', itemIndex) === 'generate') {
			refuseLoopRow(run.ctx.getInputData()[itemIndex]?.json ?? {});
			await planSubmit(run, item);
		} else planCheck(run, item, settings);
	} catch (error) {
		// An expression that fails for this item is this item's failure too, not the whole run's.
		if (!(error instanceof InputError) && !run.continueOnFail)
			throw new NodeOperationError(run.node, error as Error, { itemIndex });
		job.state = 'failed';
		job.failure = run.setupFailure ?? itemFailure(error);
		if (!run.continueOnFail) throw failureError(run, job);
	}
}

function itemFailure(error: unknown): Failure {
	if (error instanceof InputError) return inputFailure(error);
	return {
		kind: 'input',
		message: error instanceof Error ? error.message : String(error),
		description:
			"Check this item's parameters and the expressions that fill them. Nothing was sent to the API for this item.",
	};
}

/** The item's wait: in this run until Max Wait, or one check (split by state) within the loop's deadline. */
function applySettings(run: Run, job: Job, settings: WaitSettings): void {
	job.waitForCompletion = settings.wait;
	job.pollIntervalMs = settings.pollIntervalMs;
	job.onTimeout = settings.onTimeout;
	job.deadline = run.start + (settings.wait ? settings.maxWaitMs : NO_WAIT_SUBMIT_BUDGET_MS);
	if (settings.split) job.loopDeadline = run.start + settings.maxWaitMs;
}

/**
 * Get Generation: the id to check and, in the durable loop, the loop's deadline: the earliest of the
 * one this node remembers for the generation in this execution and the one the item carries in
 * `veoWait`, or Max Wait from now for a generation never seen. A `veoWait` this node could not have
 * written is refused before anything is sent, and its figures (cost among them) are not used.
 */
function planCheck(run: Run, item: Item, settings: WaitSettings): void {
	const { job } = item;
	const veoWait = run.ctx.getInputData()[job.index]?.json?.veoWait;
	const held = settings.split ? readHeld(veoWait) : undefined;
	if (held && 'refused' in held) throw refusedWait(held.refused);
	// A failure held for the rest of its batch (Hand On Together) may have no generation to check.
	if (held?.held === 'failed') {
		failHeld(job, held);
		return;
	}
	const generationId = generationIdFor(run.ctx, job.index);
	job.generationId = generationId;
	job.state = 'pending';
	if (!settings.split) return;
	const carried = readCarriedWait(veoWait, generationId, {
		now: run.start,
		maxLoopMs: LIMITS.maxWait.max * 1000,
	});
	if (carried && 'refused' in carried) throw refusedWait(carried.refused, generationId);
	if (held) {
		// Ended while others of its batch ran: not checked again until the batch ends.
		Object.assign(job, { state: 'done', result: held.held, held: 'carried' });
	}
	const span = loopsOf(run).join(generationId, carried, {
		startedAt: run.start,
		deadline: run.start + settings.maxWaitMs,
	});
	job.loopDeadline = span.deadline;
	item.loop = { startedAt: span.startedAt, checksBefore: carried?.checks ?? 0 };
	if (carried?.cost) job.cost = carried.cost;
}

function refusedWait(refused: string, generationId?: string): InputError {
	const generation = generationId ? `generation ${generationId}` : 'the generation';
	return new InputError(
		'veoWait',
		`The item's veoWait is not the loop state this node wrote: ${refused}`,
		`Pass the items of the Running output on to Get Generation unchanged: veoWait holds the loop's deadline. Or remove the veoWait field: this node then keeps the deadline it gave ${generation} earlier in this execution (or starts Max Wait at this check, if it has not seen it before).`,
	);
}

/** The loops record in the node's execution context; where a host gives no context, one for this run alone. */
function loopsOf(run: Run): LoopMemory {
	if (run.loops) return run.loops;
	let context: IDataObject = {};
	try {
		context = run.ctx.getContext('node') as IDataObject;
	} catch {
		// No execution context: the item's veoWait still bounds the loop.
	}
	run.loops = new LoopMemory(context, run.start);
	return run.loops;
}

/** Builds the item's request, or picks up what an earlier try of this run did with it. */
async function planSubmit(run: Run, item: Item): Promise<void> {
	const { job } = item;
	const request = await requestFor(run.ctx, job.index);
	item.request = request;
	item.pollPath = request.path;
	item.submitted = { itemIndex: job.index, path: request.path, body: request.body };
	const remembered = run.memory.recall(item.submitted);
	if (!remembered) return;
	if ('generationId' in remembered) {
		job.generationId = remembered.generationId;
		job.cost = run.ledger.resumed(job, remembered.cost);
		job.submittedHere = true;
		job.state = 'pending';
		return;
	}
	run.ledger.lostEarlier(job);
	job.state = 'failed';
	job.failure = ambiguousSubmit(
		`An earlier try of this node in this execution sent this generation and lost the API's answer (${remembered.reason})`,
	);
}

/** The item a job of the wait loop stands for: jobs are numbered by their item's index. */
export function itemOf(run: Run, job: Job): Item {
	return run.items[job.index];
}
