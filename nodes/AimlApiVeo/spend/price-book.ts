/**
 * Where a generation's estimate comes from: the API's catalogue when it prices the request, else
 * the node's own table (prices.ts), and always which of the two it was, so a row can say so.
 *
 * The settings a request leaves out are priced as the model's documented default: resolution 720p
 * for the models that take it in upper case (the Veo 3.0 family, Veo 3.1 Lite), 1080p for the Veo
 * 3.1 models that take it in lower case, the only value where a model has one; duration as prices.ts
 * says; audio on (the API's default). Where the model documents no default (Gemini Omni, a model
 * chosen By ID),
 * the dearest variant the request may fall in prices it, so an estimate errs on the side of the
 * budget.
 */
import type { GenerateRequest } from '../request/build';
import type { CatalogueModel, PricedRequest } from './catalogue-prices';
import { cataloguePrice, findCatalogueModel } from './catalogue-prices';
import { DEFAULT_DURATION_S, tableEstimate } from './prices';

export type PriceSource = 'catalogue' | 'table';

export interface Estimate {
	credits: number;
	from: PriceSource;
}

/** The resolution the API applies when the request sends none, as its per-model specs document it. */
function defaultResolution(request: Pick<GenerateRequest, 'model'>): string | undefined {
	const { resolutions, resolutionCase } = request.model;
	if (resolutions?.length === 1) return resolutions[0];
	// The Gemini Omni specs list resolutions without a default: the dearest variant prices the request.
	if (request.model.omni) return undefined;
	if (resolutionCase === 'upper') return '720p';
	if (resolutionCase === 'lower') return '1080p';
	return undefined;
}

function secondsOf(request: Pick<GenerateRequest, 'model' | 'body'>): number {
	const sent = Number(request.body.duration);
	if (Number.isFinite(sent) && sent > 0) return sent;
	const only = request.model.durations;
	return only?.length === 1 ? only[0] : DEFAULT_DURATION_S;
}

export function pricedRequest(request: Pick<GenerateRequest, 'model' | 'body'>): PricedRequest {
	return {
		body: request.body,
		seconds: secondsOf(request),
		defaults: {
			resolution: defaultResolution(request),
			audio: 'true',
			generate_audio: 'true',
		},
	};
}

export class PriceBook {
	/** `models`: the catalogue's entries for this batch; undefined when it could not be read. */
	constructor(private readonly models?: CatalogueModel[]) {}

	/** True when the catalogue was read (whether or not it prices a given model). */
	get hasCatalogue(): boolean {
		return this.models !== undefined;
	}

	estimate(request: Pick<GenerateRequest, 'model' | 'body'>): Estimate {
		const entry = this.models
			? findCatalogueModel(this.models, String(request.body.model))
			: undefined;
		const credits = entry ? cataloguePrice(entry.pricing, pricedRequest(request)) : undefined;
		return credits !== undefined
			? { credits, from: 'catalogue' }
			: { credits: tableEstimate(request), from: 'table' };
	}
}

/** Words for a message: where an estimate came from. */
export function sourceText(from: PriceSource): string {
	return from === 'catalogue' ? "the API's price catalogue" : "the node's price table";
}
