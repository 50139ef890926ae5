/**
 * The item pipeline: parameters → checked requests → submit → wait → download → output rows.
 * Every item is checked before anything is sent; then all items run through one wait loop.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { WaitSettings } from './actions/common';
import { readWaitSettings } from './actions/common';
import { requestFor } from './actions/generate.operation';
import { generationIdFor } from './actions/get.operation';
import { downloadVideo } from './download';
import type { Failure } from './errors';
import { httpFailure, InputError } from './errors';
import { asGeneration } from './generation';
import { UNIVERSAL_PATH } from './models';
import type { GenerateRequest } from './request';
import type { ResumeKey } from './resume';
import { forgetGeneration, recallGeneration, rememberGeneration } from './resume';
import type { NetworkProblem } from './transport';
import { apiRequest, CREDENTIAL_TYPE, networkReason, resolveBaseUrl } from './transport';
import type { Clock, Job, PollOutcome, Progress, SubmitOutcome } from './wait';
import { runJobs } from './wait';

const SUBMIT_TIMEOUT_MS = 120_000;
const POLL_TIMEOUT_MS = 60_000;
const PARALLEL_REQUESTS = 16;
const PARALLEL_DOWNLOADS = 8;
/** Without waiting, a submit refused for the account's limit is tried again for this long. */
const NO_WAIT_SUBMIT_BUDGET_MS = 120_000;

interface Plan {
	settings?: WaitSettings;
	request?: GenerateRequest;
	resumeKey?: ResumeKey;
	pollPath: string;
}

const realClock: Clock = { now: () => Date.now(), sleep: async (ms, signal) => await sleep(ms, signal) };

function networkFailure(error: NetworkProblem, generationId?: string): Failure {
	return {
		kind: 'network',
		message: `No answer from the API: ${networkReason(error.code)}${generationId ? ` (generation ${generationId})` : ''}`,
		description: generationId
			? `The generation keeps running at the API: collect it later with Get Generation and the id ${generationId}.`
			: 'Check the network and the Base URL of the "AIML API" credential.',
	};
}

const AMBIGUOUS_SUBMIT =
	'The API may have accepted this generation (and may charge for it) but its answer was lost. The node did not send the request again, to avoid paying twice. Look for the generation in your AIML API dashboard before running this item again.';

export async function executeItems(ctx: IExecuteFunctions, clock: Clock = realClock): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const node = ctx.getNode();
	const continueOnFail = ctx.continueOnFail();
	const signal = ctx.getExecutionCancelSignal();
	const start = clock.now();
	const plans: Plan[] = [];
	const jobs: Job[] = [];
	const binaries = new Map<number, IBinaryData>();

	const inputFailure = (error: InputError): Failure => ({
		kind: 'input',
		message: error.message,
		description: `Field: ${error.field}. ${error.hint ?? ''} Nothing was sent to the API for this item.`.trim(),
	});
	const toNodeError = (failure: Failure, itemIndex: number, description = failure.description) => {
		const message = `${failure.message} [item ${itemIndex}]`;
		if (failure.httpCode !== undefined) {
			return new NodeApiError(node, (failure.apiError ?? { message: failure.message }) as JsonObject, {
				message,
				description,
				httpCode: String(failure.httpCode),
				itemIndex,
			});
		}
		return new NodeOperationError(node, message, { description, itemIndex });
	};

	let baseUrl = '';
	let setupFailure: Failure | undefined;
	try {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		baseUrl = resolveBaseUrl(credentials.baseUrl);
	} catch (error) {
		if (!(error instanceof InputError)) throw new NodeOperationError(node, error as Error);
		setupFailure = inputFailure(error);
	}

	// 1. Every item checked before anything is sent.
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const operation = ctx.getNodeParameter('operation', itemIndex) as string;
		const job: Job = {
			index: itemIndex,
			waitForCompletion: false,
			pollIntervalMs: 10_000,
			deadline: start,
			onTimeout: 'fail',
			state: 'submit',
			nextAt: start,
			attempts: 0,
		};
		const plan: Plan = { pollPath: UNIVERSAL_PATH };
		jobs.push(job);
		plans.push(plan);
		try {
			if (setupFailure) throw new InputError('Base URL', setupFailure.message);
			plan.settings = readWaitSettings(ctx, itemIndex);
			job.waitForCompletion = plan.settings.wait;
			job.pollIntervalMs = plan.settings.pollIntervalMs;
			job.onTimeout = plan.settings.onTimeout;
			job.deadline = start + (plan.settings.wait ? plan.settings.maxWaitMs : NO_WAIT_SUBMIT_BUDGET_MS);
			if (operation === 'generate') {
				plan.request = await requestFor(ctx, itemIndex);
				plan.pollPath = plan.request.path;
				plan.resumeKey = {
					executionId: ctx.getExecutionId(),
					nodeName: node.name,
					itemIndex,
					path: plan.request.path,
					body: plan.request.body,
				};
				const resumed = recallGeneration(plan.resumeKey);
				if (resumed) {
					job.generationId = resumed;
					job.state = 'pending';
				}
			} else {
				job.generationId = generationIdFor(ctx, itemIndex);
				job.state = 'pending';
			}
		} catch (error) {
			// An expression that fails for this item is this item's failure too, not the whole run's.
			if (!(error instanceof InputError) && !continueOnFail) throw new NodeOperationError(node, error as Error, { itemIndex });
			const failure =
				setupFailure ??
				(error instanceof InputError
					? inputFailure(error)
					: { kind: 'input' as const, message: error instanceof Error ? error.message : String(error), description: 'Check this item\'s parameters and the expressions that fill them. Nothing was sent to the API for this item.' });
			if (!continueOnFail) throw toNodeError(failure, itemIndex);
			job.state = 'failed';
			job.failure = failure;
		}
	}

	// 2. Submit, wait and download, all items in one loop.
	const settingsOf = (job: Job) => plans[job.index].settings as WaitSettings;
	const submit = async (job: Job): Promise<SubmitOutcome> => {
		const request = plans[job.index].request as GenerateRequest;
		const result = await apiRequest(ctx, baseUrl, { method: 'POST', path: request.path, body: request.body, timeoutMs: SUBMIT_TIMEOUT_MS });
		if (!result.ok) {
			const { problem } = result;
			// Cancelled, or never connected: nothing was created, so it may be sent again (the loop stops if cancelled).
			if (problem.cancelled || !problem.mayHaveArrived) return { type: 'retry', failure: networkFailure(problem) };
			return {
				type: 'failed',
				failure: { kind: 'ambiguous-submit', message: `No answer to the submit: ${networkReason(problem.code)} after the request was sent`, description: AMBIGUOUS_SUBMIT },
			};
		}
		const { statusCode, body } = result.response;
		if (statusCode >= 200 && statusCode < 300) {
			const generation = asGeneration(body);
			if (generation) return { type: 'accepted', generation };
			return {
				type: 'failed',
				failure: { kind: 'ambiguous-submit', message: `The API answered HTTP ${statusCode} without a generation id`, description: AMBIGUOUS_SUBMIT },
			};
		}
		const failure = httpFailure(statusCode, body, 'submit', undefined, job.attempts);
		if (statusCode === 429) return { type: 'limited', failure };
		if (statusCode === 503) return { type: 'retry', failure };
		if (statusCode >= 500) return { type: 'failed', failure: { ...failure, kind: 'ambiguous-submit', description: `${failure.description} ${AMBIGUOUS_SUBMIT}` } };
		return { type: 'failed', failure };
	};

	const poll = async (job: Job): Promise<PollOutcome> => {
		const id = job.generationId as string;
		const result = await apiRequest(ctx, baseUrl, {
			method: 'GET',
			path: `${plans[job.index].pollPath}?generation_id=${encodeURIComponent(id)}`,
			timeoutMs: POLL_TIMEOUT_MS,
		});
		if (!result.ok) return { type: 'retry', failure: networkFailure(result.problem, id) };
		const { statusCode, body } = result.response;
		if (statusCode >= 200 && statusCode < 300) {
			const generation = asGeneration(body);
			if (generation) return { type: 'status', generation };
			return { type: 'retry', failure: { kind: 'http', httpCode: statusCode, message: `The API's answer about generation ${id} was unreadable`, description: '' } };
		}
		const failure = httpFailure(statusCode, body, 'poll', id, job.attempts);
		if (statusCode === 429 || statusCode === 408 || statusCode >= 500) return { type: 'retry', failure };
		return { type: 'failed', failure };
	};

	const report = (progress: Progress) => {
		const statuses = Object.entries(progress.statuses).map(([status, count]) => `${count} ${status}`);
		const line = `${node.name}: ${progress.done} done, ${progress.running} running${statuses.length ? ` (${statuses.join(', ')})` : ''}, ${progress.waitingToSubmit} waiting to submit, ${progress.failed} failed (of ${progress.total})`;
		if (ctx.getMode() === 'manual') ctx.sendMessageToUI(line);
		else ctx.logger.info(line);
	};

	const firstSettings = plans.find((plan) => plan.settings)?.settings;
	const ending = await runJobs(jobs, {
			clock,
			signal,
			submit,
			poll,
			download: jobs.some((job) => plans[job.index].settings?.download)
				? async (job) => {
						if (!settingsOf(job).download) return undefined;
						const download = await downloadVideo(ctx, job.generationId as string, job.videoUrl as string);
						if (!download.ok) return download.failure;
						binaries.set(job.index, download.binary);
						return undefined;
					}
				: undefined,
			onAccepted: (job) => {
				const key = plans[job.index].resumeKey;
				if (key) rememberGeneration(key, job.generationId as string);
			},
			onProgress: report,
			maxRunning: firstSettings?.maxConcurrent ?? 1,
			parallelRequests: PARALLEL_REQUESTS,
			parallelDownloads: PARALLEL_DOWNLOADS,
			stopOnFailure: !continueOnFail,
	});

	// 3. Rows in input order; nothing paid goes unmentioned.
	const unfinished = (except: number) =>
		jobs
			.filter((job) => job.index !== except && job.state !== 'done')
			.flatMap((job) => {
				if (job.generationId) return [`${job.generationId} (item ${job.index}, ${job.failure ? 'failed' : (job.generation?.status ?? 'submitted')})`];
				if (job.failure?.kind === 'ambiguous-submit') return [`item ${job.index}: may have been accepted, its answer was lost`];
				return [];
			});
	if (ending === 'cancelled') {
		const open = jobs.filter((job) => job.generationId && job.state !== 'done' && job.state !== 'failed');
		throw new NodeOperationError(node, 'The execution was cancelled while waiting for videos', {
			description: open.length
				? `These generations were accepted and keep running at the API; collect them with Get Generation: ${open.map((job) => `${job.generationId} (item ${job.index})`).join(', ')}`
				: 'No generation was waiting.',
		});
	}

	// An uncharged failure is worth a fresh submit on n8n's Retry On Fail; everything else is
	// remembered until the node outputs it, so a retry resumes it instead of buying it again.
	const forget = (which: (job: Job) => boolean) => {
		for (const job of jobs) {
			const key = plans[job.index].resumeKey;
			if (key && which(job)) forgetGeneration(key);
		}
	};
	forget((job) => job.failure?.kind === 'status-error' || job.failure?.kind === 'no-video');

	if (!continueOnFail) {
		const failed = jobs.find((job) => job.state === 'failed');
		if (failed) {
			const others = unfinished(failed.index);
			const done = jobs.filter((job) => job.state === 'done' && job.generationId).map((job) => `${job.generationId} (item ${job.index})`);
			const listed = [...others, ...done];
			const description = listed.length
				? `${failed.failure?.description ?? ''}\n\nThe node stopped, so no item was output. These generations of this run were accepted by the API and are paid for or may be; collect them with Get Generation (or turn on "Continue On Fail" to get them as rows): ${listed.join(', ')}`
				: failed.failure?.description;
			throw toNodeError(failed.failure as Failure, failed.index, description);
		}
	}

	forget(() => true);
	return [
		jobs.map((job) => {
			const pairedItem = { item: job.index };
			if (job.state === 'failed') {
				const failure = job.failure as Failure;
				const json: IDataObject = { error: failure.message, description: failure.description };
				if (job.generationId) json.id = job.generationId;
				if (job.generation?.status) json.status = job.generation.status;
				if (job.videoUrl) json.videoUrl = job.videoUrl;
				if (failure.httpCode) json.httpCode = failure.httpCode;
				if (failure.kind === 'ambiguous-submit') json.generationMayExist = true;
				return { json, pairedItem };
			}
			const generation = (job.generation ?? { id: job.generationId }) as IDataObject;
			const json: IDataObject = { ...generation };
			if (job.videoUrl) json.videoUrl = job.videoUrl;
			if (job.result === 'timedOut') json.timedOut = true;
			const row: INodeExecutionData = { json, pairedItem };
			const binary = binaries.get(job.index);
			if (binary) row.binary = { [settingsOf(job).binaryProperty]: binary };
			return row;
		}),
	];
}
