/**
 * What this node has spent in the current execution, kept where the submit record is kept: the
 * node's execution context, which n8n saves with the execution. A budget therefore covers one
 * execution however often the node runs in it: an AI agent calling the tool again and again, a
 * node inside Loop Over Items (a new run index per item), a Retry On Fail try.
 *
 * One entry per submit the API accepted or may have accepted, under a hash of its submit record
 * key, so the same generation is never counted twice (a retry that resumes it finds its entry).
 * Entries of earlier runs of the node can no longer change: they are folded into sums when a later
 * run starts, so the record stays about as small as the current run's submit record. It holds no
 * id, prompt or figure the API could fill with text: keys are hashes, values are numbers.
 */
import { createHash } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import type { Cost } from './cost';
import { readCost } from './cost';

/** One submit as the budget counts it. */
export interface Counted {
	/** Credits counted against Max Spend: the API's last usable figure for it, else its estimate. */
	counted: number;
	/** The figure the API last reported for it, as its row shows it (0 included). */
	cost?: Cost;
	/** Its answer was lost: the API may have accepted it. Counted at its estimate, for good. */
	maybe?: boolean;
}

interface Entry extends Counted {
	run: number;
}

export interface SpendSums {
	/** Accepted generations. */
	videos: number;
	/** The API's reported figures, summed as the rows show them. */
	credits: number;
	usd: number;
	/** Accepted generations the API reported no cost for. */
	unreported: number;
	/** Submits whose answer was lost. */
	maybe: number;
	/** Credits counted against Max Spend. */
	counted: number;
	/** Items kept back by the budget. */
	refused: number;
}

interface Stored {
	entries: Record<string, Entry>;
	/** Items the budget kept back, by hashed submit key, with their run. */
	refusals: Record<string, number>;
	/** What folded entries and refusals of earlier runs add up to. */
	folded: SpendSums;
	/** The highest usable cost reported per hashed price key; 0 once answered without one. */
	learned: Record<string, number>;
}

const STORE_KEY = 'veoSpend';
/** Distinct model settings whose price is remembered; past it, the price table's figure is used. */
const MAX_LEARNED = 500;

const hashOf = (text: string): string =>
	createHash('sha256').update(text).digest('hex').slice(0, 32);

function count(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function emptySums(): SpendSums {
	return { videos: 0, credits: 0, usd: 0, unreported: 0, maybe: 0, counted: 0, refused: 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The stored record, or a fresh one where the context holds something else. */
function readStored(value: unknown): Stored {
	if (!isRecord(value)) return { entries: {}, refusals: {}, folded: emptySums(), learned: {} };
	const folded = emptySums();
	if (isRecord(value.folded))
		for (const field of Object.keys(folded) as Array<keyof SpendSums>)
			folded[field] = count(value.folded[field]);
	return {
		entries: isRecord(value.entries) ? (value.entries as Record<string, Entry>) : {},
		refusals: isRecord(value.refusals) ? (value.refusals as Record<string, number>) : {},
		folded,
		learned: isRecord(value.learned) ? (value.learned as Record<string, number>) : {},
	};
}

function addEntry(sums: SpendSums, entry: Counted): void {
	sums.counted += count(entry.counted);
	if (entry.maybe) {
		sums.maybe++;
		return;
	}
	sums.videos++;
	const cost = readCost(entry.cost);
	if (!cost) {
		sums.unreported++;
		return;
	}
	sums.credits += cost.credits;
	sums.usd += cost.usd;
}

export class SpendRecord {
	private readonly stored: Stored;

	/** `context` is the node's execution context; `run` the run the submit record keeps (see run/resume.ts). */
	constructor(
		context: IDataObject,
		private readonly run: number,
	) {
		this.stored = readStored(context[STORE_KEY]);
		context[STORE_KEY] = this.stored as unknown as IDataObject;
		this.foldEarlierRuns();
	}

	get(submitKey: string): Counted | undefined {
		const entry = this.stored.entries[hashOf(submitKey)];
		return entry ? { ...entry, cost: readCost(entry.cost) } : undefined;
	}

	put(submitKey: string, counted: Counted): void {
		const key = hashOf(submitKey);
		delete this.stored.refusals[key];
		const entry: Entry = { run: this.run, counted: counted.counted };
		if (counted.cost) entry.cost = { credits: counted.cost.credits, usd: counted.cost.usd };
		if (counted.maybe) entry.maybe = true;
		this.stored.entries[key] = entry;
	}

	/** A submit the budget kept back; counted once however often a retry keeps it back again. */
	refuse(submitKey: string): void {
		const key = hashOf(submitKey);
		if (!this.stored.entries[key]) this.stored.refusals[key] = this.run;
	}

	/** A generation done with for good (the submit record forgot it): a new submit of the same key is a new entry. */
	close(submitKey: string): void {
		const key = hashOf(submitKey);
		const entry = this.stored.entries[key];
		if (!entry) return;
		addEntry(this.stored.folded, entry);
		delete this.stored.entries[key];
	}

	sums(): SpendSums {
		const sums = { ...this.stored.folded };
		for (const entry of Object.values(this.stored.entries)) addEntry(sums, entry);
		sums.refused += Object.keys(this.stored.refusals).length;
		return sums;
	}

	learned(priceKey: string): number | undefined {
		const value = this.stored.learned[hashOf(priceKey)];
		return value === undefined ? undefined : count(value);
	}

	/** A cost the API reported for these settings; only ever raises what is remembered. */
	learn(priceKey: string, credits: number): void {
		const key = hashOf(priceKey);
		const known = this.stored.learned[key];
		if (known === undefined && Object.keys(this.stored.learned).length >= MAX_LEARNED) return;
		this.stored.learned[key] = Math.max(count(known), count(credits));
	}

	private foldEarlierRuns(): void {
		for (const [key, entry] of Object.entries(this.stored.entries)) {
			if (isRecord(entry) && entry.run === this.run) continue;
			if (isRecord(entry)) addEntry(this.stored.folded, entry);
			delete this.stored.entries[key];
		}
		for (const [key, run] of Object.entries(this.stored.refusals)) {
			if (run === this.run) continue;
			this.stored.folded.refused++;
			delete this.stored.refusals[key];
		}
	}
}
