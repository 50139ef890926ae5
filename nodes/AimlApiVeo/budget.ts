/**
 * What a run spends, and the budget it may not pass. The scheduler asks before each submit whether
 * it may be sent; the ledger reserves the estimated cost then, and settles it with the API's own
 * figure once the answer is in. Rounds of submits go out in parallel, but the scheduler decides
 * every submit of a round before sending any, so reservations can never race each other.
 *
 * Estimates: the highest cost the API reported in this run for the same model and settings; before
 * the first such answer, the price table (prices.ts). And until that first answer is in, only one
 * submit of those settings is sent: the rest wait a round for the API's real figure, so a price table
 * that is too low cannot take a batch past its budget.
 */
import type { Cost } from './cost';
import { formatUsd, roundUsd, usdOfCredits } from './cost';
import type { Failure } from './errors';
import type { Job } from './machine';
import { priceKey, tableEstimate } from './prices';
import type { GenerateRequest } from './request';
import type { SubmitOutcome } from './wait';

export interface BudgetLimits {
	/** The most the run may spend, in USD (kept in credits, so sums are exact). */
	maxUsd?: number;
	/** The most generations the run may have accepted. */
	maxVideos?: number;
}

/** The run's totals as the next node sees them on every row. */
export interface RunTotals {
	/** Generations the API accepted in this run (Retry On Fail tries of this execution included). */
	videos: number;
	/** What the API reported for them. */
	credits: number;
	usd: number;
	/** Accepted generations whose cost the API did not report (not in the figures above). */
	costNotReported: number;
	/** Items not submitted because the budget was reached. */
	notSubmittedForBudget: number;
}

export class Ledger {
	private readonly maxCredits?: number;
	private videos = 0;
	private credits = 0;
	private usd = 0;
	private unreported = 0;
	private refused = 0;
	/** Credits counted against the budget: reported costs, and estimates where none was reported. */
	private spent = 0;
	private readonly reserved = new Map<number, number>();
	/** The cost to expect per price key, once the API has answered one submit of it. */
	private readonly known = new Map<string, number>();
	private readonly probing = new Set<string>();

	constructor(
		readonly limits: BudgetLimits,
		private readonly requestOf: (job: Job) => GenerateRequest | undefined,
	) {
		if (limits.maxUsd !== undefined) this.maxCredits = Math.round(limits.maxUsd * 2_000_000);
	}

	get limited(): boolean {
		return this.maxCredits !== undefined || this.limits.maxVideos !== undefined;
	}

	/** At the start of a round, before the job's submit is sent: send it, hold it a round, or refuse it. */
	admit(job: Job): 'send' | 'hold' | Failure {
		const request = this.requestOf(job);
		if (!this.limited || !request) return 'send';
		if (this.limits.maxVideos !== undefined && this.videos + this.reserved.size >= this.limits.maxVideos) return this.refuse(request);
		const key = priceKey(request);
		if (!this.known.has(key) && this.probing.has(key)) return 'hold';
		const estimate = this.estimate(request);
		if (this.maxCredits !== undefined && this.spent + this.reservedCredits() + estimate > this.maxCredits) return this.refuse(request);
		this.reserved.set(job.index, estimate);
		if (!this.known.has(key)) this.probing.add(key);
		return 'send';
	}

	/** After the submit: its outcome, or undefined when it was not sent after all. */
	settle(job: Job, outcome?: SubmitOutcome): void {
		const request = this.requestOf(job);
		const reservation = this.reserved.get(job.index);
		this.reserved.delete(job.index);
		if (request) this.probing.delete(priceKey(request));
		if (outcome?.type !== 'accepted' || !request) return;
		const key = priceKey(request);
		const counted = outcome.cost?.credits ?? reservation ?? this.estimate(request);
		this.known.set(key, Math.max(this.known.get(key) ?? 0, counted));
		this.record(outcome.cost, counted);
	}

	/** A generation an earlier try of this execution bought, resumed now: it counts as spent. */
	resumed(cost: Cost | undefined, request: GenerateRequest): void {
		this.record(cost, cost?.credits ?? this.estimate(request));
	}

	totals(): RunTotals {
		return { videos: this.videos, credits: this.credits, usd: roundUsd(this.usd), costNotReported: this.unreported, notSubmittedForBudget: this.refused };
	}

	/** The batch's estimate for a balance check: the items the budget would let through. */
	batchEstimate(requests: GenerateRequest[]): number {
		const counted = this.limits.maxVideos !== undefined ? requests.slice(0, Math.max(0, this.limits.maxVideos - this.videos)) : requests;
		const sum = this.estimateAll(counted);
		return this.maxCredits !== undefined ? Math.min(sum, Math.max(0, this.maxCredits - this.spent)) : sum;
	}

	/**
	 * Without Continue On Fail, one item kept back by the budget stops the node and no row is output,
	 * so buying the others would only spend money: a batch the budget cannot cover by its estimates is
	 * refused whole, before its first submit. Undefined when it fits (or no budget is set).
	 */
	refuseUncovered(requests: GenerateRequest[]): Failure | undefined {
		if (!this.limited || requests.length === 0) return undefined;
		const videos = this.videos + requests.length;
		const credits = this.spent + this.estimateAll(requests);
		const tooMany = this.limits.maxVideos !== undefined && videos > this.limits.maxVideos;
		if (!tooMany && (this.maxCredits === undefined || credits <= this.maxCredits)) return undefined;
		const items = `${requests.length} ${requests.length === 1 ? 'item' : 'items'} to submit`;
		return {
			kind: 'budget',
			message: `Not submitted: the run's budget of ${this.budgetText()} cannot cover its ${items}; nothing was charged for this item`,
			description: `With what this run has already bought, the batch comes to ${videos} ${videos === 1 ? 'video' : 'videos'} estimated at ${formatUsd(usdOfCredits(credits))} (from the node's price table and what this run's generations cost). Without "Continue On Fail" a kept-back item stops the node and no row is output, so nothing was bought. Raise "Max Spend" or "Max Videos" under Budget, send fewer items, or turn on "Continue On Fail" to make what the budget allows and get the rest as "not submitted" rows.`,
		};
	}

	/** "$5.85 (11,700,000 credits) on 3 videos", for progress lines and messages. */
	spentText(): string {
		const unreported = this.unreported ? `, ${this.unreported} more without a reported cost` : '';
		return `${formatUsd(roundUsd(this.usd))} (${this.credits.toLocaleString('en-US')} credits) on ${this.videos} ${this.videos === 1 ? 'video' : 'videos'}${unreported}`;
	}

	budgetText(): string {
		const parts: string[] = [];
		if (this.limits.maxUsd !== undefined) parts.push(formatUsd(this.limits.maxUsd));
		if (this.limits.maxVideos !== undefined) parts.push(`${this.limits.maxVideos} ${this.limits.maxVideos === 1 ? 'video' : 'videos'}`);
		return parts.join(' or ');
	}

	/** What counts against the budget: spent, and reserved for the submits of this round. */
	private committedText(): string {
		const videos = this.videos + this.reserved.size;
		return `${formatUsd(usdOfCredits(this.spent + this.reservedCredits()))} on ${videos} ${videos === 1 ? 'video' : 'videos'}`;
	}

	private estimate(request: GenerateRequest): number {
		return this.known.get(priceKey(request)) ?? tableEstimate(request);
	}

	private estimateAll(requests: GenerateRequest[]): number {
		return requests.reduce((sum, request) => sum + this.estimate(request), 0);
	}

	private reservedCredits(): number {
		let sum = 0;
		for (const credits of this.reserved.values()) sum += credits;
		return sum;
	}

	private record(cost: Cost | undefined, counted: number): void {
		this.videos++;
		this.spent += counted;
		if (!cost) {
			this.unreported++;
			return;
		}
		this.credits += cost.credits;
		this.usd += cost.usd;
	}

	private refuse(request: GenerateRequest): Failure {
		this.refused++;
		const next = this.known.has(priceKey(request)) ? 'from what this run\'s generations with the same model and settings cost' : 'from the node\'s price table';
		return {
			kind: 'budget',
			message: `Not submitted: the run's budget of ${this.budgetText()} was reached; nothing was charged for this item`,
			description: `This run has spent or is now submitting ${this.committedText()}; the next ${String(request.body.model)} generation is estimated at ${formatUsd(usdOfCredits(this.estimate(request)))} (${next}). Raise "Max Spend" or "Max Videos" under Budget, or run this item again in a later execution.`,
		};
	}
}
