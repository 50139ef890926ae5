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
 *
 * Gemini Omni (added 2026-12-02): neither the AIML API's Omni specs nor their pages give a price;
 * the only figures are the per-generation costs the API reports. The rows below are estimates: Omni
 * 1.1 Flash and the Preview are taken at the Veo 3.1 Fast rate above ($0.15 a second) at 720p and
 * 1080p, a third less at 360p ($0.10), and at 4k at $0.35 a second, Google's Vertex AI price for
 * 4k Veo 3.1 Fast video as quoted alongside the others. None is a published Omni price.
 */
import { creditsOfUsd } from './cost';
import type { GenerateRequest } from '../request/build';

export interface ModelPrice {
	/** USD per second of video, with audio. */
	usdPerSecond: number;
	/** Where the price depends on the resolution: USD per second by resolution (lower case). */
	byResolution?: Record<string, number>;
}

const VEO = { usdPerSecond: 0.4 };
const VEO_FAST = { usdPerSecond: 0.15 };
const VEO_2 = { usdPerSecond: 0.5 };
/** Estimates (see above): no Omni price is published. */
const OMNI = {
	usdPerSecond: 0.15,
	byResolution: { '360p': 0.1, '720p': 0.15, '1080p': 0.15, '4k': 0.35 },
};

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
	'google/gemini-omni-1.1-flash': OMNI,
	'google/gemini-omni-flash-preview': { usdPerSecond: OMNI.usdPerSecond },
};

/** The length Veo makes when the request names none. */
export const DEFAULT_DURATION_S = 8;

/** The table's estimate for one request, in credits; a model without a row is priced as the dearest. */
export function tableEstimate(request: Pick<GenerateRequest, 'body'>): number {
	const model = String(request.body.model);
	const row = PRICES[model];
	const resolution = String(request.body.resolution ?? '').toLowerCase();
	// A request that sends no resolution where the price depends on it: its dearest.
	const unsent = row?.byResolution && resolution === '' ? dearest(row) : undefined;
	const price =
		row?.byResolution?.[resolution] ??
		unsent ??
		row?.usdPerSecond ??
		Math.max(...Object.values(PRICES).map((known) => dearest(known)));
	const duration = Number(request.body.duration ?? DEFAULT_DURATION_S);
	return creditsOfUsd(
		price * (Number.isFinite(duration) && duration > 0 ? duration : DEFAULT_DURATION_S),
	);
}

/** The highest rate of a row: what a model without a row is priced at. */
const dearest = (row: ModelPrice): number =>
	Math.max(row.usdPerSecond, ...Object.values(row.byResolution ?? {}));

/**
 * What makes two requests cost the same: the model and the settings that drive Veo's price. Costs
 * the run has seen are remembered by this key.
 */
export function priceKey(request: Pick<GenerateRequest, 'body'>): string {
	const { model, duration, resolution, generate_audio: audio } = request.body;
	return [model, duration ?? '', String(resolution ?? '').toLowerCase(), audio ?? ''].join('|');
}
