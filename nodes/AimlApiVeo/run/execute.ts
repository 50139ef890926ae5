/**
 * The item pipeline: parameters → checked requests → submit → wait → download → output rows.
 * Every item is checked before anything is sent; then all items run through one wait loop.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { BudgetSettings } from '../spend/options';
import { readBudget } from '../spend/options';
import type { WaitSettings } from '../actions/wait-settings';
import { runsAsTool, splitsOutputs } from '../actions/common';
import { checkBalance } from '../spend/balance';
import { Ledger } from '../spend/ledger';
import type { Clock } from '../transport/deadline';
import { rejectOnAbort } from '../transport/deadline';
import type { Failure } from '../shared/errors';
import { InputError } from '../shared/errors';
import { KEY_IN_ID_REASON, refuseKeyEchoes } from './key-echo';
import { readCatalogue } from './catalogue';
import { failJob } from './machine';
import { cancelledError, failureError, rowsOf, splitRows } from './outcome';
import type { Secret } from '../shared/redact';
import { secretOf } from '../shared/redact';
import type { GenerateRequest } from '../request/build';
import { keyOf, SubmitMemory } from './resume';
import { SpendRecord } from '../spend/record';
import { pollGeneration, submitGeneration } from './steps';
import { agentRow, TOOL_CALL_RUN } from './tool-mode';
import { CREDENTIAL_TYPE, resolveBaseUrl } from '../transport/api';
import type { SchedulerDeps, SubmitOutcome } from './wait';
import { runJobs } from './wait';
import { reportProgress, reportSubmitted } from './report';
import { downloadVideos } from './videos';
import { batchRunning, handOff, holdBatch } from './together';
import type { Item, Run } from './plan';
import { inputFailure, itemOf, planItem } from './plan';

const PARALLEL_REQUESTS = 16;
const PARALLEL_DOWNLOADS = 8;
/** The sleep also ends with the signal: older n8n's `sleep` ignores it, and a cancel must not wait out a poll interval. */
const realClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await Promise.race([sleep(ms, signal), rejectOnAbort(signal)]),
};

export async function executeItems(
	ctx: IExecuteFunctions,
	clock: Clock = realClock,
): Promise<INodeExecutionData[][]> {
	const run = await prepareRun(ctx, clock);
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++)
		await planItem(run, itemIndex);
	run.loops?.trim();
	await readCatalogue(run);
	await checkBatchFirst(run);
	const holds = await waitForBatch(run);
	refuseKeyEchoes(run.jobs, run.secret, (job) => run.binaries.has(job.index));
	for (const item of run.items) updateSubmitRecord(run, item);
	const failed = run.continueOnFail ? undefined : run.jobs.find((job) => job.state === 'failed');
	if (failed) throw failureError(run, failed);
	if (!splitsOutputs(run.node.parameters))
		return [run.asTool ? rowsOf(run).map(agentRow) : rowsOf(run)];
	return splitRows(
		run,
		(job) => itemOf(run, job).loop ?? { startedAt: run.start, checksBefore: 0 },
		holds,
	);
}

/**
 * One wait over every job, then, when the batch ends, its hand-off: held generations checked once
 * more and their videos fetched. With Hand On Together no video is fetched before the batch ends, and
 * while one of its generations runs the batch is held (true). Throws when the execution is cancelled.
 */
async function waitForBatch(run: Run): Promise<boolean> {
	const together = batchSettingsOf(run)?.together === true;
	const deps = schedulerDeps(run);
	let ending = await runJobs(run.jobs, together ? { ...deps, download: undefined } : deps);
	const stopping = !run.continueOnFail && run.jobs.some((job) => job.state === 'failed');
	if (ending === 'finished' && !stopping && !(together && batchRunning(run.jobs)))
		ending = await handOff(run.jobs, deps, together);
	if (ending === 'cancelled') throw cancelledError(run);
	if (!together || !batchRunning(run.jobs)) return false;
	holdBatch(run.jobs, (job) => run.binaries.delete(job.index));
	return true;
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
		if (ctx.getInputData().length > 0 && ctx.getNodeParameter('operation', 0) === 'generate')
			budget = readBudget(ctx, 0);
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
		binaries: new Map<number, IBinaryData[]>(),
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
function recordsOf(
	ctx: IExecuteFunctions,
	asTool: boolean,
): { memory: SubmitMemory; spend: SpendRecord } {
	try {
		const context = ctx.getContext('node') as IDataObject;
		const runIndex = asTool ? TOOL_CALL_RUN : Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
		const run = Number.isInteger(runIndex) ? runIndex : 0;
		return { memory: new SubmitMemory(context, run), spend: new SpendRecord(context, run) };
	} catch {
		return { memory: new SubmitMemory({}, 0), spend: new SpendRecord({}, 0) };
	}
}

/**
 * Checks of the whole batch before its first submit: without Continue On Fail, a batch the budget
 * cannot cover; with "Check Balance First", one the account's balance cannot pay for (one request).
 */
async function checkBatchFirst(run: Run): Promise<void> {
	if (!run.continueOnFail)
		await refuseBatchIf(run, (requests) => run.ledger.refuseUncovered(requests));
	if (run.budget.checkBalance)
		await refuseBatchIf(
			run,
			async (requests) =>
				await checkBalance(run.step, run.ledger.batchEstimate(requests), requests.length),
		);
}

/** Every item still to submit ends unsent with the failure `decide` gives for their requests, or none does. */
async function refuseBatchIf(
	run: Run,
	decide: (requests: GenerateRequest[]) => Failure | undefined | Promise<Failure | undefined>,
): Promise<void> {
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
		if (run.secret.reveals(job.generationId as string))
			run.memory.mayExist(submitted, KEY_IN_ID_REASON);
		else {
			run.memory.accepted(submitted, job.generationId as string, job.cost);
			reportSubmitted(run, submitted.itemIndex, job.generationId as string);
		}
	} else if (outcome.type === 'failed' && outcome.failure.kind === 'ambiguous-submit') {
		// Kept with the execution's data, so it never holds the key's text.
		run.memory.mayExist(submitted, run.redact(outcome.failure.message));
	}
}

function schedulerDeps(run: Run): SchedulerDeps {
	return {
		clock: run.clock,
		signal: run.ctx.getExecutionCancelSignal(),
		submit: async (job) => {
			const outcome = await submitGeneration(
				run.step,
				itemOf(run, job).request as GenerateRequest,
				job,
			);
			return outcome.type === 'failed' && outcome.failure.httpCode === 403
				? { ...outcome, failure: withSpend(run, outcome.failure) }
				: outcome;
		},
		onSubmitted: (job, outcome) => updateSubmitRecord(run, itemOf(run, job), outcome),
		poll: async (job) => await pollGeneration(run.step, itemOf(run, job).pollPath, job),
		download: run.items.some((item) => item.settings?.download)
			? async (job) => {
					const settings = itemOf(run, job).settings as WaitSettings;
					if (!settings.download) return undefined;
					// The id names the files and the failure: redacted, it can hold no key.
					return await downloadVideos(run, job, run.redact(job.generationId as string), {
						timeLimitMs: settings.downloadLimitMs,
						maxBytes: settings.maxVideoBytes,
					});
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
	return {
		...failure,
		description: `${failure.description} Before this answer, this node had spent ${run.ledger.spentText()} in this execution.`,
	};
}
