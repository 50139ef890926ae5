/**
 * What this node has submitted in the current execution, so that nothing the API may have accepted
 * is ever sent twice. n8n's "Retry On Fail" runs the node again with the same items and the same
 * run index (also when Continue On Fail output an error row first); an item whose identical request
 * was accepted then resumes that generation, and one whose submit answer was lost is reported again
 * as possibly accepted instead of being sent a second time.
 *
 * The record lives in the node's execution context (`getContext('node')`), which n8n keeps with the
 * execution's data, not in this process's memory. A later run of the node in the same execution (a
 * loop: a higher run index) is a new intent and starts afresh; older runs' records are dropped then.
 */
import { createHash } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import type { Cost } from '../spend/cost';
import { readCost } from '../spend/cost';

export interface SubmittedRequest {
	itemIndex: number;
	path: string;
	body: IDataObject;
}

/** An accepted generation, or a submit whose answer was lost after it was sent. */
export type Remembered = { generationId: string; cost?: Cost } | { mayExist: true; reason: string };

interface Entry {
	run: number;
	generationId?: string;
	/** What the API reported it cost, so a retry's totals and budget still count it. */
	cost?: Cost;
	mayExist?: boolean;
	reason?: string;
}

const STORE_KEY = 'veoSubmitted';

/** The submit's key in the record: its item and a hash of what it sends. The spend record keys by it too. */
export function keyOf(request: SubmittedRequest): string {
	const fingerprint = createHash('sha256')
		.update(`${request.path}\n${JSON.stringify(request.body)}`)
		.digest('hex');
	return `${request.itemIndex}:${fingerprint}`;
}

export class SubmitMemory {
	private readonly entries: Record<string, Entry>;

	/** `context` is the node's execution context (or any object that outlives one try of the node). */
	constructor(
		context: IDataObject,
		private readonly runIndex: number,
	) {
		const existing = context[STORE_KEY];
		this.entries =
			existing && typeof existing === 'object' && !Array.isArray(existing)
				? (existing as Record<string, Entry>)
				: {};
		context[STORE_KEY] = this.entries as unknown as IDataObject;
		for (const [key, entry] of Object.entries(this.entries))
			if (entry.run !== runIndex) delete this.entries[key];
	}

	recall(request: SubmittedRequest): Remembered | undefined {
		const entry = this.entries[keyOf(request)];
		if (entry?.generationId)
			return { generationId: entry.generationId, cost: readCost(entry.cost) };
		if (entry?.mayExist) return { mayExist: true, reason: entry.reason ?? '' };
		return undefined;
	}

	accepted(request: SubmittedRequest, generationId: string, cost?: Cost): void {
		this.entries[keyOf(request)] = {
			run: this.runIndex,
			generationId,
			...(cost ? { cost: { ...cost } } : {}),
		};
	}

	mayExist(request: SubmittedRequest, reason: string): void {
		this.entries[keyOf(request)] = { run: this.runIndex, mayExist: true, reason };
	}

	/** Only for a generation the API ended as a documented, uncharged error: a retry may buy it anew. */
	forget(request: SubmittedRequest): void {
		delete this.entries[keyOf(request)];
	}
}
