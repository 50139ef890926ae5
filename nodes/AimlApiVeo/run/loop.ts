/**
 * What keeps the durable loop honest when a workflow is wired or edited carelessly: Generate Video
 * refuses the loop's own rows (they would buy their video again), and Get Generation keeps each
 * generation's deadline where the workflow cannot drop it, so removing or editing `veoWait` on the
 * way round never starts a fresh one.
 */
import { createHash } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import { judge } from '../transport/generation';
import type { CarriedWait } from './carried-wait';

/**
 * Throws when an item reaching Generate Video is a row this node put out for a generation that is
 * still running: one carrying `veoWait` (any value), or the Running row's own shape (an id, a status
 * that is not final, and `runTotals`). Rows of finished generations (extend chaining) pass.
 */
export function refuseLoopRow(json: IDataObject): void {
	const id = typeof json.id === 'string' ? json.id : undefined;
	if (json.veoWait !== undefined) {
		const carried = json.veoWait as { id?: unknown } | null;
		const named =
			carried && typeof carried === 'object' && typeof carried.id === 'string' ? carried.id : id;
		throw loopRowError('veoWait', named, 'it carries veoWait');
	}
	const runTotals = json.runTotals;
	const ownRow = runTotals !== null && typeof runTotals === 'object' && !Array.isArray(runTotals);
	const status =
		typeof json.status === 'string' && json.status.trim() !== '' ? json.status : undefined;
	if (id && status && ownRow && judge({ id, status }).state === 'running') {
		throw loopRowError(
			'id, status, runTotals',
			id,
			`its status is "${status}" and it has runTotals`,
		);
	}
}

function loopRowError(field: string, id: string | undefined, why: string): InputError {
	const generation = id ? `generation ${id}` : 'a generation';
	return new InputError(
		field,
		`This item is the Running row of ${generation} (${why}), which keeps running at the API: Generate Video would buy a new video for it, so nothing was sent`,
		'Loop the Running output through the Wait node into Get Generation (Split Outputs by State on, Generation ID {{ $json.id }}), not back into Generate Video; Get Generation hands over the video when it is ready.',
	);
}

/** Where one generation's loop stands: when it began and when it ends (epoch ms). */
export interface LoopSpan {
	startedAt: number;
	deadline: number;
}

const STORE_KEY = 'veoLoops';
/** Entries are kept this long after their deadline (the longest Max Wait), then dropped. */
const KEEP_AFTER_DEADLINE_MS = 86_400_000;
/** The most generations one node remembers per execution; beyond it the earliest deadlines go first. */
export const MAX_REMEMBERED_LOOPS = 10_000;

/** The key of a generation's entry: a digest, so no id (which may hold any text) is written into the execution. */
function keyOf(generationId: string): string {
	return createHash('sha256').update(generationId).digest('hex');
}

function spanOf(value: unknown): LoopSpan | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const { startedAt, deadline } = value as Record<string, unknown>;
	if (
		typeof startedAt !== 'number' ||
		typeof deadline !== 'number' ||
		!Number.isFinite(startedAt) ||
		!Number.isFinite(deadline)
	)
		return undefined;
	return { startedAt, deadline };
}

/**
 * Get Generation's record of the loops it checked in this execution, kept in the node's execution
 * context: n8n saves it with the execution and restores it after a Wait, and no node of the workflow
 * can change it. A generation seen before keeps its first deadline (the earlier one, when the item's
 * `veoWait` names another), whether or not its item still carries `veoWait`.
 */
export class LoopMemory {
	private readonly entries: Record<string, LoopSpan>;

	constructor(context: IDataObject, now: number) {
		const existing = context[STORE_KEY];
		this.entries =
			existing && typeof existing === 'object' && !Array.isArray(existing)
				? (existing as Record<string, LoopSpan>)
				: {};
		context[STORE_KEY] = this.entries as unknown as IDataObject;
		for (const [key, entry] of Object.entries(this.entries)) {
			const span = spanOf(entry);
			if (!span || span.deadline + KEEP_AFTER_DEADLINE_MS < now) delete this.entries[key];
		}
	}

	/** The loop `generationId` is in: the remembered one, the item's, or `fresh`; the earliest start and deadline win. */
	join(generationId: string, carried: CarriedWait | undefined, fresh: LoopSpan): LoopSpan {
		const key = keyOf(generationId);
		const spans = [
			spanOf(this.entries[key]),
			carried && {
				startedAt: Date.parse(carried.startedAt),
				deadline: Date.parse(carried.deadline),
			},
		].filter((span): span is LoopSpan => span !== undefined);
		if (spans.length === 0) spans.push(fresh);
		const span = {
			startedAt: Math.min(...spans.map((one) => one.startedAt)),
			deadline: Math.min(...spans.map((one) => one.deadline)),
		};
		this.entries[key] = span;
		return { ...span };
	}

	/** Keeps the record bounded: beyond MAX_REMEMBERED_LOOPS entries, those with the earliest deadlines are dropped. */
	trim(): void {
		const keys = Object.keys(this.entries);
		if (keys.length <= MAX_REMEMBERED_LOOPS) return;
		keys.sort((a, b) => this.entries[a].deadline - this.entries[b].deadline);
		for (const key of keys.slice(0, keys.length - MAX_REMEMBERED_LOOPS)) delete this.entries[key];
	}
}
