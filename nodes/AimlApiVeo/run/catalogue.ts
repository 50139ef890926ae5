/**
 * Before a batch's first submit: the API's prices for the models the batch uses and the health of
 * those models, two public reads at most per batch and none per item. Both are kept in the node's
 * execution context (saved with the execution, never shared with another execution, workflow or
 * credential), so the runs of the node in one execution (loop rounds, tool calls, retries) re-read
 * them cheaply: the deprecation feed not at all while its `Cache-Control: max-age` lasts, the
 * catalogue conditionally with the ETag it sent (a `304` costs no body). A read that fails keeps
 * the copy held, if any, else goes without: prices then come from the node's table, and health is
 * unknown. Neither read ever holds a generation up.
 */
import type { IDataObject, NodeExecutionHint } from 'n8n-workflow';

import type { CatalogueModel } from '../spend/catalogue-prices';
import { catalogueModels } from '../spend/catalogue-prices';
import { PriceBook } from '../spend/price-book';
import { usdOfCredits } from '../spend/cost';
import type { HealthEntry } from '../request/model-health';
import { healthEntries, healthNotice, healthOf, withdrawnError } from '../request/model-health';
import { CATALOGUE_PATH, DEPRECATIONS_PATH, readPublic } from '../transport/catalogue';
import { failJob } from './machine';
import { failureError } from './outcome';
import type { Item, Run } from './plan';
import { inputFailure } from './plan';

const STORE_KEY = 'veoCatalogue';

interface Stored {
	prices?: { query: string; etag?: string; models: CatalogueModel[] };
	feed?: { etag?: string; readAt: number; maxAgeS?: number; entries: HealthEntry[] };
}

function storeOf(run: Run): { stored: Stored; save(next: Stored): void } {
	let context: IDataObject = {};
	try {
		context = run.ctx.getContext('node') as IDataObject;
	} catch {
		// No execution context: the copies live for this run only.
	}
	const stored = (context[STORE_KEY] ?? {}) as Stored;
	return { stored, save: (next) => (context[STORE_KEY] = next as unknown as IDataObject) };
}

/** The feed: the held copy while its max-age lasts, else read anew (conditionally). */
async function readFeed(run: Run, held: Stored['feed']): Promise<Stored['feed']> {
	const now = run.clock.now();
	if (held?.maxAgeS !== undefined && now - held.readAt < held.maxAgeS * 1000) return held;
	const { ctx, baseUrl, clock } = run.step;
	const answer = await readPublic(ctx, baseUrl, clock, DEPRECATIONS_PATH, held?.etag);
	if (answer?.status === 304 && held)
		return { ...held, readAt: now, maxAgeS: answer.maxAgeS ?? held.maxAgeS };
	const entries = answer?.status === 200 ? healthEntries(answer.body) : undefined;
	if (!entries) return held;
	return { etag: answer?.etag, readAt: now, maxAgeS: answer?.maxAgeS, entries };
}

/** The prices of the batch's models: the held copy when the API says it is current. */
async function readPrices(
	run: Run,
	models: string[],
	stored: Stored['prices'],
): Promise<Stored['prices']> {
	const query = `?include=pricing&id=${models.map(encodeURIComponent).join(',')}`;
	const { ctx, baseUrl, clock } = run.step;
	const held = stored?.query === query ? stored : undefined;
	const answer = await readPublic(ctx, baseUrl, clock, `${CATALOGUE_PATH}${query}`, held?.etag);
	if (answer?.status === 304 && held) return held;
	const read = answer?.status === 200 ? catalogueModels(answer.body) : undefined;
	return read ? { query, etag: answer?.etag, models: read } : undefined;
}

/** Reads the batch's prices and its models' health, and applies both before the first submit. */
export async function readCatalogue(run: Run): Promise<void> {
	const waiting = run.items.filter((item) => item.request && item.job.state === 'submit');
	const priced = run.items.filter((item) => item.request);
	if (waiting.length === 0) return;
	const models = [...new Set(priced.map((item) => String(item.request?.body.model)))].sort();
	const { stored, save } = storeOf(run);
	const [feed, prices] = await Promise.all([
		readFeed(run, stored.feed),
		readPrices(run, models, stored.prices),
	]);
	save({ feed, prices: prices ?? stored.prices });
	run.ledger.usePrices(new PriceBook(prices?.models));
	for (const item of priced) item.job.estimate = estimateOf(run, item);
	if (feed) applyHealth(run, feed.entries);
}

function estimateOf(run: Run, item: Item): IDataObject {
	const { credits, from } = run.ledger.priceOf(item.request as NonNullable<Item['request']>);
	return { credits, usd: usdOfCredits(credits), from };
}

/**
 * A withdrawn model fails its items before anything is sent (without Continue On Fail, the node
 * stops); a deprecated or superseded one is sent, its rows say so, and n8n shows a hint.
 */
function applyHealth(run: Run, entries: HealthEntry[]): void {
	const hints = new Map<string, NodeExecutionHint>();
	for (const item of run.items) {
		if (!item.request) continue;
		const id = String(item.request.body.model);
		const entry = healthOf(entries, id);
		if (!entry) continue;
		if (entry.status === 'withdrawn') {
			if (item.job.state !== 'submit') continue;
			failJob(item.job, inputFailure(withdrawnError(id, entry)));
			if (!run.continueOnFail) throw failureError(run, item.job);
			continue;
		}
		const notice = healthNotice(id, entry);
		if (!notice) continue;
		item.job.modelNotice = notice.fields;
		const type = entry.status === 'deprecated' ? 'warning' : 'info';
		hints.set(notice.message, { message: notice.message, type, location: 'outputPane' });
	}
	if (hints.size > 0 && typeof run.ctx.addExecutionHints === 'function')
		run.ctx.addExecutionHints(...hints.values());
}
