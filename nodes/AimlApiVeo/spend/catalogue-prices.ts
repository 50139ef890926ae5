/**
 * Prices from the API's own catalogue (`GET /v1/models?include=pricing`). A model's `pricing` is
 * `fixed` (one rate per unit), `variants` (the rate depends on request parameters named in
 * `dimensions`, each variant saying `when` it applies) or `variable` (no quote before the request).
 * A rate is `price` USD for `per` units. Only what can be priced for sure is priced here: a rate per
 * second of video or per video (generation, request). Anything else (`variable`, a unit a video is
 * not sold by, a request no variant matches) is no price, and the caller falls back to its table.
 */
import type { IDataObject } from 'n8n-workflow';

import { creditsOfUsd } from './cost';

export interface CatalogueModel {
	id: string;
	aliases: string[];
	pricing?: unknown;
}

/** What a request's price depends on, as the catalogue names the dimensions. */
export interface PricedRequest {
	/** The request body as sent (model, duration, resolution, generate_audio, …). */
	body: IDataObject;
	/** The seconds of video the request makes (its duration, else the model's default). */
	seconds: number;
	/** A dimension's value when the request does not send it: the model's documented default. */
	defaults: Record<string, string | undefined>;
}

interface Rate {
	price: number;
	per: number;
	unit: string;
}

const PER_SECOND = new Set(['second', 'seconds', 's', 'sec']);
const PER_VIDEO = new Set(['video', 'videos', 'generation', 'generations', 'request', 'requests']);

/** The catalogue's model list: entries with an id; anything else in `data` is skipped. */
export function catalogueModels(body: unknown): CatalogueModel[] | undefined {
	const data = (body as { data?: unknown } | undefined)?.data;
	if (!Array.isArray(data)) return undefined;
	return data.flatMap((entry: unknown) => {
		const { id, aliases, pricing } = (entry ?? {}) as Record<string, unknown>;
		if (typeof id !== 'string' || id === '') return [];
		const names = Array.isArray(aliases) ? aliases.filter((a) => typeof a === 'string') : [];
		return [{ id, aliases: names as string[], pricing }];
	});
}

/** The entry for a model id, matched on the catalogue's id and aliases alike (case-insensitive). */
export function findCatalogueModel(
	models: CatalogueModel[],
	id: string,
): CatalogueModel | undefined {
	const wanted = id.toLowerCase();
	return models.find((model) =>
		[model.id, ...model.aliases].some((name) => name.toLowerCase() === wanted),
	);
}

function rateOf(value: unknown, unitField: 'unit' | 'name'): Rate | undefined {
	const { price, per, [unitField]: unit } = (value ?? {}) as Record<string, unknown>;
	const perNumber = per === undefined ? 1 : per;
	if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) return undefined;
	if (typeof perNumber !== 'number' || !Number.isFinite(perNumber) || perNumber <= 0)
		return undefined;
	if (typeof unit !== 'string') return undefined;
	return { price, per: perNumber, unit: unit.toLowerCase() };
}

/** USD for one request at a rate, or undefined when a video is not sold by its unit. */
function usdAt(rate: Rate, seconds: number): number | undefined {
	if (PER_SECOND.has(rate.unit)) return (rate.price / rate.per) * seconds;
	if (PER_VIDEO.has(rate.unit)) return rate.price / rate.per;
	return undefined;
}

/** A value as the catalogue's `when` may write it: text, lower case; booleans as true/false. */
function normal(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	return String(value).trim().toLowerCase();
}

/** The names a dimension may go by in a request body. */
const BODY_NAMES: Record<string, string[]> = {
	audio: ['generate_audio', 'audio'],
	generate_audio: ['generate_audio', 'audio'],
	duration: ['duration', 'seconds'],
};

/** The request's value for a dimension: sent, else the model's default, else unknown. */
function requestValue(request: PricedRequest, dimension: string): string | undefined {
	const name = dimension.toLowerCase();
	for (const field of BODY_NAMES[name] ?? [name]) {
		const sent = normal(request.body[field]);
		if (sent !== undefined) return sent;
	}
	if (name === 'duration') return String(request.seconds);
	return normal(request.defaults[name]);
}

/**
 * The variants that may price the request: each `when` value must equal the request's, compared as
 * text without case (`720P` is `720p`, `8` is `"8"`). A dimension the request leaves unknown (no
 * value, no documented default) matches every variant, and the dearest of them is taken.
 */
function variantsUsd(pricing: Record<string, unknown>, request: PricedRequest): number | undefined {
	const { variants } = pricing;
	if (!Array.isArray(variants)) return undefined;
	const prices = variants.flatMap((variant: unknown) => {
		const when = (variant as { when?: unknown } | undefined)?.when;
		if (!when || typeof when !== 'object') return [];
		const fits = Object.entries(when as Record<string, unknown>).every(([dimension, value]) => {
			const wanted = requestValue(request, dimension);
			return wanted === undefined || wanted === normal(value);
		});
		const rate = fits ? rateOf(variant, 'unit') : undefined;
		const usd = rate ? usdAt(rate, request.seconds) : undefined;
		return usd === undefined ? [] : [usd];
	});
	return prices.length > 0 ? Math.max(...prices) : undefined;
}

/** A `fixed` rate a video is sold by (per second or per video); the dearest if several are. */
function fixedUsd(pricing: Record<string, unknown>, request: PricedRequest): number | undefined {
	const { units } = pricing;
	if (!Array.isArray(units)) return undefined;
	const prices = units.flatMap((unit: unknown) => {
		const rate = rateOf(unit, 'name');
		const usd = rate ? usdAt(rate, request.seconds) : undefined;
		return usd === undefined ? [] : [usd];
	});
	return prices.length > 0 ? Math.max(...prices) : undefined;
}

/** What the catalogue says one request costs, in credits; undefined when it cannot say. */
export function cataloguePrice(pricing: unknown, request: PricedRequest): number | undefined {
	if (!pricing || typeof pricing !== 'object') return undefined;
	const block = pricing as Record<string, unknown>;
	const currency = block.currency;
	if (typeof currency === 'string' && currency.toUpperCase() !== 'USD') return undefined;
	const usd =
		block.kind === 'variants'
			? variantsUsd(block, request)
			: block.kind === 'fixed'
				? fixedUsd(block, request)
				: undefined;
	return usd === undefined ? undefined : creditsOfUsd(usd);
}
