/**
 * "Check Balance First": one `GET /v2/billing` before a batch, so a batch the account cannot pay
 * for stops before its first submit instead of part-way through on a 403. One request per batch,
 * never per video.
 */
import type { Failure } from '../shared/errors';
import { apiMessage } from '../shared/errors';
import { formatUsd, usdOfCredits } from './cost';
import type { ApiContext } from '../transport/api';
import { apiRequest } from '../transport/api';

const BALANCE_TIMEOUT_MS = 30_000;

/** The balance in USD as the API reports it, or why it could not be read. */
async function readBalance(
	step: ApiContext,
): Promise<{ usd: number; currency: string } | { problem: string }> {
	const result = await apiRequest(step.ctx, step.baseUrl, step.clock, {
		method: 'GET',
		path: '/v2/billing',
		timeoutMs: BALANCE_TIMEOUT_MS,
	});
	if (!result.ok) return { problem: 'the API did not answer' };
	const { statusCode, body } = result.response;
	if (statusCode < 200 || statusCode >= 300)
		return {
			problem: `the API answered HTTP ${statusCode}${apiMessage(body) ? ` (${apiMessage(body)})` : ''}`,
		};
	const { current_balance: balance, currency } = (
		body && typeof body === 'object' ? body : {}
	) as Record<string, unknown>;
	const usd = typeof balance === 'string' ? Number(balance) : balance;
	if (typeof usd !== 'number' || !Number.isFinite(usd))
		return { problem: 'its answer held no balance' };
	return { usd, currency: typeof currency === 'string' ? currency : 'USD' };
}

/** Undefined when the balance covers `estimateCredits`; otherwise the failure every item of the batch ends with. */
export async function checkBalance(
	step: ApiContext,
	estimateCredits: number,
	items: number,
): Promise<Failure | undefined> {
	const balance = await readBalance(step);
	const estimate = formatUsd(usdOfCredits(estimateCredits));
	const batch = `${items} ${items === 1 ? 'item' : 'items'} to submit, estimated at ${estimate}`;
	if ('problem' in balance) {
		return {
			kind: 'balance',
			message: `Not submitted: the account balance could not be checked (${balance.problem}); nothing was charged for this item`,
			description: `"Check Balance First" is on, so nothing was submitted (${batch}). Check the "AIML API" credential and try again, or turn "Check Balance First" off.`,
		};
	}
	if (balance.currency.toUpperCase() === 'USD' && balance.usd * 2_000_000 >= estimateCredits)
		return undefined;
	return {
		kind: 'balance',
		message: `Not submitted: the account balance of ${balance.currency.toUpperCase() === 'USD' ? formatUsd(balance.usd) : `${balance.usd} ${balance.currency}`} cannot cover this batch (${batch}); nothing was charged for this item`,
		description: `Top up at https://aimlapi.com/app/billing/, submit fewer items, or set a "Max Spend" under Budget that the balance covers. The estimate uses the API's price catalogue where it prices the model, else the node's price table.`,
	};
}
