/**
 * The item pipeline: parameters → checked requests → submit → wait → download → output rows.
 * Every item is checked before anything is sent; then all items run through one wait loop.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { BudgetSettings } from '../spend/options';
import { readBudget } from '../spend/options';
import type { WaitSettings } from '../actions/common';
import { LIMITS, readWaitSettings, runsAsTool, splitsOutputs } from '../actions/common';
import { requestFor } from '../actions/generate.operation';
import { generationIdFor } from '../actions/get.operation';
import { checkBalance } from '../spend/balance';
import { Ledger } from '../spend/ledger';
import type { Clock } from '../transport/deadline';
import { rejectOnAbort } from '../transport/deadline';
import { downloadVideo } from '../transport/download';
import type { Failure } from '../shared/errors';
import { InputError } from '../shared/errors';
import { KEY_IN_ID_REASON, refuseKeyEchoes } from './key-echo';
import { UNIVERSAL_PATH } from '../request/models';
import { LoopMemory, refuseLoopRow } from './loop';
import { ambiguousSubmit, failJob, readCarriedWait } from './machine';
import type { Ending } from './outcome';
import { cancelledError, failureError, rowsOf, splitRows } from './outcome';
import type { Secret } from '../shared/redact';
import { secretOf } from '../shared/redact';
import type { GenerateRequest } from '../request/build';
import type { SubmittedRequest } from './resume';
import { keyOf, SubmitMemory } from './resume';
import { SpendRecord } from '../spend/record';
import { pollGeneration, submitGeneration } from './steps';
import { agentRow, TOOL_CALL_RUN } from './tool-mode';
import type { ApiContext } from '../transport/api';
import { CREDENTIAL_TYPE, resolveBaseUrl } from '../transport/api';
import type { Job, Progress, SchedulerDeps, SubmitOutcome } from './wait';
import { runJobs } from './wait';

const PARALLEL_REQUESTS = 16;
const PARALLEL_DOWNLOADS = 8;
/** Without waiting, a submit refused for the account's limit is tried again for this long. */
const NO_WAIT_SUBMIT_BUDGET_MS = 120_000;

/** One input item through the run: its job in the wait loop, and what the run planned for it. */
interface Item {
	job: Job;
	/** Absent only for an item that failed before its settings were read. */
	settings?: WaitSettings;
	request?: GenerateRequest;
	submitted?: SubmittedRequest;
	pollPath: string;
	/** Get Generation in the durable loop: when this generation's loop began, and its checks so far. */
	loop?: { startedAt: number; checksBefore: number };
}

interface Run extends Ending {
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

/** The sleep also ends with the signal: older n8n's `sleep` ignores it, and a cancel must not wait out a poll interval. */
const realClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await Promise.race([sleep(ms, signal), rejectOnAbort(signal)]),
};

export async function executeItems(ctx: IExecuteFunctions, clock: Clock = realClock): Promise<INodeExecutionData[][]> {
	const run = await prepareRun(ctx, clock);
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) await planItem(run, itemIndex);
	run.loops?.trim();
	await checkBatchFirst(run);
	const ending = await runJobs(run.jobs, schedulerDeps(run));
	if (ending === 'cancelled') throw cancelledError(run);
	refuseKeyEchoes(run.jobs, run.secret, (job) => run.binaries.has(job.index));
	for (const item of run.items) updateSubmitRecord(run, item);
	const failed = run.continueOnFail ? undefined : run.jobs.find((job) => job.state === 'failed');
	if (failed) throw failureError(run, failed);
	if (!splitsOutputs(run.node.parameters)) return [run.asTool ? rowsOf(run).map(agentRow) : rowsOf(run)];
	return splitRows(run, (job) => itemOf(run, job).loop ?? { startedAt: run.start, checksBefore: 0 });
}

/** The credential, the run's memory of earlier tries, and how failures leave the node. */
async function prepareRun(ctx: IExecuteFunctions, clock: Clock): Promise<Run> {
	const node = ctx.getNode();
	let baseUrl = '';
	let secret: Secret = secretOf(undefined);
	let setupFailure: Failure | undefined;
	let budget: BudgetSettings = { checkBalance: false };
	try {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		secret = secretOf(credentials.apiKey);
		baseUrl = resolveBaseUrl(credentials.baseUrl);
		// A budget that cannot be read is never taken as no budget: then no item is sent.
		if (ctx.getInputData().length > 0 && ctx.getNodeParameter('operation', 0) === 'generate') budget = readBudget(ctx, 0);
	} catch (error) {
		if (!(error instanceof InputError)) throw new NodeOperationError(node, error as Error);
		setupFailure = inputFailure(error);
	}
	const items: Item[] = [];
	const generates = () => items.some((item) => item.request);
	const asTool = runsAsTool(ctx);
	const { memory, spend } = recordsOf(ctx, asTool);
	const ledger = new Ledger(budget, spend, {
		requestOf: (job) => items[job.index]?.request,
		submitKeyOf: (job) => {
			const submitted = items[job.index]?.submitted;
			return submitted ? keyOf(submitted) : undefined;
		},
	});
	return {
		ctx,
		clock,
		node,
		start: clock.now(),
		jobs: [],
		items,
		binaries: new Map<number, IBinaryData>(),
		binaryPropertyOf: (job) => (items[job.index].settings as WaitSettings).binaryProperty,
		redact: secret.redact,
		secret,
		// A tool has one output, its answer to the agent: no error output to route failures to.
		errorOutput: node.onError === 'continueErrorOutput' && !asTool,
		continueOnFail: ctx.continueOnFail(),
		memory,
		step: { ctx, baseUrl, clock },
		setupFailure,
		budget,
		ledger,
		totals: () => (generates() ? ledger.totals() : undefined),
		asTool,
	};
}

/**
 * The record of this run's submits (of every call, for a tool) and of what the node spent in this
 * execution, both kept in the node's execution context. Where a context cannot give them (a host
 * that runs the node outside a workflow execution), records for this call alone.
 */
function recordsOf(ctx: IExecuteFunctions, asTool: boolean): { memory: SubmitMemory; spend: SpendRecord } {
	try {
		const context = ctx.getContext('node') as IDataObject;
		const runIndex = asTool ? TOOL_CALL_RUN : Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
		const run = Number.isInteger(runIndex) ? runIndex : 0;
		return { memory: new SubmitMemory(context, run), spend: new SpendRecord(context, run) };
	} catch {
		return { memory: new SubmitMemory({}, 0), spend: new SpendRecord({}, 0) };
	}
}

function inputFailure(error: InputError): Failure {
	return {
		kind: 'input',
		message: error.message,
		description: `Field: ${error.field}. ${error.hint ?? ''} Nothing was sent to the API for this item.`.trim(),
	};
}

/** Checks one item and makes its job; a bad item fails (or stops the node) before anything is sent. */
async function planItem(run: Run, itemIndex: number): Promise<void> {
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
		if (!(error instanceof InputError) && !run.continueOnFail) throw new NodeOperationError(run.node, error as Error, { itemIndex });
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
		description: "Check this item's parameters and the expressions that fill them. Nothing was sent to the API for this item.",
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
	const generationId = generationIdFor(run.ctx, job.index);
	job.generationId = generationId;
	job.state = 'pending';
	if (!settings.split) return;
	const carried = readCarriedWait(run.ctx.getInputData()[job.index]?.json?.veoWait, generationId, { now: run.start, maxLoopMs: LIMITS.maxWait.max * 1000 });
	if (carried && 'refused' in carried) {
		throw new InputError(
			'veoWait',
			`The item's veoWait is not the loop state this node wrote: ${carried.refused}`,
			`Pass the items of the Running output on to Get Generation unchanged: veoWait holds the loop's deadline. Or remove the veoWait field: this node then keeps the deadline it gave generation ${generationId} earlier in this execution (or starts Max Wait at this check, if it has not seen it before).`,
		);
	}
	const span = loopsOf(run).join(generationId, carried, { startedAt: run.start, deadline: run.start + settings.maxWaitMs });
	job.loopDeadline = span.deadline;
	item.loop = { startedAt: span.startedAt, checksBefore: carried?.checks ?? 0 };
	if (carried?.cost) job.cost = carried.cost;
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
	job.failure = ambiguousSubmit(`An earlier try of this node in this execution sent this generation and lost the API's answer (${remembered.reason})`);
}

/**
 * Checks of the whole batch before its first submit: without Continue On Fail, a batch the budget
 * cannot cover; with "Check Balance First", one the account's balance cannot pay for (one request).
 */
async function checkBatchFirst(run: Run): Promise<void> {
	if (!run.continueOnFail) await refuseBatchIf(run, (requests) => run.ledger.refuseUncovered(requests));
	if (run.budget.checkBalance) await refuseBatchIf(run, async (requests) => await checkBalance(run.step, run.ledger.batchEstimate(requests), requests.length));
}

/** Every item still to submit ends unsent with the failure `decide` gives for their requests, or none does. */
async function refuseBatchIf(run: Run, decide: (requests: GenerateRequest[]) => Failure | undefined | Promise<Failure | undefined>): Promise<void> {
	const waiting = run.items.filter((item) => item.job.state === 'submit');
	if (waiting.length === 0) return;
	const failure = await decide(waiting.map((item) => item.request as GenerateRequest));
	if (failure) for (const { job } of waiting) failJob(job, failure);
}

/**
 * The submit record, kept with the execution so that a retry resumes a generation instead of paying
 * twice: the one place that writes it. After a submit (`outcome`): the generation it bought, or that
 * one may exist. After the wait (no `outcome`): a generation the API ended with its documented,
 * uncharged error may be bought again by a retry, and a tool call that ended with its video is done
 * with it (see TOOL_CALL_RUN); everything else stays remembered for this run.
 */
function updateSubmitRecord(run: Run, item: Item, outcome?: SubmitOutcome): void {
	const { job, submitted } = item;
	if (!submitted) return;
	if (!outcome) {
		const answered = run.asTool && job.state === 'done' && job.result === 'completed';
		if (job.failure?.kind === 'status-error' || answered) {
			run.memory.forget(submitted);
			run.ledger.close(job);
		}
	} else if (outcome.type === 'accepted') {
		// The record is saved with the execution: an id holding the key's text is not written there,
		// and a retry must still never buy the generation again.
		if (run.secret.reveals(job.generationId as string)) run.memory.mayExist(submitted, KEY_IN_ID_REASON);
		else run.memory.accepted(submitted, job.generationId as string, job.cost);
	} else if (outcome.type === 'failed' && outcome.failure.kind === 'ambiguous-submit') {
		// Kept with the execution's data, so it never holds the key's text.
		run.memory.mayExist(submitted, run.redact(outcome.failure.message));
	}
}

/** The item a job of the wait loop stands for: jobs are numbered by their item's index. */
function itemOf(run: Run, job: Job): Item {
	return run.items[job.index];
}

function reportProgress(run: Run, progress: Progress): void {
	const statuses = Object.entries(progress.statuses).map(([status, count]) => `${count} ${status}`);
	const totals = run.ledger.totals();
	const budget = run.ledger.limited ? ` of a budget of ${run.ledger.budgetText()}` : '';
	const spent = totals.videos > 0 || totals.possiblyAccepted > 0 || budget ? `; spent ${run.ledger.spentText()}${budget}` : '';
	// Status words are the API's: they may hold anything, the key's text too.
	const line = run.redact(`${run.node.name}: ${progress.done} done, ${progress.running} running${statuses.length ? ` (${statuses.join(', ')})` : ''}, ${progress.waitingToSubmit} waiting to submit, ${progress.failed} failed (of ${progress.total})${spent}`);
	if (run.ctx.getMode() === 'manual') run.ctx.sendMessageToUI(line);
	else run.ctx.logger.info(line);
}

function schedulerDeps(run: Run): SchedulerDeps {
	return {
		clock: run.clock,
		signal: run.ctx.getExecutionCancelSignal(),
		submit: async (job) => {
			const outcome = await submitGeneration(run.step, itemOf(run, job).request as GenerateRequest, job);
			return outcome.type === 'failed' && outcome.failure.httpCode === 403 ? { ...outcome, failure: withSpend(run, outcome.failure) } : outcome;
		},
		onSubmitted: (job, outcome) => updateSubmitRecord(run, itemOf(run, job), outcome),
		poll: async (job) => await pollGeneration(run.step, itemOf(run, job).pollPath, job),
		download: run.items.some((item) => item.settings?.download)
			? async (job) => {
					const settings = itemOf(run, job).settings as WaitSettings;
					if (!settings.download) return undefined;
					// The id names the file and the failure: redacted, it can hold no key.
					const download = await downloadVideo(run.ctx, run.clock, run.redact(job.generationId as string), job.videoUrl as string, {
						timeLimitMs: settings.downloadLimitMs,
						maxBytes: settings.maxVideoBytes,
					}, run.secret);
					if (!download.ok) return download.failure;
					run.binaries.set(job.index, download.binary);
					return undefined;
				}
			: undefined,
		admission: run.ledger,
		onProgress: (progress) => reportProgress(run, progress),
		maxRunning: batchSettingsOf(run)?.maxConcurrent ?? 1,
		parallelRequests: parallelRequestsOf(run),
		parallelDownloads: PARALLEL_DOWNLOADS,
		stopOnFailure: !run.continueOnFail,
	};
}

/**
 * The settings that belong to the batch, not to an item (Max Concurrent Generations): those of the
 * first item, the first whose settings could be read when an item before it failed its checks.
 */
function batchSettingsOf(run: Run): WaitSettings | undefined {
	return run.items.find((item) => item.settings)?.settings;
}

/**
 * The most requests in flight at once. In the durable loop nothing waits in the run, so Max Concurrent
 * Generations (Loop Options) caps the node's requests instead: submits and checks alike.
 */
function parallelRequestsOf(run: Run): number {
	const settings = batchSettingsOf(run);
	return settings?.split ? Math.min(PARALLEL_REQUESTS, settings.maxConcurrent) : PARALLEL_REQUESTS;
}

/** A 403 (out of credits) in the middle of a batch: what the run had spent when it came. */
function withSpend(run: Run, failure: Failure): Failure {
	return { ...failure, description: `${failure.description} Before this answer, this node had spent ${run.ledger.spentText()} in this execution.` };
}
