/**
 * How a run ends for the user: one row per input item (a video, a pending generation, or a failure
 * routed as n8n's error handling says), or one thrown error that names every generation of the run
 * the API accepted or may have accepted, so nothing paid is lost from sight.
 */
import type { IBinaryData, IDataObject, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { RunTotals } from '../spend/ledger';
import type { Failure } from '../shared/errors';
import type { Redact } from '../shared/redact';
import type { Job } from './machine';
import { carriedWaitOf } from './carried-wait';
import { binaryFieldsOf } from './videos';
import { heldFailureWait } from './together';

export interface Ending {
	node: INode;
	jobs: Job[];
	/** Each item's downloaded videos, in the API's order. */
	binaries: Map<number, IBinaryData[]>;
	binaryPropertyOf(job: Job): string;
	redact: Redact;
	/** "On Error: Continue (using error output)": failed items leave by the error output. */
	errorOutput: boolean;
	/** What the run spent so far, put on every row of a run that submits; absent for one that only checks. */
	totals?(): RunTotals | undefined;
}

/** The cost of the row's generation (when the API reported it) and the run's totals, as row fields. */
function spendFields(ending: Ending, job: Job): IDataObject {
	const fields: IDataObject = {};
	// The estimate rides on the cost, so a row always says where its price came from.
	if (job.cost || job.estimate)
		fields.cost = { ...job.cost, ...(job.estimate ? { estimate: { ...job.estimate } } : {}) };
	if (job.modelNotice) fields.modelNotice = { ...job.modelNotice };
	const totals = ending.totals?.();
	if (totals) fields.runTotals = { ...totals };
	return fields;
}

export function toNodeError(
	ending: Ending,
	failure: Failure,
	itemIndex: number,
	description = failure.description,
) {
	const message = ending.redact(`${failure.message} [item ${itemIndex}]`);
	const details = ending.redact(description);
	if (failure.httpCode !== undefined) {
		return new NodeApiError(
			ending.node,
			ending.redact(failure.apiError ?? { message: failure.message }) as JsonObject,
			{
				message,
				description: details,
				httpCode: String(failure.httpCode),
				itemIndex,
			},
		);
	}
	return new NodeOperationError(ending.node, message, { description: details, itemIndex });
}

/** How one job stands, for a list of the run's generations. */
function standing(job: Job): string {
	if (job.state === 'done')
		return job.result === 'completed' ? 'video ready' : (job.generation?.status ?? 'submitted');
	if (job.state === 'failed') return 'failed';
	return job.generation?.status ?? 'submitted';
}

/** Every generation of the run the API accepted, or may have, except the one at `except`. */
export function generationsOfRun(jobs: Job[], except?: number): string[] {
	return jobs
		.filter((job) => job.index !== except)
		.flatMap((job) => {
			if (job.generationId) return [`${job.generationId} (item ${job.index}, ${standing(job)})`];
			if (job.failure?.kind === 'ambiguous-submit')
				return [`item ${job.index}: may have been accepted, its answer was lost`];
			return [];
		});
}

export function cancelledError(ending: Ending): NodeOperationError {
	const listed = generationsOfRun(ending.jobs);
	return new NodeOperationError(
		ending.node,
		'The execution was cancelled while waiting for videos',
		{
			description: ending.redact(
				listed.length
					? `These generations of this run were accepted by the API (or may have been) and are paid for or may be; running ones keep running at the API. Collect them with Get Generation: ${listed.join(', ')}`
					: 'No generation of this run had been accepted.',
			),
		},
	);
}

/** Without Continue On Fail: the first failure stops the node, naming everything paid. */
export function failureError(ending: Ending, failed: Job) {
	const listed = generationsOfRun(ending.jobs, failed.index);
	const own = failed.failure?.description ?? '';
	const description = listed.length
		? `${own}\n\nThe node stopped, so no item was output. These generations of this run were accepted by the API and are paid for or may be; collect them with Get Generation (or turn on "Continue On Fail" to get them as rows): ${listed.join(', ')}`
		: own;
	return toNodeError(ending, failed.failure as Failure, failed.index, description);
}

/** The videos of a completed generation: the first, all of them (also when there is one), and any the node did not take. */
function videoFields(job: Job): IDataObject {
	if (!job.videoUrl) return {};
	const fields: IDataObject = {
		videoUrl: job.videoUrl,
		videoUrls: [...(job.videoUrls ?? [job.videoUrl])],
	};
	if (job.videoNotes?.length) fields.videoNotes = [...job.videoNotes];
	return fields;
}

function failedRow(ending: Ending, job: Job): INodeExecutionData {
	const failure = job.failure as Failure;
	const details: IDataObject = { description: failure.description };
	if (job.generationId) details.id = job.generationId;
	if (job.generation?.status) details.status = job.generation.status;
	Object.assign(details, videoFields(job));
	if (failure.httpCode) details.httpCode = failure.httpCode;
	// A generation the node cannot name (its answer was lost, or its id holds the key's text) may still be charged.
	if (failure.kind === 'ambiguous-submit' || failure.kind === 'key-in-answer')
		details.generationMayExist = true;
	Object.assign(details, spendFields(ending, job));
	// n8n sends a row to the node's error output when its JSON holds `error` and nothing but
	// `message` and `details` beside it (and then adds the input item's fields); on the regular
	// output the row keeps its fields at the top, as it always had.
	const json: IDataObject = ending.errorOutput
		? { error: failure.message, details }
		: { error: failure.message, ...details };
	return { json: ending.redact(json), pairedItem: { item: job.index } };
}

function finishedRow(ending: Ending, job: Job): INodeExecutionData {
	const json: IDataObject = { ...((job.generation ?? { id: job.generationId }) as IDataObject) };
	// An empty `error` on a success row would look like a failure to n8n 1.x's Retry On Fail.
	if (json.error === null || json.error === undefined) delete json.error;
	Object.assign(json, videoFields(job));
	if (job.result === 'timedOut') json.timedOut = true;
	Object.assign(json, spendFields(ending, job));
	const row: INodeExecutionData = { json: ending.redact(json), pairedItem: { item: job.index } };
	const binaries = ending.binaries.get(job.index);
	if (binaries?.length) row.binary = binaryFieldsOf(ending.binaryPropertyOf(job), binaries);
	return row;
}

/** One row per input item, in input order, each paired with its item. */
export function rowsOf(ending: Ending): INodeExecutionData[] {
	return ending.jobs.map((job) =>
		job.state === 'failed' ? failedRow(ending, job) : finishedRow(ending, job),
	);
}

/** Where a running job's loop began and how many checks it has had, for the state it carries on. */
export type LoopHistory = (job: Job) => { startedAt: number; checksBefore: number };

/**
 * The durable loop's two outputs: finished videos and everything else that ended (failures, timed-out
 * generations) on "Done", still-running generations on "Running", each carrying its loop state in
 * `veoWait` so the next check keeps the same deadline. n8n moves failed rows to the error output
 * when the node has one. `holds` (Hand On Together, while a generation of the batch runs): every
 * item goes on Running, those that ended marked `veoWait.held`.
 */
export function splitRows(
	ending: Ending,
	history: LoopHistory,
	holds = false,
): INodeExecutionData[][] {
	const done: INodeExecutionData[] = [];
	const running: INodeExecutionData[] = [];
	for (const job of ending.jobs) {
		if (holds) {
			running.push(
				job.state === 'failed' ? heldFailureRow(ending, job) : loopRow(ending, job, history),
			);
			continue;
		}
		if (job.state === 'failed') {
			done.push(failedRow(ending, job));
			continue;
		}
		if (job.result !== 'running' || job.loopDeadline === undefined) {
			done.push(finishedRow(ending, job));
			continue;
		}
		running.push(loopRow(ending, job, history));
	}
	return [done, running];
}

/** A row that goes round the loop: the generation's fields and its loop state, held or running. */
function loopRow(ending: Ending, job: Job, history: LoopHistory): INodeExecutionData {
	const row = finishedRow(ending, job);
	const { startedAt, checksBefore } = history(job);
	// A generation held since an earlier round was not checked in this one.
	const carried = carriedWaitOf(
		job,
		startedAt,
		job.held === 'carried' ? checksBefore - 1 : checksBefore,
	);
	if (job.held) carried.held = job.result === 'timedOut' ? 'timedOut' : 'completed';
	// Redacted like the rest of the row (a generation whose id holds the key never gets here: see key-echo.ts).
	row.json = { ...row.json, veoWait: ending.redact({ ...carried }) };
	return row;
}

/** A failure held for the rest of its batch: its words ride in `veoWait`, never as `error` on Running. */
function heldFailureRow(ending: Ending, job: Job): INodeExecutionData {
	const json: IDataObject = {};
	if (job.generationId) json.id = job.generationId;
	if (job.generation?.status) json.status = job.generation.status;
	Object.assign(json, spendFields(ending, job), { veoWait: heldFailureWait(job) });
	return { json: ending.redact(json), pairedItem: { item: job.index } };
}
