/**
 * What a generation cost, in the API's own figures. The submit answer reports it in
 * `meta.usage.credits_used` (older answers: `tokens_used`), newer models add `usd_spent`, and every
 * JSON answer carries the `x-aimlapi-credits-used` header. A cost is only ever read from the API,
 * never guessed: where the API gave no figure, there is no cost.
 */

/** The API's documented rate: 1 USD = 2,000,000 credits. */
export const CREDITS_PER_USD = 2_000_000;

export interface Cost {
	credits: number;
	usd: number;
}

function nonNegative(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** USD rounded to a millionth, so sums of costs read as the API wrote them. */
export function roundUsd(usd: number): number {
	return Math.round(usd * 1e6) / 1e6;
}

export function usdOfCredits(credits: number): number {
	return roundUsd(credits / CREDITS_PER_USD);
}

export function creditsOfUsd(usd: number): number {
	return Math.round(usd * CREDITS_PER_USD);
}

/**
 * A cost from the figures given: `usd_spent` is the cost in USD, `credits_used` in credits. One alone
 * is converted at the documented rate, and so is a 0 beside a figure above 0 (the API reported the
 * cost in one unit and left the other at 0): a 0 never hides a cost the API did report.
 */
function costFrom(credits: number | undefined, usd: number | undefined): Cost | undefined {
	if (credits === undefined && usd === undefined) return undefined;
	const fromUsd = usd !== undefined && usd > 0 ? creditsOfUsd(usd) : undefined;
	const inCredits = credits === undefined || credits === 0 ? (fromUsd ?? credits ?? 0) : credits;
	const inUsd = usd === undefined || (usd === 0 && inCredits > 0) ? usdOfCredits(inCredits) : usd;
	return { credits: inCredits, usd: roundUsd(inUsd) };
}

/** `meta.usage` of a generation object, if it reports one. */
export function costOfGeneration(generation: unknown): Cost | undefined {
	const meta = (generation as { meta?: unknown } | undefined)?.meta;
	const usage = meta && typeof meta === 'object' ? (meta as { usage?: unknown }).usage : undefined;
	if (!usage || typeof usage !== 'object') return undefined;
	const {
		credits_used: creditsUsed,
		tokens_used: tokensUsed,
		usd_spent: usdSpent,
	} = usage as Record<string, unknown>;
	return costFrom(nonNegative(creditsUsed) ?? nonNegative(tokensUsed), nonNegative(usdSpent));
}

/**
 * The cost of a submit: the body's usage, else the headers. Only for the submit: a status check is
 * not charged, so its header tells what the check cost, not what the generation did.
 */
export function costOfSubmit(body: unknown, headers: Record<string, unknown>): Cost | undefined {
	return (
		costOfGeneration(body) ??
		costFrom(
			nonNegative(headers['x-aimlapi-credits-used']),
			nonNegative(headers['x-aimlapi-usd-spent']),
		)
	);
}

/** A cost an item carried in from an earlier node (the durable loop's state), if it is one. */
export function readCost(value: unknown): Cost | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const { credits, usd } = value as Record<string, unknown>;
	const known = nonNegative(credits);
	const inUsd = nonNegative(usd);
	return known !== undefined && inUsd !== undefined ? { credits: known, usd: inUsd } : undefined;
}

/** "$1.95", or "$0.0625" when cents would hide the figure. */
export function formatUsd(usd: number): string {
	const cents = usd.toFixed(2);
	return Number(cents) === roundUsd(usd) ? `$${cents}` : `$${String(roundUsd(usd))}`;
}

export function formatCost(cost: Cost): string {
	return `${formatUsd(cost.usd)} (${cost.credits.toLocaleString('en-US')} credits)`;
}
