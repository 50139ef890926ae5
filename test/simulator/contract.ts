/**
 * What a test sees of the simulator: its options and fault knobs, the records it keeps, the handle
 * `startSimulator` returns, and the constants (messages, prompt markers, defaults) tests assert on.
 */
import type { SimulatedModel } from './models';
import type { SimulatedCatalogue } from './catalogue';

export interface SimulatorFaults {
	/** Share (0..1) of status GETs answered with a 5xx from `getFailStatuses`. */
	getFailShare?: number;
	/** Default [500, 502, 503]. */
	getFailStatuses?: number[];
	/** Share of status GETs whose socket is destroyed without answering. */
	getResetShare?: number;
	/** Every status GET waits this long before answering. */
	getDelayMs?: number;
	/** Share of status GETs answered 200 with a truncated JSON body. */
	getMalformedShare?: number;
	/** Share of status GETs answered 200 with an empty body. */
	getEmptyShare?: number;
	/** Share of status GETs never answered: the socket stays open until the client gives up or the simulator closes. */
	getHangShare?: number;
	/** Share of POSTs rejected before acceptance with `postFailStatus` (no generation is created). */
	postFailShare?: number;
	/** Default 503. */
	postFailStatus?: number;
	/** Share of POSTs where the generation is created, then the socket is destroyed with no answer. */
	postDropAfterAcceptShare?: number;
	/** Share of POSTs where the generation is created, then the POST is never answered (the socket stays open). */
	postHangAfterAcceptShare?: number;
	/** Share of POSTs where the generation is created, then the POST is answered `postFailAfterAcceptStatus`. */
	postFailAfterAcceptShare?: number;
	/** Default 500. */
	postFailAfterAcceptStatus?: number;
	/** 'id-only': an accepted POST is answered 201 with `{ id }` alone (no status, no meta). */
	postAnswer?: 'id-only';
	/** Where an accepted POST reports its cost: 'headers' only (no `meta.usage`), or 'none' at all. Default both. */
	postUsage?: 'headers' | 'none';
	/** Every POST is answered with this 3xx and `Location` before anything is checked; nothing is created. */
	postRedirect?: { status: number; location: string };
	/** The first N status polls of each new generation answer 404 "Generation not found" (the id is not known yet). */
	notFoundPollsAfterAccept?: number;
	/** Every 4xx/5xx error body of the API also carries the request: method, path, all headers (the key too), body. */
	echoRequestInErrors?: boolean;
	/**
	 * Every generation id issued from now on carries the caller's API key before its `:model` part
	 * ('raw'), or the key as `encodeURIComponent` writes it ('encoded'): an API that derives ids from
	 * the request. Submit and poll answers carry the id; the poll is found by it as usual.
	 */
	keyInIds?: 'raw' | 'encoded';
	/** Every video URL issued from now on carries the caller's API key in its query (`?token=`), raw or URL-encoded; the CDN still serves it. */
	keyInVideoUrls?: 'raw' | 'encoded';
	/** The CDN answers this status instead of the video. */
	cdnStatus?: number;
	/** The CDN sends the headers and about half of the body, then destroys the socket. */
	cdnCloseMidway?: boolean;
	/** The CDN sends the headers at once, then the body `bytes` at a time every `everyMs`. */
	cdnDrip?: { bytes: number; everyMs: number };
	/** 'html': the CDN answers 200, `content-type: video/mp4`, with an HTML error page as the body. */
	cdnBody?: 'html';
	/** The CDN sends the video gzip-compressed (`content-encoding: gzip`, `content-length` of the compressed bytes). */
	cdnGzip?: boolean;
	/**
	 * Share of status GETs of a known generation answered 200 about another generation: the body's id
	 * is `otherIdOf(asked)`. Such an answer does not move `{ polls }` progress on.
	 */
	pollOtherIdShare?: number;
	/** Every POST waits this long before it is looked at (so a client's submits overlap at the API). */
	postDelayMs?: number;
	/**
	 * The cost an accepted POST reports instead of its price, wherever `postUsage` puts it (credits
	 * and USD alike): a number such as 0 or -1, or text such as 'NaN'. The balance is still drawn by the price.
	 */
	postReportedCost?: number | string;
	/** Status answers of a generation carry `meta.usage` with this many credits (USD at the documented rate). */
	pollReportedCredits?: number;
}

/**
 * How generations move from 'queued' to their end:
 * - 'clock': by the time since the submit (`generationMs`);
 * - `{ polls: n }`: by the answered, un-faulted status polls: the n-th and later report the end, the first
 *   reports 'queued', the ones between 'generating';
 * - 'manual': they stay 'queued' until `advance()` moves them.
 */
export type SimulatorProgress = 'clock' | { polls: number } | 'manual';

/** Where the simulator reads the time; `Date` by default. */
export interface SimulatorClock {
	now(): number;
}

export interface SimulatorOptions {
	/** The one valid key, default 'sim-test-key'. */
	apiKey?: string;
	/** Submit -> completed time, default 3000 ms: 'queued' for the first 20 %, then 'generating', then done. */
	generationMs?: number;
	/** How generations progress; default 'clock' (`generationMs`). */
	progress?: SimulatorProgress;
	/** Every time the simulator reads (progress, `createdAt`, request `at`, error timestamps); default Date. */
	clock?: SimulatorClock;
	/** Renames statuses in every submit and poll answer, e.g. `{ completed: 'COMPLETED' }`, as a provider-style API. */
	statusNames?: Partial<Record<GenerationStatus, string>>;
	/** Most generations that may be queued/generating at once; a POST beyond it gets 429. Default unlimited. */
	concurrencyLimit?: number;
	/** POSTs answer 403 with the out-of-credits body; billing answers a balance of 0. */
	outOfCredits?: boolean;
	/**
	 * What one generation costs, in USD, by model id (1 USD = 2,000,000 credits); a model not named
	 * costs `SUBMIT_USD_SPENT`. The submit answer reports it (`meta.usage`, `x-aimlapi-*` headers).
	 */
	prices?: Record<string, number>;
	/**
	 * The account's starting balance in USD, default `DEFAULT_BALANCE_USD`. Every accepted generation
	 * draws its price from it, except one that ends in `error` (the API never charges those); a submit
	 * the balance cannot cover answers 403 out of credits. `GET /v2/billing` reports what is left.
	 */
	balanceUsd?: number;
	/** Size of the served MP4; default the fixture's size. Larger sizes pad the fixture with a 'free' box. */
	videoBytes?: number;
	/** Origin put into `video.url`; default the simulator's own CDN listener. */
	videoOrigin?: string;
	/** Seeds the PRNG that draws the fault shares (default 1). */
	seed?: number;
	faults?: SimulatorFaults;
	/**
	 * The public catalogue (prices) and deprecation feed, with their failure knobs (see catalogue.ts).
	 * Default: every model priced `variable`, an empty feed.
	 */
	catalogue?: SimulatedCatalogue;
	/** Models the simulator knows beside the contract's: a stand-in for a Veo model newer than the node's table. */
	extraModels?: SimulatedModel[];
	/** API listener port; default 0 (ephemeral). Only read at start. */
	port?: number;
	/** CDN listener port; default 0 (ephemeral). Only read at start. */
	cdnPort?: number;
}

export interface SimulatorRequest {
	origin: 'api' | 'cdn';
	method: string;
	path: string;
	/** The raw query string without the leading '?' ('' when there is none). */
	query: string;
	/** The status answered, 'reset' when the socket was destroyed instead, 0 while unanswered (for ever on a hang). */
	status: number | 'reset';
	authorization?: string;
	/** Arrival time (epoch ms, from the simulator's clock). */
	at: number;
	/**
	 * A video answer from the CDN: how many bytes of its body the connection took. Set once the body is
	 * over (sent whole, or the client went away), so `whenRequest` can wait for it.
	 */
	bodyBytes?: number;
}

export type GenerationStatus = 'queued' | 'generating' | 'completed' | 'error';

export interface Generation {
	id: string;
	model: string;
	/** The path the generation was submitted on. */
	path: string;
	body: Record<string, unknown>;
	prompt: string;
	createdAt: number;
	/**
	 * Computed on every read under the active progress mode. A generation ending in a `[sim:status=WORD]`
	 * marker reads 'error' here (it ends with an error and no video); `apiStatus` has the word.
	 */
	status: GenerationStatus;
	/** The status word a poll would answer now: after `statusNames` and the status markers. */
	apiStatus: string;
	/** Authenticated status GETs naming this generation (faulted answers included). */
	pollCount: number;
	/** Status polls answered 200 for this generation without a fault: what `progress: { polls }` counts. */
	answeredPolls: number;
	/** What the submit answer reported it cost: credits and USD. */
	credits: number;
	usd: number;
}

export interface SimulatorCounters {
	posts: number;
	postsAccepted: number;
	postsRejected: Record<number, number>;
	gets: number;
	cdnRequests: number;
	cdnAuthorizationHeaders: number;
	maxConcurrent: number;
	billing: number;
	/** The most API requests (not CDN) the simulator held unanswered at once: from arrival until its answer was sent or the connection closed. */
	maxInFlight: number;
}

export interface Simulator {
	/** 'http://127.0.0.1:<port>', no trailing slash. */
	baseUrl: string;
	/** 'http://127.0.0.1:<other port>'. */
	cdnUrl: string;
	/** Every request to either listener, in order of arrival. */
	requests: SimulatorRequest[];
	/** Every accepted generation, in order of acceptance. */
	generations: Generation[];
	counters(): SimulatorCounters;
	/** Changes knobs at run time. Top-level keys are replaced (so `faults` is replaced as a whole). */
	setOptions(patch: Partial<SimulatorOptions>): void;
	/**
	 * Moves a generation (by id), or every generation not yet ended ('all'), to `to`, in any progress mode; it
	 * then keeps that status until moved again. 'completed' ends it as it would have ended by itself (video,
	 * no video, or the error of its markers); 'error' ends it in the simulated error. Returns how many moved.
	 * Throws for an unknown id.
	 */
	advance(idOrAll: string | 'all', to: 'generating' | 'completed' | 'error'): number;
	/**
	 * Every video URL handed out so far expires: the CDN answers 404 for it, and each generation's next
	 * status answer carries a new URL. Returns how many URLs expired.
	 */
	expireVideoUrls(): number;
	/**
	 * Resolves with the first logged request (since the last reset) the predicate accepts, at once if one
	 * already arrived. The predicate sees each request when it arrives (status 0) and again when it is
	 * answered, so `r => r.status === 404` works too. A throwing predicate rejects.
	 */
	whenRequest(predicate: (request: SimulatorRequest) => boolean): Promise<SimulatorRequest>;
	/** Resolves once `count` generations were accepted since the last reset. */
	whenGenerations(count: number): Promise<void>;
	/**
	 * Clears requests, generations and counters, and re-seeds the PRNG. Issued video URLs stay served.
	 * Pending `whenRequest`/`whenGenerations` promises are dropped (they never resolve), so a waiter one test
	 * left behind cannot act in the next test on a shared simulator.
	 */
	reset(): void;
	/** Closes both listeners and destroys open sockets. */
	close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'sim-test-key';
export const DEFAULT_GENERATION_MS = 3000;
export const DEFAULT_SEED = 1;
export const DEFAULT_BALANCE_USD = 123.45;
/** The default price of a generation: the one submit answer the contract shows (3,900,000 credits = $1.95). */
export const SUBMIT_CREDITS_USED = 3900000;
export const SUBMIT_USD_SPENT = 1.95;
export const CREDITS_PER_USD = 2_000_000;

/** The id a `pollOtherIdShare` answer reports instead of the one asked. */
export const otherIdOf = (id: string): string => `other-${id}`;

export const MESSAGES = {
	unauthorized:
		'This request requires a valid API key. You can create a new API key on the Billing page: https://aimlapi.com/app/keys',
	outOfCredits:
		"You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/",
	tooManyRequests: 'Too Many Requests',
	validation: 'Body validation error!',
	generationNotFound: 'Generation not found',
} as const;

/** Marker in a prompt -> the generation ends in status 'error'. */
export const MARKER_ERROR = '[sim:error]';
/** Marker in a prompt -> the generation completes without a `video`. */
export const MARKER_NO_VIDEO = '[sim:no-video]';
/** Marker in a prompt -> the generation takes three times `generationMs` (progress 'clock' only). */
export const MARKER_SLOW = '[sim:slow]';
/** `[sim:polls=N]` in a prompt -> under `progress: { polls }`, this generation ends at its N-th answered poll instead. */
export const pollsMarker = (polls: number): string => `[sim:polls=${polls}]`;
/** `[sim:status=WORD]` in a prompt -> the generation ends with exactly that status word, an error and no video. */
export const statusMarker = (word: string): string => `[sim:status=${word}]`;
/** `[sim:status-running=WORD]` in a prompt -> polls report WORD instead of queued/generating while it runs. */
export const runningStatusMarker = (word: string): string => `[sim:status-running=${word}]`;
/**
 * `[sim:video-bytes=N]` in a prompt -> the generation's video is N bytes (the fixture padded as for
 * `videoBytes`), whatever `videoBytes` says: one big video among small ones. A size the fixture cannot
 * be padded to makes the submit answer 500, so a test with a wrong marker fails at once.
 */
export const videoBytesMarker = (bytes: number): string => `[sim:video-bytes=${bytes}]`;

/**
 * `[sim:videos=N]` in a prompt -> the completed generation answers `video` as a list of N `{url}` (N from
 * 0 to 20, each its own file on the CDN), as newer models' specs allow; without it, one `{url}` object.
 */
export const videosMarker = (count: number): string => `[sim:videos=${count}]`;
/** Marker in a prompt, beside `[sim:videos=N]` -> the list ends with an entry that has no url (`{}`). */
export const MARKER_VIDEO_JUNK = '[sim:video-junk]';
/** Marker in a prompt -> every answer without a video says `video: null` (the submit's too); with `[sim:no-video]`, the completed one too. */
export const MARKER_VIDEO_NULL = '[sim:video-null]';
/** Marker in a prompt -> the submit answer is already the completed generation (status, video and usage), as a poll would answer it. */
export const MARKER_VIDEO_AT_SUBMIT = '[sim:video-at-submit]';

/** The body the CDN serves with `cdnBody: 'html'`: what an error page behind a misconfigured CDN looks like. */
export const CDN_HTML_ERROR_PAGE =
	'<!DOCTYPE html><html><head><title>Error</title></head><body>Access denied</body></html>';

export const SIMULATED_GENERATION_ERROR = {
	name: 'ContentPolicyViolation',
	message: 'The prompt was blocked by the safety filter.',
} as const;

/** The `error` of a generation ending in a `[sim:status=WORD]` marker. */
export function statusMarkerError(word: string): { name: string; message: string } {
	return { name: 'GenerationFailed', message: `The generation ended as ${word}` };
}
