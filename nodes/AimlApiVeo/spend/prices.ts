/**
 * What a generation is expected to cost before this run has seen the API's own figure for it. Used
 * only to keep a budget and to check the balance: once a generation of a model is accepted, the
 * cost the API reported for it prices the next ones of that model, and rows show only the API's
 * figures, never these.
 *
 * Source, as of 2026-11-26: the AIML API documents no Veo prices (its answers report the cost of
 * each generation, which is what the node relies on). These figures are Google's own list prices
 * per second of Veo video with audio on Vertex AI (Veo 3: $0.40, Veo 3 Fast: $0.15), as quoted on
 * a public page that computes Veo costs from them (docs.dev.xavier.icvr.xyz, "Google Veo 3"); Veo 3.1
 * and 3.1 Fast are taken at the same rates as Veo 3 and Veo 3 Fast. The AIML API's prices may
 * differ (they include its margin), so a budget smaller than one video may still be passed by the
 * first video of a model: see "Cost and budgets" in the README.
 *
 * The models added later have no figure on that page either. Extend-video and reference-to-video
 * are Veo 3.1 generations and are taken at the Veo 3.1 (Fast) rate. Veo 2 is taken at $0.50 a
 * second, a figure not checked against any published price list: a rough estimate.
 * The Lite models, which Google sells below Veo 3.1 Fast, are taken at the Fast rate: an estimate
 * on the high side only makes a budget more careful. A model chosen By ID that this table does not
 * know is priced as the dearest row.
 */
import { creditsOfUsd } from './cost';
import type { GenerateRequest } from '../request/build';

export interface ModelPrice {
	/** USD per second of video, with audio. */
	usdPerSecond: number;
}

const VEO = { usdPerSecond: 0.4 };
const VEO_FAST = { usdPerSecond: 0.15 };
const VEO_2 = { usdPerSecond: 0.5 };

/** One row per model of the model table (a test holds them in step). */
export const PRICES: Record<string, ModelPrice> = {
	'google/veo-3.0-fast': VEO_FAST,
	'google/veo3': VEO,
	'google/veo-3.0-i2v-fast': VEO_FAST,
	'google/veo-3.0-i2v': VEO,
	'google/veo-3.1-t2v-fast': VEO_FAST,
	'google/veo-3.1-t2v': VEO,
	'google/veo-3.1-i2v-fast': VEO_FAST,
	'google/veo-3.1-i2v': VEO,
	'google/veo-3.1-first-last-image-to-video-fast': VEO_FAST,
	'google/veo-3.1-first-last-image-to-video': VEO,
	'google/veo-3.1-reference-to-video': VEO,
	'google/veo3-1-fast-extend-video': VEO_FAST,
	'google/veo3-1-extend-video': VEO,
	'google/veo-3-1-lite-generate-preview': VEO_FAST,
	'veo-3.1-lite-generate-001': VEO_FAST,
	veo2: VEO_2,
	'veo2/image-to-video': VEO_2,
};

/** The length Veo makes when the request names none. */
export const DEFAULT_DURATION_S = 8;

/** The table's estimate for one request, in credits; a model without a row is priced as the dearest. */
export function tableEstimate(request: Pick<GenerateRequest, 'body'>): number {
	const model = String(request.body.model);
	const price =
		PRICES[model]?.usdPerSecond ??
		Math.max(...Object.values(PRICES).map((row) => row.usdPerSecond));
	const duration = Number(request.body.duration ?? DEFAULT_DURATION_S);
	return creditsOfUsd(
		price * (Number.isFinite(duration) && duration > 0 ? duration : DEFAULT_DURATION_S),
	);
}

/**
 * What makes two requests cost the same: the model and the settings that drive Veo's price. Costs
 * the run has seen are remembered by this key.
 */
export function priceKey(request: Pick<GenerateRequest, 'body'>): string {
	const { model, duration, resolution, generate_audio: audio } = request.body;
	return [model, duration ?? '', String(resolution ?? '').toLowerCase(), audio ?? ''].join('|');
}
