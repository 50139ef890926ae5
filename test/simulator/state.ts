/**
 * The simulator's state, shared by its API routes, its CDN and its controls, and the log of requests
 * with the waiters that let tests wait for what the client did instead of for time to pass.
 */
import type * as http from 'http';
import type { Socket } from 'net';

import {
	DEFAULT_API_KEY,
	DEFAULT_SEED,
	type Generation,
	type SimulatorCounters,
	type SimulatorFaults,
	type SimulatorOptions,
	type SimulatorRequest,
} from './contract';
import { createPrng } from './knobs';

/** How a generation ends when it reaches its end. */
export interface Ending {
	status: 'completed' | 'error';
	/** The exact status word of a `[sim:status=WORD]` marker; otherwise `status`, renamed by `statusNames`. */
	word?: string;
	error?: { name: string; message: string };
	video: boolean;
	/** `[sim:videos=N]`: the video is answered as a list of N `{url}` (each its own file on the CDN). */
	videoCount?: number;
	/** `[sim:video-null]`: every answer without a video says `video: null` (the submit's too). */
	nullVideo?: boolean;
}

export interface StoredGeneration {
	generation: Generation;
	apiKey: string;
	durationMs: number;
	ending: Ending;
	/** From a `[sim:status-running=WORD]` marker. */
	runningWord?: string;
	videoUrl?: string;
	/** With `[sim:videos=N]`: every URL of the list (`videoUrl` is the first). */
	videoUrls?: string[];
	/** `[sim:video-at-submit]`: the submit answer is already the completed generation. */
	doneAtSubmit?: boolean;
	/** Set by `advance()`; wins over the progress mode. */
	forced?: 'generating' | 'completed' | 'error';
	/** Polls still to answer 404 (`notFoundPollsAfterAccept`, read when the generation was created). */
	notFoundPollsLeft: number;
	/** Its price in credits, reported at submit and drawn from the balance. */
	credits: number;
}

interface RequestWaiter {
	predicate: (request: SimulatorRequest) => boolean;
	resolve: (request: SimulatorRequest) => void;
	reject: (error: unknown) => void;
}

export interface SimState {
	options: SimulatorOptions;
	/** The MP4 the CDN serves (padded to the asked size). */
	readonly fixture: Buffer;
	random: () => number;
	readonly requests: SimulatorRequest[];
	readonly generations: Generation[];
	readonly store: Map<string, StoredGeneration>;
	readonly issuedVideoPaths: Set<string>;
	/** Video paths whose generation asked for its own size with `[sim:video-bytes=N]`. */
	readonly videoSizes: Map<string, number>;
	readonly sockets: Set<Socket>;
	readonly timers: Set<NodeJS.Timeout>;
	/** The parsed body of each API request, for `echoRequestInErrors`. */
	readonly requestBodies: WeakMap<http.IncomingMessage, unknown>;
	readonly gzippedVideos: Map<number, Promise<Buffer>>;
	requestWaiters: RequestWaiter[];
	generationWaiters: Array<{ count: number; resolve: () => void }>;
	closed: boolean;
	counters: SimulatorCounters;
	/** API requests arrived and not yet answered (nor closed). Not cleared by reset: they are still open. */
	inFlight: number;
	/** The CDN listener's origin, known once it listens (before any request can arrive). */
	cdnUrl: string;
}

export const emptyCounters = (): SimulatorCounters => ({
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

export function createState(options: SimulatorOptions, fixture: Buffer): SimState {
	return {
		options,
		fixture,
		random: createPrng(options.seed ?? DEFAULT_SEED),
		requests: [],
		generations: [],
		store: new Map(),
		issuedVideoPaths: new Set(),
		videoSizes: new Map(),
		sockets: new Set(),
		timers: new Set(),
		requestBodies: new WeakMap(),
		gzippedVideos: new Map(),
		requestWaiters: [],
		generationWaiters: [],
		closed: false,
		counters: emptyCounters(),
		inFlight: 0,
		cdnUrl: '',
	};
}

export const apiKey = (sim: SimState): string => sim.options.apiKey ?? DEFAULT_API_KEY;
export const faults = (sim: SimState): SimulatorFaults => sim.options.faults ?? {};
export const now = (sim: SimState): number => (sim.options.clock ?? Date).now();

/** A timer that `close()` clears, so a closed simulator leaves nothing scheduled. */
export function sleep(sim: SimState, ms: number): Promise<void> {
	return new Promise<void>((resolve) => {
		const timer = setTimeout(() => {
			sim.timers.delete(timer);
			resolve();
		}, ms);
		sim.timers.add(timer);
	});
}

// ----------------------------------------------------------------- waiting for what the client did

/** Hands the request to every waiter whose predicate accepts it now. */
export function notifyRequest(sim: SimState, entry: SimulatorRequest): void {
	if (sim.requestWaiters.length === 0) return;
	const waiting = sim.requestWaiters;
	sim.requestWaiters = [];
	for (const waiter of waiting) {
		let matches: boolean;
		try {
			matches = waiter.predicate(entry);
		} catch (error) {
			waiter.reject(error);
			continue;
		}
		if (matches) waiter.resolve(entry);
		else sim.requestWaiters.push(waiter);
	}
}

export function notifyGenerations(sim: SimState): void {
	const waiting = sim.generationWaiters;
	sim.generationWaiters = [];
	for (const waiter of waiting) {
		if (sim.generations.length >= waiter.count) waiter.resolve();
		else sim.generationWaiters.push(waiter);
	}
}

/** Records how the request was answered, and wakes the waiters that looked for that. */
export function settle(sim: SimState, entry: SimulatorRequest, status: number | 'reset'): void {
	entry.status = status;
	notifyRequest(sim, entry);
}

export function logRequest(
	sim: SimState,
	origin: 'api' | 'cdn',
	req: http.IncomingMessage,
): SimulatorRequest {
	const raw = req.url ?? '/';
	const queryStart = raw.indexOf('?');
	const entry: SimulatorRequest = {
		origin,
		method: req.method ?? 'GET',
		path: queryStart === -1 ? raw : raw.slice(0, queryStart),
		query: queryStart === -1 ? '' : raw.slice(queryStart + 1),
		status: 0,
		at: now(sim),
	};
	if (req.headers.authorization !== undefined) entry.authorization = req.headers.authorization;
	sim.requests.push(entry);
	notifyRequest(sim, entry);
	return entry;
}
