/**
 * The API's public catalogue (`GET /v1/models`, prices with `?include=pricing`) and its deprecation
 * feed (`GET /v1/models/deprecations`), as the vendor documents them: no key needed, a weak ETag
 * (the feed's over `data` only), `304` with an empty body for a matching `If-None-Match`, and
 * `Cache-Control: public, max-age=300` on the feed. The catalogue's prices are what a submit is
 * charged; a withdrawn id answers 404 at submit; a superseded id is served as its replacement.
 */
import { createHash } from 'crypto';
import type * as http from 'http';

import { CREDITS_PER_USD, type SimulatorRequest } from './contract';
import { errorBody, send } from './answers';
import { SIMULATED_MODELS } from './models';
import { now, type SimState } from './state';

export const CATALOGUE_PATH = '/v1/models';
export const DEPRECATIONS_PATH = '/v1/models/deprecations';

/** A read of the catalogue or the deprecation feed: no generation's status, no charge. */
export const isCatalogueRead = (request: { path: string }): boolean =>
	request.path.startsWith(CATALOGUE_PATH);

/**
 * The node's generation requests (submits and status checks) with this method, from the requests
 * the simulator recorded: the catalogue's reads, once per batch, and the CDN's downloads left out.
 */
export const generationRequests = (
	requests: readonly SimulatorRequest[],
	method: string,
): SimulatorRequest[] =>
	requests.filter(
		(request) => request.origin === 'api' && request.method === method && !isCatalogueRead(request),
	);

export interface CatalogueEntry {
	id: string;
	aliases?: string[];
	/** The `pricing` block as the catalogue documents it (`fixed`, `variants`, `variable`). */
	pricing?: unknown;
}

export interface DeprecationEntry {
	id: string;
	aliases?: string[];
	status: 'deprecated' | 'superseded' | 'withdrawn';
	deprecated_at?: string | null;
	shutdown_at?: string | null;
	replaced_by?: string | null;
	reason?: string | null;
}

/** How a public read fails: 503, an HTML page with 200, or JSON that is not the list. */
export type PublicFault = 'unavailable' | 'html' | 'malformed';

export interface SimulatedCatalogue {
	/** The catalogue's models; default every simulated model with `pricing: { kind: 'variable' }`. */
	models?: CatalogueEntry[];
	/** The deprecation feed's entries; default none. */
	deprecations?: DeprecationEntry[];
	/** Every catalogue read fails this way. */
	catalogueFault?: PublicFault;
	/** Every feed read fails this way. */
	feedFault?: PublicFault;
}

/** A video model's pricing as the catalogue documents it: USD per second, by resolution. */
export function perSecondByResolution(usdPerSecond: Record<string, number>): unknown {
	return {
		kind: 'variants',
		dimensions: ['resolution'],
		variants: Object.entries(usdPerSecond).map(([resolution, price]) => ({
			when: { resolution },
			price,
			unit: 'second',
			per: 1,
		})),
	};
}

function catalogueOf(sim: SimState): SimulatedCatalogue {
	return sim.options.catalogue ?? {};
}

function modelsOf(sim: SimState): CatalogueEntry[] {
	return (
		catalogueOf(sim).models ??
		SIMULATED_MODELS.map((model) => ({ id: model.id, pricing: { kind: 'variable' } }))
	);
}

const names = (entry: { id: string; aliases?: string[] }) =>
	[entry.id, ...(entry.aliases ?? [])].map((name) => name.toLowerCase());

export function deprecationOf(sim: SimState, modelId: string): DeprecationEntry | undefined {
	const wanted = modelId.toLowerCase();
	return (catalogueOf(sim).deprecations ?? []).find((entry) => names(entry).includes(wanted));
}

/** The catalogue's model for an id or alias (case-insensitive). */
function catalogueModel(sim: SimState, modelId: string): CatalogueEntry | undefined {
	const wanted = modelId.toLowerCase();
	return modelsOf(sim).find((entry) => names(entry).includes(wanted));
}

const weakTag = (value: unknown) =>
	`W/"${createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 20)}"`;

function failPublic(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	path: string,
	fault: PublicFault,
): void {
	if (fault === 'unavailable')
		return send(sim, req, res, entry, 503, errorBody(503, path, 'Service Unavailable', now(sim)));
	if (fault === 'html')
		return send(
			sim,
			req,
			res,
			entry,
			200,
			undefined,
			{ 'content-type': 'text/html; charset=utf-8' },
			'<!DOCTYPE html><html><body>Maintenance</body></html>',
		);
	send(sim, req, res, entry, 200, { object: 'list', data: 'unavailable' });
}

/** 304 when the client holds the current tag, else the body with its tag. */
function sendTagged(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	body: unknown,
	tag: string,
	headers: Record<string, string> = {},
): void {
	if (req.headers['if-none-match'] === tag)
		return send(sim, req, res, entry, 304, undefined, { etag: tag, ...headers }, '');
	send(sim, req, res, entry, 200, body, { etag: tag, ...headers });
}

/** `GET /v1/models`: filtered by `id` (id or alias, OR'd), pricing only with `include=pricing`. */
export function handleCatalogue(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	url: URL,
): void {
	const fault = catalogueOf(sim).catalogueFault;
	if (fault) return failPublic(sim, req, res, entry, url.pathname, fault);
	const ids = url.searchParams
		.getAll('id')
		.flatMap((value) => value.split(','))
		.map((id) => id.trim().toLowerCase())
		.filter((id) => id !== '');
	const include = (url.searchParams.get('include') ?? '').toLowerCase().split(',');
	const withPricing = include.includes('pricing') || include.includes('all');
	const data = modelsOf(sim)
		// A deprecated model with a shutdown date is dropped from the list (it keeps serving).
		.filter((model) => !deprecationOf(sim, model.id)?.shutdown_at)
		.filter((model) => ids.length === 0 || names(model).some((name) => ids.includes(name)))
		.map((model) => ({
			id: model.id,
			aliases: model.aliases ?? null,
			type: 'internal/video-generations/submit',
			info: { name: model.id, developer: 'Google' },
			tags: ['playground:video'],
			...(withPricing && model.pricing !== undefined ? { pricing: model.pricing } : {}),
		}));
	const body = { object: 'list', data };
	sendTagged(sim, req, res, entry, body, weakTag(body));
}

/** `GET /v1/models/deprecations`: the feed, its tag over `data` only, cacheable for 300 s. */
export function handleDeprecations(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	path: string,
): void {
	const fault = catalogueOf(sim).feedFault;
	if (fault) return failPublic(sim, req, res, entry, path, fault);
	const data = (catalogueOf(sim).deprecations ?? []).map((item) => ({
		id: item.id,
		aliases: item.aliases ?? [],
		status: item.status,
		deprecated_at: item.deprecated_at ?? null,
		shutdown_at: item.status === 'superseded' ? null : (item.shutdown_at ?? null),
		replaced_by: item.replaced_by ?? null,
		reason: item.reason ?? null,
	}));
	const body = { object: 'list', generated_at: new Date(now(sim)).toISOString(), data };
	sendTagged(sim, req, res, entry, body, weakTag(data), {
		'cache-control': 'public, max-age=300',
	});
}

/** What the catalogue charges for a submit body, in credits; undefined when it quotes no price. */
export function cataloguePriceCredits(
	sim: SimState,
	body: Record<string, unknown>,
	defaults: { resolution?: string; duration?: number },
): number | undefined {
	const pricing = catalogueModel(sim, String(body.model))?.pricing as
		| {
				kind?: string;
				variants?: Array<{
					when: Record<string, unknown>;
					price: number;
					per: number;
					unit: string;
				}>;
		  }
		| undefined;
	if (pricing?.kind !== 'variants' || !pricing.variants) return undefined;
	const seconds = Number(body.duration ?? defaults.duration ?? 8);
	const valueOf = (dimension: string): string => {
		if (dimension === 'resolution') return String(body.resolution ?? defaults.resolution ?? '');
		if (dimension === 'audio') return String(body.generate_audio ?? true);
		return String(body[dimension] ?? '');
	};
	const variant = pricing.variants.find((candidate) =>
		Object.entries(candidate.when).every(
			([dimension, value]) => valueOf(dimension).toLowerCase() === String(value).toLowerCase(),
		),
	);
	if (!variant) return undefined;
	const usd = variant.unit === 'second' ? (variant.price / variant.per) * seconds : variant.price;
	return Math.round(usd * CREDITS_PER_USD);
}
