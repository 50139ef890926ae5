/**
 * What the node spends in one execution, and the budget it may not pass. The scheduler asks before
 * each submit whether it may be sent; the ledger reserves the estimated cost then, and settles it
 * once the answer is in. Rounds of submits go out in parallel, but the scheduler decides every
 * submit of a round before sending any, so reservations can never race each other.
 *
 * What counts: every submit the API accepted or may have accepted (its answer was lost), at the
 * API's own figure for the generation once it reported a usable one (a number above 0), and at its
 * estimate until then (for good, when the answer was lost). A later status answer's figure settles
 * the generation anew, so the budget, the rows' `cost` and `runTotals` follow the same figure. The
 * counts are kept with the execution (record.ts), so the budget covers every run of the node in it.
 *
 * Estimates: the API's price catalogue, else the node's price table (price-book.ts), raised to the highest usable cost the API reported in this
 * execution for the same model and settings, never lowered: a cost of 0 or none at all cannot make
 * the rest of a batch look free. Until the first answer for those settings is in, only one submit of
 * them is sent: the rest wait a round, so a price table that is too low cannot pass the budget.
 */
import type { Cost } from './cost';
import { formatUsd, roundUsd, usdOfCredits } from './cost';
import type { Failure } from '../shared/errors';
import { priceKey } from './prices';
import type { Estimate } from './price-book';
import { PriceBook, sourceText } from './price-book';
import type { GenerateRequest } from '../request/build';
import type { SpendRecord } from './record';

export interface BudgetLimits {
	/** The most the execution may spend, in USD (kept in credits, so sums are exact). */
	maxUsd?: number;
	/** The most generations the execution may have accepted or possibly accepted. */
	maxVideos?: number;
}

/** The execution's totals for this node, as the next node sees them on every row. */
export interface RunTotals {
	/** Generations the API accepted in this execution of the workflow, over every run of this node. */
	videos: number;
	/** What the API reported for them: the sum of their rows' `cost`. */
	credits: number;
	usd: number;
	/** Accepted generations whose cost the API did not report (not in the figures above). */
	costNotReported: number;
	/** Submits whose answer was lost: the API may have accepted (and charged) them. Counted against the budget. */
	possiblyAccepted: number;
	/** Items not submitted because the budget was reached. */
	notSubmittedForBudget: number;
}

/**
 * What the ledger knows of a run's job: the item it stands for. The run's jobs carry more; they
 * fit this shape as they are, so the budget needs nothing from the run.
 */
export interface BudgetItem {
	index: number;
}

/** How a submit went, as far as the budget cares; the wait loop's submit outcomes fit this shape. */
export type SubmitAnswer =
	{ type: 'accepted'; cost?: Cost } | { type: 'limited' | 'retry' | 'failed'; failure: Failure };

/** Where the ledger finds a job's request and its key in the submit record. */
export interface LedgerSources {
	requestOf(job: BudgetItem): GenerateRequest | undefined;
	submitKeyOf(job: BudgetItem): string | undefined;
}

/** A figure the budget may settle a generation with: a number above 0. */
function usableCredits(cost: Cost | undefined): number | undefined {
	return cost && Number.isFinite(cost.credits) && cost.credits > 0 ? cost.credits : undefined;
}

export class Ledger {
	private readonly maxCredits?: number;
	/** This round's reservations, by item, until their submits are answered. */
	private readonly reserved = new Map<number, number>();
	private readonly probing = new Set<string>();
	/** Until the batch's catalogue is read, the table prices every estimate. */
	private prices = new PriceBook();

	constructor(
		readonly limits: BudgetLimits,
		private readonly record: SpendRecord,
		private readonly sources: LedgerSources,
	) {
		if (limits.maxUsd !== undefined) this.maxCredits = Math.round(limits.maxUsd * 2_000_000);
	}

	/** The batch's prices, read before its first submit. */
	usePrices(prices: PriceBook): void {
		this.prices = prices;
	}

	/** A request's estimate before this execution's own costs raise it, and where it came from. */
	priceOf(request: GenerateRequest): Estimate {
		return this.prices.estimate(request);
	}

	get limited(): boolean {
		return this.maxCredits !== undefined || this.limits.maxVideos !== undefined;
	}

	/** At the start of a round, before the job's submit is sent: send it, hold it a round, or refuse it. */
	admit(job: BudgetItem): 'send' | 'hold' | Failure {
		const request = this.sources.requestOf(job);
		if (!this.limited || !request) return 'send';
		if (this.limits.maxVideos !== undefined && this.committedVideos() >= this.limits.maxVideos)
			return this.refuse(job, request);
		const key = priceKey(request);
		const answered = this.record.learned(key) !== undefined;
		if (!answered && this.probing.has(key)) return 'hold';
		const estimate = this.estimate(request);
		if (this.maxCredits !== undefined && this.committedCredits() + estimate > this.maxCredits)
			return this.refuse(job, request);
		this.reserved.set(job.index, estimate);
		if (!answered) this.probing.add(key);
		return 'send';
	}

	/**
	 * After the submit: its outcome, or undefined when it was not sent after all. An accepted
	 * generation counts at its usable reported cost, else at its estimate; a submit the API may have
	 * accepted (its answer lost) counts at its estimate; a refused one frees its reservation.
	 */
	settle(job: BudgetItem, outcome?: SubmitAnswer): void {
		const request = this.sources.requestOf(job);
		const submitKey = this.sources.submitKeyOf(job);
		const reservation = this.reserved.get(job.index);
		this.reserved.delete(job.index);
		if (request) this.probing.delete(priceKey(request));
		if (!request || !submitKey) return;
		const estimate = reservation ?? this.estimate(request);
		if (outcome?.type === 'accepted') {
			const usable = usableCredits(outcome.cost);
			this.record.learn(priceKey(request), usable ?? 0);
			this.record.put(submitKey, { counted: usable ?? estimate, cost: outcome.cost });
		} else if (outcome?.type === 'failed' && outcome.failure.kind === 'ambiguous-submit') {
			this.record.put(submitKey, { counted: estimate, maybe: true });
		}
	}

	/**
	 * A cost a status answer reported for the job's generation: the row shows it from now on, so the
	 * totals take it too; a usable one also settles what the budget counts for it.
	 */
	reported(job: BudgetItem, cost: Cost): void {
		const request = this.sources.requestOf(job);
		const submitKey = this.sources.submitKeyOf(job);
		const entry = submitKey ? this.record.get(submitKey) : undefined;
		if (!request || !submitKey || !entry || entry.maybe) return;
		const usable = usableCredits(cost);
		if (usable !== undefined) this.record.learn(priceKey(request), usable);
		this.record.put(submitKey, { counted: usable ?? entry.counted, cost });
	}

	/**
	 * A generation an earlier try of this execution bought, resumed now: counted once, when it is not
	 * yet. Returns the cost its row shows: the figure the totals already hold for it (a status answer's
	 * may have replaced the submit's), else the one remembered.
	 */
	resumed(job: BudgetItem, cost: Cost | undefined): Cost | undefined {
		const request = this.sources.requestOf(job);
		const submitKey = this.sources.submitKeyOf(job);
		if (!request || !submitKey) return cost;
		const counted = this.record.get(submitKey);
		if (counted) return counted.cost ?? cost;
		this.record.put(submitKey, { counted: usableCredits(cost) ?? this.estimate(request), cost });
		return cost;
	}

	/** A submit an earlier try of this execution sent and lost the answer to: counted once, at its estimate. */
	lostEarlier(job: BudgetItem): void {
		const request = this.sources.requestOf(job);
		const submitKey = this.sources.submitKeyOf(job);
		if (!request || !submitKey || this.record.get(submitKey)) return;
		this.record.put(submitKey, { counted: this.estimate(request), maybe: true });
	}

	/** The submit record forgot the job's generation (a later submit of it is a new one): its count stays, closed. */
	close(job: BudgetItem): void {
		const submitKey = this.sources.submitKeyOf(job);
		if (submitKey) this.record.close(submitKey);
	}

	totals(): RunTotals {
		const sums = this.record.sums();
		return {
			videos: sums.videos,
			credits: sums.credits,
			usd: roundUsd(sums.usd),
			costNotReported: sums.unreported,
			possiblyAccepted: sums.maybe,
			notSubmittedForBudget: sums.refused,
		};
	}

	/** The batch's estimate for a balance check: the items the budget would let through. */
	batchEstimate(requests: GenerateRequest[]): number {
		const counted =
			this.limits.maxVideos !== undefined
				? requests.slice(0, Math.max(0, this.limits.maxVideos - this.committedVideos()))
				: requests;
		const sum = this.estimateAll(counted);
		return this.maxCredits !== undefined
			? Math.min(sum, Math.max(0, this.maxCredits - this.committedCredits()))
			: sum;
	}

	/**
	 * Without Continue On Fail, one item kept back by the budget stops the node and no row is output,
	 * so buying the others would only spend money: a batch the budget cannot cover by its estimates is
	 * refused whole, before its first submit. Undefined when it fits (or no budget is set).
	 */
	refuseUncovered(requests: GenerateRequest[]): Failure | undefined {
		if (!this.limited || requests.length === 0) return undefined;
		const videos = this.committedVideos() + requests.length;
		const credits = this.committedCredits() + this.estimateAll(requests);
		const tooMany = this.limits.maxVideos !== undefined && videos > this.limits.maxVideos;
		if (!tooMany && (this.maxCredits === undefined || credits <= this.maxCredits)) return undefined;
		const items = `${requests.length} ${requests.length === 1 ? 'item' : 'items'} to submit`;
		return {
			kind: 'budget',
			message: `Not submitted: this execution's budget of ${this.budgetText()} cannot cover its ${items}; nothing was charged for this item`,
			description: `With what this node has already bought in this execution, the batch comes to ${videos} ${videos === 1 ? 'video' : 'videos'} estimated at ${formatUsd(usdOfCredits(credits))} (from ${this.sourcesText(requests)} and what this execution's generations cost). Without "Continue On Fail" a kept-back item stops the node and no row is output, so nothing was bought. Raise "Max Spend" or "Max Videos" under Budget, send fewer items, or turn on "Continue On Fail" to make what the budget allows and get the rest as "not submitted" rows.`,
		};
	}

	/** "$5.85 (11,700,000 credits) on 3 videos", for progress lines and messages. */
	spentText(): string {
		const sums = this.record.sums();
		const unreported = sums.unreported ? `, ${sums.unreported} more without a reported cost` : '';
		const maybe = sums.maybe ? `, ${sums.maybe} more possibly accepted (answer lost)` : '';
		return `${formatUsd(roundUsd(sums.usd))} (${sums.credits.toLocaleString('en-US')} credits) on ${sums.videos} ${sums.videos === 1 ? 'video' : 'videos'}${unreported}${maybe}`;
	}

	budgetText(): string {
		const parts: string[] = [];
		if (this.limits.maxUsd !== undefined) parts.push(formatUsd(this.limits.maxUsd));
		if (this.limits.maxVideos !== undefined)
			parts.push(`${this.limits.maxVideos} ${this.limits.maxVideos === 1 ? 'video' : 'videos'}`);
		return parts.join(' or ');
	}

	/** Accepted, possibly accepted, and being submitted this round. */
	private committedVideos(): number {
		const sums = this.record.sums();
		return sums.videos + sums.maybe + this.reserved.size;
	}

	/** Counted against Max Spend, and reserved for the submits of this round. */
	private committedCredits(): number {
		let sum = this.record.sums().counted;
		for (const credits of this.reserved.values()) sum += credits;
		return sum;
	}

	/** What counts against the budget, for a refusal's description. */
	private committedText(): string {
		const videos = this.committedVideos();
		return `${formatUsd(usdOfCredits(this.committedCredits()))} on ${videos} ${videos === 1 ? 'video' : 'videos'}`;
	}

	private estimate(request: GenerateRequest): number {
		return Math.max(this.priceOf(request).credits, this.record.learned(priceKey(request)) ?? 0);
	}

	/** Where a batch's estimates came from, in words. */
	private sourcesText(requests: GenerateRequest[]): string {
		const sources = new Set(requests.map((request) => this.priceOf(request).from));
		return [...sources].sort().map(sourceText).join(' and ');
	}

	private estimateAll(requests: GenerateRequest[]): number {
		return requests.reduce((sum, request) => sum + this.estimate(request), 0);
	}

	private refuse(job: BudgetItem, request: GenerateRequest): Failure {
		const submitKey = this.sources.submitKeyOf(job);
		if (submitKey) this.record.refuse(submitKey);
		const price = this.priceOf(request);
		const raised = (this.record.learned(priceKey(request)) ?? 0) > price.credits;
		const next = raised
			? "from what this execution's generations with the same model and settings cost"
			: `from ${sourceText(price.from)}`;
		return {
			kind: 'budget',
			message: `Not submitted: this execution's budget of ${this.budgetText()} was reached; nothing was charged for this item`,
			description: `This node has spent or is now submitting ${this.committedText()} in this execution (the API's usable costs; estimates for generations without one and for submits whose answer was lost); the next ${String(request.body.model)} generation is estimated at ${formatUsd(usdOfCredits(this.estimate(request)))} (${next}). Raise "Max Spend" or "Max Videos" under Budget, or run this item again in a later execution.`,
		};
	}
}
