/**
 * A local simulator of the AI/ML API's Google Veo video endpoints, plus the CDN that serves the videos.
 *
 * Two HTTP listeners on 127.0.0.1 (two ports, so two origins):
 * - the API: `GET /v2/billing`, and submit/poll on both `/v2/generate/video/google/generation` (legacy)
 *   and `/v2/video/generations` (universal), served by one handler;
 * - the CDN: `GET /generations/<animal>/<epoch-ms>-<uuid>.mp4` for every video URL the API handed out.
 *
 * Behaviour follows the project's AI/ML API contract; where the vendor documents nothing (unknown fields,
 * unknown ids, rate limits) the simulator takes the strict choice. Faults are drawn from a seeded PRNG so a
 * run is reproducible. Nothing is written to stdout.
 *
 * Tests drive it without the wall clock: `progress: { polls: n }` finishes a generation on its n-th answered
 * poll, `progress: 'manual'` leaves it queued until `advance()`, `clock` replaces Date.now, and
 * `whenRequest()` / `whenGenerations()` wait for what the client did instead of for time to pass. The
 * default (`progress: 'clock'`, `generationMs`) is for the demo and the benchmark.
 */
import * as crypto from 'crypto';
import { once } from 'events';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import * as zlib from 'zlib';

import {
	LEGACY_GOOGLE_PATH,
	UNIVERSAL_VIDEO_PATH,
	validateSubmitBody,
	type SimulatedModel,
} from './models';
import { checkVideoSize, loadFixture, videoChunks } from './video';

export {
	LEGACY_GOOGLE_PATH,
	UNIVERSAL_VIDEO_PATH,
	SIMULATED_MODELS,
	findSimulatedModel,
	validateSubmitBody,
} from './models';
export type { FieldRule, SimulatedModel } from './models';
export { fixturePath, loadFixture } from './video';

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
const STATUS_MARKER = /\[sim:status=([^\]\s]+)\]/;
const VIDEO_BYTES_MARKER = /\[sim:video-bytes=(\d+)\]/;
const RUNNING_STATUS_MARKER = /\[sim:status-running=([^\]\s]+)\]/;

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

const SERVER_ERROR_MESSAGES: Record<number, string> = {
	500: 'Internal server error',
	502: 'Bad Gateway',
	503: 'Service unavailable',
	504: 'Generation timeout',
};

const ANIMALS = [
	'hedgehog',
	'guepard',
	'flamingo',
	'lion',
	'otter',
	'badger',
	'heron',
	'lynx',
	'koala',
	'panda',
	'walrus',
	'gecko',
];

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const ISSUED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:.+$/;
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const NANOID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** How a generation ends when it reaches its end. */
interface Ending {
	status: 'completed' | 'error';
	/** The exact status word of a `[sim:status=WORD]` marker; otherwise `status`, renamed by `statusNames`. */
	word?: string;
	error?: { name: string; message: string };
	video: boolean;
}

type Phase = 'queued' | 'generating' | 'ended';

interface StoredGeneration {
	generation: Generation;
	apiKey: string;
	durationMs: number;
	ending: Ending;
	/** From a `[sim:status-running=WORD]` marker. */
	runningWord?: string;
	videoUrl?: string;
	/** Set by `advance()`; wins over the progress mode. */
	forced?: 'generating' | 'completed' | 'error';
	/** Polls still to answer 404 (`notFoundPollsAfterAccept`, read when the generation was created). */
	notFoundPollsLeft: number;
	/** Its price in credits, reported at submit and drawn from the balance. */
	credits: number;
}

type GetFault = 'reset' | 'fail' | 'malformed' | 'empty' | 'hang' | 'other-id';
type PostFault = 'fail' | 'drop' | 'hang' | 'fail-after';

const FORCED_ERROR_ENDING: Ending = { status: 'error', error: { ...SIMULATED_GENERATION_ERROR }, video: false };

interface Answer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

/** mulberry32: a tiny deterministic PRNG, good enough to draw fault shares. */
function createPrng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function requestId(): string {
	const bytes = crypto.randomBytes(21);
	let id = '';
	for (const byte of bytes) id += NANOID_ALPHABET[byte & 63];
	return id;
}

function errorBody(statusCode: number, path: string, message: string, at: number): Record<string, unknown> {
	return { message, path, requestId: requestId(), statusCode, timestamp: new Date(at).toISOString() };
}

function validationBody(path: string, lines: string[], at: number): Record<string, unknown> {
	return { ...errorBody(400, path, [MESSAGES.validation, ...lines].join('\n'), at), errors: lines };
}

function serverErrorMessage(status: number): string {
	return SERVER_ERROR_MESSAGES[status] ?? http.STATUS_CODES[status] ?? 'Error';
}

function share(value: number | undefined): number {
	if (value === undefined || !Number.isFinite(value)) return 0;
	return Math.min(1, Math.max(0, value));
}

/** Walks the draw up the shares in order; the first share it falls in names the fault. */
function pickFault<T extends string>(draw: number, shares: Array<[T, number | undefined]>): T | undefined {
	let threshold = 0;
	for (const [fault, value] of shares) {
		threshold += share(value);
		if (draw < threshold) return fault;
	}
	return undefined;
}

/** How the prompt's markers say the generation ends (`[sim:status=...]` wins over `[sim:error]`). */
function endingFor(prompt: string): Ending {
	const word = STATUS_MARKER.exec(prompt)?.[1];
	if (word !== undefined) return { status: 'error', word, error: statusMarkerError(word), video: false };
	if (prompt.includes(MARKER_ERROR)) return { status: 'error', error: { ...SIMULATED_GENERATION_ERROR }, video: false };
	if (prompt.includes(MARKER_NO_VIDEO)) return { status: 'completed', video: false };
	return { status: 'completed', video: true };
}

function checkProgress(progress: SimulatorProgress | undefined): void {
	if (progress === undefined || progress === 'clock' || progress === 'manual') return;
	if (typeof progress === 'object' && progress !== null && Number.isInteger(progress.polls) && progress.polls >= 1) {
		return;
	}
	throw new RangeError(`progress must be 'clock', 'manual' or { polls: n } with n >= 1, got ${JSON.stringify(progress)}`);
}

function checkDrip(drip: SimulatorFaults['cdnDrip']): void {
	if (drip === undefined) return;
	if (!Number.isInteger(drip.bytes) || drip.bytes < 1 || !Number.isFinite(drip.everyMs) || drip.everyMs < 0) {
		throw new RangeError(`cdnDrip needs bytes >= 1 and everyMs >= 0, got ${JSON.stringify(drip)}`);
	}
}

/** Yields the first `limit` bytes of the chunks. */
function* takeBytes(chunks: Iterable<Buffer>, limit: number): Generator<Buffer> {
	let remaining = limit;
	for (const chunk of chunks) {
		if (remaining <= 0) return;
		const piece = chunk.length <= remaining ? chunk : chunk.subarray(0, remaining);
		remaining -= piece.length;
		yield piece;
	}
}

/** Regroups the chunks into pieces of exactly `size` bytes (the last one may be shorter). */
function* rechunk(chunks: Iterable<Buffer>, size: number): Generator<Buffer> {
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	for (const chunk of chunks) {
		let offset = 0;
		while (offset < chunk.length) {
			const piece = chunk.subarray(offset, offset + (size - pendingBytes));
			offset += piece.length;
			pending.push(piece);
			pendingBytes += piece.length;
			if (pendingBytes === size) {
				yield Buffer.concat(pending);
				pending = [];
				pendingBytes = 0;
			}
		}
	}
	if (pendingBytes > 0) yield Buffer.concat(pending);
}

/** Gzips a stream of chunks without ever holding the uncompressed whole. */
async function gzipChunks(chunks: Iterable<Buffer>): Promise<Buffer> {
	const gzip = zlib.createGzip();
	const out: Buffer[] = [];
	gzip.on('data', (chunk: Buffer) => out.push(chunk));
	const ended = once(gzip, 'end');
	for (const chunk of chunks) {
		if (!gzip.write(chunk)) await once(gzip, 'drain');
	}
	gzip.end();
	await ended;
	return Buffer.concat(out);
}

function readBody(req: http.IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
		req.on('error', reject);
	});
}

/**
 * Writes the chunks with back-pressure and resolves once the last one has been handed to the socket;
 * false when the connection went away first.
 */
async function writeChunks(res: http.ServerResponse, chunks: Iterable<Buffer>, onSent?: (bytes: number) => void): Promise<boolean> {
	let lastWrite: Promise<void> = Promise.resolve();
	for (const chunk of chunks) {
		if (res.destroyed) return false;
		let written!: () => void;
		lastWrite = new Promise<void>((resolve) => {
			written = resolve;
		});
		const onWritten = (error?: Error | null) => {
			if (!error) onSent?.(chunk.length);
			written();
		};
		if (!res.write(chunk, onWritten)) {
			const drained = await new Promise<boolean>((resolve) => {
				const onDrain = () => {
					cleanup();
					resolve(true);
				};
				const onClose = () => {
					cleanup();
					resolve(false);
				};
				const cleanup = () => {
					res.off('drain', onDrain);
					res.off('close', onClose);
				};
				res.on('drain', onDrain);
				res.on('close', onClose);
			});
			if (!drained) return false;
		}
	}
	const closedFirst = new Promise<boolean>((resolve) => res.once('close', () => resolve(false)));
	return Promise.race([lastWrite.then(() => !res.destroyed), closedFirst]);
}

function listen(server: http.Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

function trimTrailingSlash(pathname: string): string {
	return pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
}

export async function startSimulator(initialOptions: SimulatorOptions = {}): Promise<Simulator> {
	const fixture = loadFixture();
	const checkOptions = (next: SimulatorOptions) => {
		if (next.videoBytes !== undefined) checkVideoSize(next.videoBytes, fixture.length);
		checkProgress(next.progress);
		checkDrip(next.faults?.cdnDrip);
	};
	let options: SimulatorOptions = { ...initialOptions };
	checkOptions(options);

	let random = createPrng(options.seed ?? DEFAULT_SEED);
	const requests: SimulatorRequest[] = [];
	const generations: Generation[] = [];
	const store = new Map<string, StoredGeneration>();
	const issuedVideoPaths = new Set<string>();
	/** Video paths whose generation asked for its own size with `[sim:video-bytes=N]`. */
	const videoSizes = new Map<string, number>();
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
	/** The parsed body of each API request, for `echoRequestInErrors`. */
	const requestBodies = new WeakMap<http.IncomingMessage, unknown>();
	const gzippedVideos = new Map<number, Promise<Buffer>>();
	let requestWaiters: Array<{
		predicate: (request: SimulatorRequest) => boolean;
		resolve: (request: SimulatorRequest) => void;
		reject: (error: unknown) => void;
	}> = [];
	let generationWaiters: Array<{ count: number; resolve: () => void }> = [];
	let closed = false;

	const emptyCounters = (): SimulatorCounters => ({
		posts: 0,
		postsAccepted: 0,
		postsRejected: {},
		gets: 0,
		cdnRequests: 0,
		cdnAuthorizationHeaders: 0,
		maxConcurrent: 0,
		billing: 0,
		maxInFlight: 0,
	});
	let counters = emptyCounters();
	/** API requests arrived and not yet answered (nor closed). Not cleared by reset: they are still open. */
	let inFlight = 0;

	const apiKey = () => options.apiKey ?? DEFAULT_API_KEY;
	const faults = () => options.faults ?? {};
	const now = () => (options.clock ?? Date).now();

	const sleep = (ms: number) =>
		new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});

	// ----------------------------------------------------------------- waiting for what the client did

	/** Hands the request to every waiter whose predicate accepts it now. */
	const notifyRequest = (entry: SimulatorRequest) => {
		if (requestWaiters.length === 0) return;
		const waiting = requestWaiters;
		requestWaiters = [];
		for (const waiter of waiting) {
			let matches: boolean;
			try {
				matches = waiter.predicate(entry);
			} catch (error) {
				waiter.reject(error);
				continue;
			}
			if (matches) waiter.resolve(entry);
			else requestWaiters.push(waiter);
		}
	};

	const notifyGenerations = () => {
		const waiting = generationWaiters;
		generationWaiters = [];
		for (const waiter of waiting) {
			if (generations.length >= waiter.count) waiter.resolve();
			else generationWaiters.push(waiter);
		}
	};

	/** Records how the request was answered, and wakes the waiters that looked for that. */
	const settle = (entry: SimulatorRequest, status: number | 'reset') => {
		entry.status = status;
		notifyRequest(entry);
	};

	const logRequest = (origin: 'api' | 'cdn', req: http.IncomingMessage): SimulatorRequest => {
		const raw = req.url ?? '/';
		const queryStart = raw.indexOf('?');
		const entry: SimulatorRequest = {
			origin,
			method: req.method ?? 'GET',
			path: queryStart === -1 ? raw : raw.slice(0, queryStart),
			query: queryStart === -1 ? '' : raw.slice(queryStart + 1),
			status: 0,
			at: now(),
		};
		if (req.headers.authorization !== undefined) entry.authorization = req.headers.authorization;
		requests.push(entry);
		notifyRequest(entry);
		return entry;
	};

	// ----------------------------------------------------------------- answering

	/** What a careless API puts into its error bodies: the whole request, key included. */
	const echoedRequest = (req: http.IncomingMessage) => ({
		method: req.method ?? 'GET',
		path: req.url ?? '/',
		headers: { ...req.headers },
		body: requestBodies.has(req) ? requestBodies.get(req) : null,
	});

	const send = (
		req: http.IncomingMessage,
		res: http.ServerResponse,
		entry: SimulatorRequest,
		status: number,
		body: unknown,
		headers: Record<string, string> = {},
		rawText?: string,
	) => {
		if (res.destroyed || res.headersSent) return;
		if (
			rawText === undefined &&
			status >= 400 &&
			faults().echoRequestInErrors &&
			typeof body === 'object' &&
			body !== null
		) {
			body = { ...body, request: echoedRequest(req) };
		}
		const text = rawText ?? JSON.stringify(body);
		const clientRequestId = req.headers['x-client-request-id'];
		if (typeof clientRequestId === 'string' && CLIENT_REQUEST_ID.test(clientRequestId)) {
			headers['x-client-request-id'] = clientRequestId;
		}
		res.writeHead(status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(text)),
			...headers,
		});
		res.end(text);
		settle(entry, status);
	};

	const resetSocket = (req: http.IncomingMessage, entry: SimulatorRequest) => {
		req.socket.destroy();
		settle(entry, 'reset');
	};

	const isAuthorized = (req: http.IncomingMessage): boolean => {
		const header = req.headers.authorization;
		if (typeof header !== 'string') return false;
		const match = /^Bearer\s+(.+)$/i.exec(header.trim());
		return match !== null && match[1].trim() === apiKey();
	};

	// ----------------------------------------------------------------- generations

	const phaseOf = (stored: StoredGeneration): Phase => {
		if (stored.forced) return stored.forced === 'generating' ? 'generating' : 'ended';
		const progress = options.progress ?? 'clock';
		if (progress === 'manual') return 'queued';
		if (progress === 'clock') {
			const elapsed = now() - stored.generation.createdAt;
			if (elapsed < stored.durationMs * 0.2) return 'queued';
			return elapsed < stored.durationMs ? 'generating' : 'ended';
		}
		// The k-th answered poll reports the end from k = n on, 'queued' at k = 1 (and before any poll).
		const answered = stored.generation.answeredPolls;
		if (answered >= progress.polls) return 'ended';
		return answered <= 1 ? 'queued' : 'generating';
	};

	const endingOf = (stored: StoredGeneration): Ending =>
		stored.forced === 'error' ? FORCED_ERROR_ENDING : stored.ending;

	const canonicalStatus = (stored: StoredGeneration): GenerationStatus => {
		const phase = phaseOf(stored);
		return phase === 'ended' ? endingOf(stored).status : phase;
	};

	const statusName = (status: GenerationStatus): string => options.statusNames?.[status] ?? status;

	const apiStatus = (stored: StoredGeneration): string => {
		const phase = phaseOf(stored);
		if (phase !== 'ended') return stored.runningWord ?? statusName(phase);
		const ending = endingOf(stored);
		return ending.word ?? statusName(ending.status);
	};

	const priceCredits = (modelId: string): number =>
		Math.round((options.prices?.[modelId] ?? SUBMIT_USD_SPENT) * CREDITS_PER_USD);

	/** The key's balance in credits: the start, less every generation that is or will be charged. */
	const balanceCredits = (): number => {
		if (options.outOfCredits) return 0;
		let left = Math.round((options.balanceUsd ?? DEFAULT_BALANCE_USD) * CREDITS_PER_USD);
		for (const stored of store.values()) {
			const uncharged = phaseOf(stored) === 'ended' && endingOf(stored).status === 'error';
			if (stored.apiKey === apiKey() && !uncharged) left -= stored.credits;
		}
		return left;
	};

	const runningCount = (): number => {
		let running = 0;
		for (const stored of store.values()) if (phaseOf(stored) !== 'ended') running += 1;
		return running;
	};

	const createGeneration = (
		model: SimulatedModel,
		path: string,
		body: Record<string, unknown>,
	): StoredGeneration => {
		const createdAt = now();
		const prompt = body.prompt as string;
		const baseMs = Math.max(0, options.generationMs ?? DEFAULT_GENERATION_MS);
		const durationMs = prompt.includes(MARKER_SLOW) ? baseMs * 3 : baseMs;
		const keyForm = (form: 'raw' | 'encoded') => (form === 'raw' ? apiKey() : encodeURIComponent(apiKey()));
		const keyInId = faults().keyInIds;
		const id = `${crypto.randomUUID()}${keyInId ? `-${keyForm(keyInId)}` : ''}:${model.upstream}`;
		const credits = priceCredits(model.id);
		const stored: StoredGeneration = {
			credits,
			apiKey: apiKey(),
			durationMs,
			ending: endingFor(prompt),
			runningWord: RUNNING_STATUS_MARKER.exec(prompt)?.[1],
			notFoundPollsLeft: Math.max(0, Math.floor(faults().notFoundPollsAfterAccept ?? 0)),
			generation: {
				id,
				model: model.id,
				path,
				body,
				prompt,
				createdAt,
				get status() {
					return canonicalStatus(stored);
				},
				get apiStatus() {
					return apiStatus(stored);
				},
				pollCount: 0,
				answeredPolls: 0,
				credits,
				usd: credits / CREDITS_PER_USD,
			},
		};
		const ownSize = VIDEO_BYTES_MARKER.exec(prompt)?.[1];
		if (ownSize !== undefined) checkVideoSize(Number(ownSize), fixture.length);
		if (stored.ending.video) {
			const animal = ANIMALS[crypto.randomInt(ANIMALS.length)];
			const videoPath = `/generations/${animal}/${createdAt + durationMs}-${crypto.randomUUID()}.mp4`;
			issuedVideoPaths.add(videoPath);
			const keyInUrl = faults().keyInVideoUrls;
			const token = keyInUrl ? `?token=${keyForm(keyInUrl)}` : '';
			if (ownSize !== undefined) videoSizes.set(videoPath, Number(ownSize));
			stored.videoUrl = `${(options.videoOrigin ?? cdnUrl).replace(/\/+$/, '')}${videoPath}${token}`;
		}
		store.set(id, stored);
		generations.push(stored.generation);
		counters.postsAccepted += 1;
		counters.maxConcurrent = Math.max(counters.maxConcurrent, runningCount());
		notifyGenerations();
		return stored;
	};

	const pollBody = (stored: StoredGeneration): Record<string, unknown> => {
		const body: Record<string, unknown> = { id: stored.generation.id, status: apiStatus(stored) };
		const reported = faults().pollReportedCredits;
		if (reported !== undefined) body.meta = { usage: { credits_used: reported, usd_spent: reported / CREDITS_PER_USD } };
		if (phaseOf(stored) !== 'ended') return body;
		const ending = endingOf(stored);
		if (ending.video && stored.videoUrl) body.video = { url: stored.videoUrl };
		if (ending.error) body.error = { ...ending.error };
		return body;
	};

	// ----------------------------------------------------------------- API handlers

	const handleSubmit = async (
		req: http.IncomingMessage,
		res: http.ServerResponse,
		entry: SimulatorRequest,
		path: string,
	) => {
		counters.posts += 1;
		const delayMs = faults().postDelayMs;
		if (delayMs && delayMs > 0) {
			await sleep(delayMs);
			if (closed || res.destroyed) return;
		}
		const { text, tooLarge } = await readBody(req);
		let parsed: unknown;
		let invalidJson = false;
		if (text.trim() === '') {
			parsed = {};
		} else {
			try {
				parsed = JSON.parse(text);
			} catch {
				invalidJson = true;
			}
		}
		requestBodies.set(req, invalidJson ? text : parsed);

		const reject = (status: number, body: unknown, headers?: Record<string, string>) => {
			counters.postsRejected[status] = (counters.postsRejected[status] ?? 0) + 1;
			send(req, res, entry, status, body, headers);
		};
		const f = faults();
		if (f.postRedirect) {
			// A moved endpoint answers before it looks at anything, so nothing is created.
			const { status, location } = f.postRedirect;
			return reject(status, errorBody(status, path, http.STATUS_CODES[status] ?? 'Redirect', now()), {
				location,
			});
		}
		if (!isAuthorized(req)) return reject(401, errorBody(401, path, MESSAGES.unauthorized, now()));
		if (options.outOfCredits) return reject(403, errorBody(403, path, MESSAGES.outOfCredits, now()));
		if (tooLarge) return reject(413, errorBody(413, path, 'Payload Too Large', now()));
		if (invalidJson) return reject(400, validationBody(path, ['body: Invalid JSON'], now()));

		const validation = validateSubmitBody(parsed, options.extraModels);
		if (validation.errors.length > 0 || !validation.model) {
			return reject(400, validationBody(path, validation.errors, now()));
		}
		if (balanceCredits() < priceCredits(validation.model.id)) {
			return reject(403, errorBody(403, path, MESSAGES.outOfCredits, now()));
		}

		const fault = pickFault<PostFault>(random(), [
			['fail', f.postFailShare],
			['drop', f.postDropAfterAcceptShare],
			['hang', f.postHangAfterAcceptShare],
			['fail-after', f.postFailAfterAcceptShare],
		]);
		if (fault === 'fail') {
			const status = f.postFailStatus ?? 503;
			return reject(status, errorBody(status, path, serverErrorMessage(status), now()));
		}

		const limit = options.concurrencyLimit;
		if (limit !== undefined && runningCount() >= limit) {
			return reject(429, errorBody(429, path, MESSAGES.tooManyRequests, now()));
		}

		const stored = createGeneration(validation.model, path, parsed as Record<string, unknown>);
		if (fault === 'drop') return resetSocket(req, entry);
		// The generation exists; the answer never comes (the entry stays at status 0).
		if (fault === 'hang') return;
		if (fault === 'fail-after') {
			const status = f.postFailAfterAcceptStatus ?? 500;
			return send(req, res, entry, status, errorBody(status, path, serverErrorMessage(status), now()));
		}
		const reported = f.postReportedCost;
		const { credits, usd } = reported === undefined ? stored.generation : { credits: reported, usd: reported };
		const body: Record<string, unknown> =
			f.postAnswer === 'id-only' ? { id: stored.generation.id } : { id: stored.generation.id, status: statusName('queued') };
		if (f.postAnswer !== 'id-only' && f.postUsage === undefined) body.meta = { usage: { credits_used: credits, usd_spent: usd } };
		const usage: Record<string, string> =
			f.postUsage === 'none' ? {} : { 'x-aimlapi-credits-used': String(credits), 'x-aimlapi-usd-spent': String(usd) };
		send(req, res, entry, 201, body, { 'x-inference-id': stored.generation.id, ...usage });
	};

	const handlePoll = async (
		req: http.IncomingMessage,
		res: http.ServerResponse,
		entry: SimulatorRequest,
		path: string,
		query: URLSearchParams,
	) => {
		counters.gets += 1;
		const f = faults();
		if (f.getDelayMs && f.getDelayMs > 0) {
			await sleep(f.getDelayMs);
			if (closed || res.destroyed) return;
		}
		if (!isAuthorized(req)) {
			return send(req, res, entry, 401, errorBody(401, path, MESSAGES.unauthorized, now()));
		}

		// The answer the request deserves, before any fault. A known generation's answer is only
		// computed once no fault was drawn, because an answered poll is what moves `{ polls }` on.
		const generationId = query.get('generation_id');
		let answer: Answer | undefined;
		let polled: StoredGeneration | undefined;
		let headers: Record<string, string> = {};
		if (generationId === null) {
			answer = { status: 400, body: validationBody(path, ['generation_id: Required'], now()) };
		} else if (generationId === '') {
			answer = {
				status: 400,
				body: validationBody(path, ['generation_id: String must contain at least 1 character(s)'], now()),
			};
		} else {
			const stored = store.get(generationId);
			headers = ISSUED_ID.test(generationId) ? { 'x-inference-id': generationId } : {};
			if (!stored || stored.apiKey !== apiKey()) {
				answer = { status: 404, body: errorBody(404, path, MESSAGES.generationNotFound, now()), headers };
			} else {
				stored.generation.pollCount += 1;
				if (stored.notFoundPollsLeft > 0) {
					// The API does not know the id it has just issued yet.
					stored.notFoundPollsLeft -= 1;
					return send(req, res, entry, 404, errorBody(404, path, MESSAGES.generationNotFound, now()), headers);
				}
				polled = stored;
			}
		}

		const fault = pickFault<GetFault>(random(), [
			['reset', f.getResetShare],
			['fail', f.getFailShare],
			['malformed', f.getMalformedShare],
			['empty', f.getEmptyShare],
			['hang', f.getHangShare],
			['other-id', f.pollOtherIdShare],
		]);
		switch (fault) {
			case 'reset':
				return resetSocket(req, entry);
			case 'fail': {
				const statuses =
					f.getFailStatuses && f.getFailStatuses.length > 0 ? f.getFailStatuses : [500, 502, 503];
				const status = statuses[Math.floor(random() * statuses.length)];
				return send(req, res, entry, status, errorBody(status, path, serverErrorMessage(status), now()));
			}
			case 'malformed': {
				const full = JSON.stringify(polled ? pollBody(polled) : answer?.body);
				const truncated = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
				return send(req, res, entry, 200, undefined, headers, truncated);
			}
			case 'empty':
				return send(req, res, entry, 200, undefined, headers, '');
			case 'hang':
				// Never answered; the entry keeps status 0.
				return;
			case 'other-id':
				if (polled && generationId) return send(req, res, entry, 200, { ...pollBody(polled), id: otherIdOf(generationId) }, headers);
				break;
			default:
				break;
		}

		if (polled) {
			polled.generation.answeredPolls += 1;
			answer = { status: 200, body: pollBody(polled), headers };
		}
		if (answer) send(req, res, entry, answer.status, answer.body, answer.headers);
	};

	const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const entry = logRequest('api', req);
		inFlight += 1;
		counters.maxInFlight = Math.max(counters.maxInFlight, inFlight);
		res.once('close', () => (inFlight -= 1));
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = trimTrailingSlash(url.pathname);
		const method = (req.method ?? 'GET').toUpperCase();
		const isGenerationPath = path === LEGACY_GOOGLE_PATH || path === UNIVERSAL_VIDEO_PATH;

		if (isGenerationPath && method === 'POST') return handleSubmit(req, res, entry, url.pathname);
		if (isGenerationPath && method === 'GET') {
			return handlePoll(req, res, entry, url.pathname, url.searchParams);
		}
		if (path === '/v2/billing' && method === 'GET') {
			counters.billing += 1;
			if (!isAuthorized(req)) {
				return send(req, res, entry, 401, errorBody(401, url.pathname, MESSAGES.unauthorized, now()));
			}
			return send(req, res, entry, 200, { current_balance: balanceCredits() / CREDITS_PER_USD, currency: 'USD' });
		}
		req.resume();
		send(req, res, entry, 404, errorBody(404, url.pathname, `Cannot ${method} ${url.pathname}`, now()));
	};

	// ----------------------------------------------------------------- CDN

	const gzippedVideo = (totalBytes: number): Promise<Buffer> => {
		let gzipped = gzippedVideos.get(totalBytes);
		if (!gzipped) {
			gzipped = gzipChunks(videoChunks(totalBytes));
			gzippedVideos.set(totalBytes, gzipped);
		}
		return gzipped;
	};

	/** Writes one piece every `everyMs`; false when the connection went away first. */
	const drip = async (res: http.ServerResponse, pieces: Iterable<Buffer>, everyMs: number, onSent: (bytes: number) => void): Promise<boolean> => {
		let first = true;
		for (const piece of pieces) {
			if (!first) {
				await sleep(everyMs);
				if (closed) return false;
			}
			first = false;
			if (!(await writeChunks(res, [piece], onSent))) return false;
		}
		return true;
	};

	const handleCdn = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const entry = logRequest('cdn', req);
		counters.cdnRequests += 1;
		if (req.headers.authorization !== undefined) counters.cdnAuthorizationHeaders += 1;
		req.resume();
		const method = (req.method ?? 'GET').toUpperCase();

		const sendText = (
			status: number,
			text: string,
			headers: Record<string, string> = {},
			contentType = 'text/plain; charset=utf-8',
		) => {
			res.writeHead(status, {
				'content-type': contentType,
				'content-length': String(Buffer.byteLength(text)),
				...headers,
			});
			res.end(method === 'HEAD' ? undefined : text);
			settle(entry, status);
		};

		const f = faults();
		if (f.cdnStatus !== undefined) {
			return sendText(f.cdnStatus, http.STATUS_CODES[f.cdnStatus] ?? 'Error');
		}
		if (!issuedVideoPaths.has(entry.path)) return sendText(404, 'Not Found');
		if (method !== 'GET' && method !== 'HEAD') {
			return sendText(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
		}
		if (f.cdnBody === 'html') return sendText(200, CDN_HTML_ERROR_PAGE, {}, 'video/mp4');

		const videoBytes = videoSizes.get(entry.path) ?? options.videoBytes ?? fixture.length;
		const headers: Record<string, string> = {
			'content-type': 'video/mp4',
			'cache-control': 'public, max-age=86400',
		};
		let body: Iterable<Buffer>;
		let length: number;
		if (f.cdnGzip) {
			const gzipped = await gzippedVideo(videoBytes);
			if (res.destroyed) return;
			body = [gzipped];
			length = gzipped.length;
			headers['content-encoding'] = 'gzip';
		} else {
			body = videoChunks(videoBytes);
			length = videoBytes;
		}
		res.writeHead(200, { ...headers, 'content-length': String(length) });
		settle(entry, 200);
		if (method === 'HEAD') {
			res.end();
			return;
		}
		if (f.cdnCloseMidway) body = takeBytes(body, Math.floor(length / 2));
		let sent = 0;
		const onSent = (bytes: number) => {
			sent += bytes;
		};
		const written = f.cdnDrip
			? await drip(res, rechunk(body, f.cdnDrip.bytes), f.cdnDrip.everyMs, onSent)
			: await writeChunks(res, body, onSent);
		entry.bodyBytes = sent;
		notifyRequest(entry);
		if (f.cdnCloseMidway) {
			req.socket.destroy();
			settle(entry, 'reset');
			return;
		}
		if (written) res.end();
	};

	const guard =
		(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) =>
		(req: http.IncomingMessage, res: http.ServerResponse) => {
			handler(req, res).catch(() => {
				if (!res.headersSent && !res.destroyed) {
					res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
					res.end('Internal server error');
				} else {
					req.socket.destroy();
				}
			});
		};

	const apiServer = http.createServer(guard(handleApi));
	const cdnServer = http.createServer(guard(handleCdn));
	for (const server of [apiServer, cdnServer]) {
		server.on('connection', (socket: Socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
	}

	const apiPort = await listen(apiServer, options.port ?? 0);
	let cdnPort: number;
	try {
		cdnPort = await listen(cdnServer, options.cdnPort ?? 0);
	} catch (error) {
		apiServer.close();
		throw error;
	}
	const baseUrl = `http://127.0.0.1:${apiPort}`;
	const cdnUrl = `http://127.0.0.1:${cdnPort}`;

	return {
		baseUrl,
		cdnUrl,
		requests,
		generations,
		counters: () => ({ ...counters, postsRejected: { ...counters.postsRejected } }),
		setOptions(patch: Partial<SimulatorOptions>) {
			const next = { ...options, ...patch };
			checkOptions(next);
			options = next;
			if ('seed' in patch) random = createPrng(options.seed ?? DEFAULT_SEED);
		},
		advance(idOrAll: string, to: 'generating' | 'completed' | 'error') {
			if (to !== 'generating' && to !== 'completed' && to !== 'error') {
				throw new RangeError(`advance() moves to 'generating', 'completed' or 'error', got ${String(to)}`);
			}
			let targets: StoredGeneration[];
			if (idOrAll === 'all') {
				targets = [...store.values()].filter((stored) => phaseOf(stored) !== 'ended');
			} else {
				const stored = store.get(idOrAll);
				if (!stored) throw new Error(`advance(): no generation ${idOrAll}`);
				targets = [stored];
			}
			for (const stored of targets) stored.forced = to;
			return targets.length;
		},
		whenRequest(predicate: (request: SimulatorRequest) => boolean) {
			return new Promise<SimulatorRequest>((resolve, reject) => {
				try {
					const seen = requests.find((request) => predicate(request));
					if (seen) return resolve(seen);
				} catch (error) {
					return reject(error);
				}
				requestWaiters.push({ predicate, resolve, reject });
			});
		},
		whenGenerations(count: number) {
			return new Promise<void>((resolve) => {
				if (generations.length >= count) return resolve();
				generationWaiters.push({ count, resolve });
			});
		},
		reset() {
			requests.length = 0;
			generations.length = 0;
			store.clear();
			counters = emptyCounters();
			random = createPrng(options.seed ?? DEFAULT_SEED);
			requestWaiters = [];
			generationWaiters = [];
		},
		async close() {
			if (closed) return;
			closed = true;
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			const closing = [apiServer, cdnServer].map(
				(server) => new Promise<void>((resolve) => server.close(() => resolve())),
			);
			for (const socket of sockets) socket.destroy();
			sockets.clear();
			await Promise.all(closing);
		},
	};
}
