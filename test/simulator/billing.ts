/**
 * Billing: what a generation costs, the key's balance (the start, less every generation that is or
 * will be charged) and `GET /v2/billing`, which reports it.
 */
import type * as http from 'http';

import {
	CREDITS_PER_USD,
	DEFAULT_BALANCE_USD,
	SUBMIT_USD_SPENT,
	type SimulatorRequest,
} from './contract';
import { isAuthorized, send, unauthorized } from './answers';
import { cataloguePriceCredits } from './catalogue';
import type { SimulatedModel } from './models';
import { endingOf, phaseOf } from './generations';
import { apiKey, now, type SimState } from './state';

/** The resolution the vendor documents as default: 720P for the upper-case family, else 1080p. */
function defaultResolution(model: SimulatedModel): string | undefined {
	const rule = model.fields.resolution as { values?: unknown[] } | undefined;
	const values = (rule?.values ?? []).map(String);
	if (values.length <= 1) return values[0];
	return values.find((value) => value === '720P') ?? values.find((value) => value === '1080p');
}

/** What a submit costs: the catalogue's price for its body when it quotes one, else `prices`, else the default. */
export function priceCredits(
	sim: SimState,
	model: SimulatedModel,
	body: Record<string, unknown> = { model: model.id },
): number {
	const rule = model.fields.duration as { values?: unknown[] } | undefined;
	const fromCatalogue = cataloguePriceCredits(sim, body, {
		resolution: defaultResolution(model),
		duration: rule?.values?.length === 1 ? Number(rule.values[0]) : undefined,
	});
	return (
		fromCatalogue ??
		Math.round((sim.options.prices?.[model.id] ?? SUBMIT_USD_SPENT) * CREDITS_PER_USD)
	);
}

/** The key's balance in credits: the start, less every generation that is or will be charged. */
export function balanceCredits(sim: SimState): number {
	if (sim.options.outOfCredits) return 0;
	let left = Math.round((sim.options.balanceUsd ?? DEFAULT_BALANCE_USD) * CREDITS_PER_USD);
	for (const stored of sim.store.values()) {
		const uncharged = phaseOf(sim, stored) === 'ended' && endingOf(stored).status === 'error';
		if (stored.apiKey === apiKey(sim) && !uncharged) left -= stored.credits;
	}
	return left;
}

export function handleBilling(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	path: string,
): void {
	sim.counters.billing += 1;
	if (!isAuthorized(sim, req)) return send(sim, req, res, entry, 401, unauthorized(path, now(sim)));
	send(sim, req, res, entry, 200, {
		current_balance: balanceCredits(sim) / CREDITS_PER_USD,
		currency: 'USD',
	});
}
