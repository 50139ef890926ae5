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
 */
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';

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
	/** Share of POSTs rejected before acceptance with `postFailStatus` (no generation is created). */
	postFailShare?: number;
	/** Default 503. */
	postFailStatus?: number;
	/** Share of POSTs where the generation is created, then the socket is destroyed with no answer. */
	postDropAfterAcceptShare?: number;
	/** The CDN answers this status instead of the video. */
	cdnStatus?: number;
	/** The CDN sends the headers and about half of the body, then destroys the socket. */
	cdnCloseMidway?: boolean;
}

export interface SimulatorOptions {
	/** The one valid key, default 'sim-test-key'. */
	apiKey?: string;
	/** Submit -> completed time, default 3000 ms: 'queued' for the first 20 %, then 'generating', then done. */
	generationMs?: number;
	/** Most generations that may be queued/generating at once; a POST beyond it gets 429. Default unlimited. */
	concurrencyLimit?: number;
	/** POSTs answer 403 with the out-of-credits body; billing answers a balance of 0. */
	outOfCredits?: boolean;
	/** Size of the served MP4; default the fixture's size. Larger sizes pad the fixture with a 'free' box. */
	videoBytes?: number;
	/** Origin put into `video.url`; default the simulator's own CDN listener. */
	videoOrigin?: string;
	/** Seeds the PRNG that draws the fault shares (default 1). */
	seed?: number;
	faults?: SimulatorFaults;
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
	/** The status answered, 'reset' when the socket was destroyed instead, 0 while still unanswered. */
	status: number | 'reset';
	authorization?: string;
	/** Arrival time (epoch ms). */
	at: number;
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
	/** Computed from the clock on every read. */
	status: GenerationStatus;
	/** Authenticated status GETs naming this generation (faulted answers included). */
	pollCount: number;
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
	/** Clears requests, generations and counters, and re-seeds the PRNG. Issued video URLs stay served. */
	reset(): void;
	/** Closes both listeners and destroys open sockets. */
	close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'sim-test-key';
export const DEFAULT_GENERATION_MS = 3000;
export const DEFAULT_SEED = 1;
export const DEFAULT_BALANCE_USD = 123.45;
export const SUBMIT_CREDITS_USED = 3900000;
export const SUBMIT_USD_SPENT = 1.95;

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
/** Marker in a prompt -> the generation takes three times `generationMs`. */
export const MARKER_SLOW = '[sim:slow]';

export const SIMULATED_GENERATION_ERROR = {
	name: 'ContentPolicyViolation',
	message: 'The prompt was blocked by the safety filter.',
} as const;

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

interface StoredGeneration {
	generation: Generation;
	apiKey: string;
	durationMs: number;
	outcome: 'video' | 'error' | 'no-video';
	videoUrl?: string;
}

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

function errorBody(statusCode: number, path: string, message: string): Record<string, unknown> {
	return { message, path, requestId: requestId(), statusCode, timestamp: new Date().toISOString() };
}

function validationBody(path: string, lines: string[]): Record<string, unknown> {
	return { ...errorBody(400, path, [MESSAGES.validation, ...lines].join('\n')), errors: lines };
}

function share(value: number | undefined): number {
	if (value === undefined || !Number.isFinite(value)) return 0;
	return Math.min(1, Math.max(0, value));
}

function statusAt(stored: StoredGeneration, now: number): GenerationStatus {
	const elapsed = now - stored.generation.createdAt;
	if (elapsed < stored.durationMs * 0.2) return 'queued';
	if (elapsed < stored.durationMs) return 'generating';
	return stored.outcome === 'error' ? 'error' : 'completed';
}

function isRunning(stored: StoredGeneration, now: number): boolean {
	const status = statusAt(stored, now);
	return status === 'queued' || status === 'generating';
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
async function writeChunks(res: http.ServerResponse, chunks: Iterable<Buffer>): Promise<boolean> {
	let lastWrite: Promise<void> = Promise.resolve();
	for (const chunk of chunks) {
		if (res.destroyed) return false;
		let written!: () => void;
		lastWrite = new Promise<void>((resolve) => {
			written = resolve;
		});
		if (!res.write(chunk, () => written())) {
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
	let options: SimulatorOptions = { ...initialOptions };
	if (options.videoBytes !== undefined) checkVideoSize(options.videoBytes, fixture.length);

	let random = createPrng(options.seed ?? DEFAULT_SEED);
	const requests: SimulatorRequest[] = [];
	const generations: Generation[] = [];
	const store = new Map<string, StoredGeneration>();
	const issuedVideoPaths = new Set<string>();
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
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
	});
	let counters = emptyCounters();

	const apiKey = () => options.apiKey ?? DEFAULT_API_KEY;
	const faults = () => options.faults ?? {};

	const sleep = (ms: number) =>
		new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});

	const logRequest = (origin: 'api' | 'cdn', req: http.IncomingMessage): SimulatorRequest => {
		const raw = req.url ?? '/';
		const queryStart = raw.indexOf('?');
		const entry: SimulatorRequest = {
			origin,
			method: req.method ?? 'GET',
			path: queryStart === -1 ? raw : raw.slice(0, queryStart),
			query: queryStart === -1 ? '' : raw.slice(queryStart + 1),
			status: 0,
			at: Date.now(),
		};
		if (req.headers.authorization !== undefined) entry.authorization = req.headers.authorization;
		requests.push(entry);
		return entry;
	};

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
		const text = rawText ?? JSON.stringify(body);
		const clientRequestId = req.headers['x-client-request-id'];
		if (typeof clientRequestId === 'string' && CLIENT_REQUEST_ID.test(clientRequestId)) {
			headers['x-client-request-id'] = clientRequestId;
		}
		entry.status = status;
		res.writeHead(status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(text)),
			...headers,
		});
		res.end(text);
	};

	const resetSocket = (req: http.IncomingMessage, entry: SimulatorRequest) => {
		entry.status = 'reset';
		req.socket.destroy();
	};

	const isAuthorized = (req: http.IncomingMessage): boolean => {
		const header = req.headers.authorization;
		if (typeof header !== 'string') return false;
		const match = /^Bearer\s+(.+)$/i.exec(header.trim());
		return match !== null && match[1].trim() === apiKey();
	};

	const runningCount = (now: number): number => {
		let running = 0;
		for (const stored of store.values()) if (isRunning(stored, now)) running += 1;
		return running;
	};

	const createGeneration = (
		model: SimulatedModel,
		path: string,
		body: Record<string, unknown>,
	): StoredGeneration => {
		const createdAt = Date.now();
		const prompt = body.prompt as string;
		const outcome = prompt.includes(MARKER_ERROR)
			? 'error'
			: prompt.includes(MARKER_NO_VIDEO)
				? 'no-video'
				: 'video';
		const baseMs = Math.max(0, options.generationMs ?? DEFAULT_GENERATION_MS);
		const durationMs = prompt.includes(MARKER_SLOW) ? baseMs * 3 : baseMs;
		const id = `${crypto.randomUUID()}:${model.upstream}`;
		const stored: StoredGeneration = {
			apiKey: apiKey(),
			durationMs,
			outcome,
			generation: {
				id,
				model: model.id,
				path,
				body,
				prompt,
				createdAt,
				get status() {
					return statusAt(stored, Date.now());
				},
				pollCount: 0,
			},
		};
		if (outcome === 'video') {
			const animal = ANIMALS[crypto.randomInt(ANIMALS.length)];
			const videoPath = `/generations/${animal}/${createdAt + durationMs}-${crypto.randomUUID()}.mp4`;
			issuedVideoPaths.add(videoPath);
			stored.videoUrl = `${(options.videoOrigin ?? cdnUrl).replace(/\/+$/, '')}${videoPath}`;
		}
		store.set(id, stored);
		generations.push(stored.generation);
		counters.postsAccepted += 1;
		counters.maxConcurrent = Math.max(counters.maxConcurrent, runningCount(createdAt));
		return stored;
	};

	const pollBody = (stored: StoredGeneration): Record<string, unknown> => {
		const status = statusAt(stored, Date.now());
		const body: Record<string, unknown> = { id: stored.generation.id, status };
		if (status === 'completed' && stored.videoUrl) body.video = { url: stored.videoUrl };
		if (status === 'error') body.error = { ...SIMULATED_GENERATION_ERROR };
		return body;
	};

	const handleSubmit = async (
		req: http.IncomingMessage,
		res: http.ServerResponse,
		entry: SimulatorRequest,
		path: string,
	) => {
		counters.posts += 1;
		const { text, tooLarge } = await readBody(req);
		const reject = (status: number, body: unknown, headers?: Record<string, string>) => {
			counters.postsRejected[status] = (counters.postsRejected[status] ?? 0) + 1;
			send(req, res, entry, status, body, headers);
		};
		if (!isAuthorized(req)) return reject(401, errorBody(401, path, MESSAGES.unauthorized));
		if (options.outOfCredits) return reject(403, errorBody(403, path, MESSAGES.outOfCredits));
		if (tooLarge) return reject(413, errorBody(413, path, 'Payload Too Large'));

		let parsed: unknown;
		if (text.trim() === '') {
			parsed = {};
		} else {
			try {
				parsed = JSON.parse(text);
			} catch {
				return reject(400, validationBody(path, ['body: Invalid JSON']));
			}
		}
		const validation = validateSubmitBody(parsed);
		if (validation.errors.length > 0 || !validation.model) {
			return reject(400, validationBody(path, validation.errors));
		}

		const f = faults();
		const draw = random();
		const failShare = share(f.postFailShare);
		if (draw < failShare) {
			const status = f.postFailStatus ?? 503;
			return reject(
				status,
				errorBody(status, path, SERVER_ERROR_MESSAGES[status] ?? http.STATUS_CODES[status] ?? 'Error'),
			);
		}
		const dropAfterAccept = draw < failShare + share(f.postDropAfterAcceptShare);

		const limit = options.concurrencyLimit;
		if (limit !== undefined && runningCount(Date.now()) >= limit) {
			return reject(429, errorBody(429, path, MESSAGES.tooManyRequests));
		}

		const stored = createGeneration(validation.model, path, parsed as Record<string, unknown>);
		if (dropAfterAccept) return resetSocket(req, entry);
		send(
			req,
			res,
			entry,
			201,
			{
				id: stored.generation.id,
				status: 'queued',
				meta: { usage: { credits_used: SUBMIT_CREDITS_USED, usd_spent: SUBMIT_USD_SPENT } },
			},
			{
				'x-inference-id': stored.generation.id,
				'x-aimlapi-credits-used': String(SUBMIT_CREDITS_USED),
				'x-aimlapi-usd-spent': String(SUBMIT_USD_SPENT),
			},
		);
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
			return send(req, res, entry, 401, errorBody(401, path, MESSAGES.unauthorized));
		}

		// The answer the request deserves, before any fault.
		const generationId = query.get('generation_id');
		let answer: Answer;
		if (generationId === null) {
			answer = { status: 400, body: validationBody(path, ['generation_id: Required']) };
		} else if (generationId === '') {
			answer = {
				status: 400,
				body: validationBody(path, ['generation_id: String must contain at least 1 character(s)']),
			};
		} else {
			const stored = store.get(generationId);
			const headers: Record<string, string> = ISSUED_ID.test(generationId)
				? { 'x-inference-id': generationId }
				: {};
			if (!stored || stored.apiKey !== apiKey()) {
				answer = {
					status: 404,
					body: errorBody(404, path, MESSAGES.generationNotFound),
					headers,
				};
			} else {
				stored.generation.pollCount += 1;
				answer = { status: 200, body: pollBody(stored), headers };
			}
		}

		const draw = random();
		let threshold = share(f.getResetShare);
		if (draw < threshold) return resetSocket(req, entry);
		threshold += share(f.getFailShare);
		if (draw < threshold) {
			const statuses = f.getFailStatuses && f.getFailStatuses.length > 0 ? f.getFailStatuses : [500, 502, 503];
			const status = statuses[Math.floor(random() * statuses.length)];
			const message = SERVER_ERROR_MESSAGES[status] ?? http.STATUS_CODES[status] ?? 'Error';
			return send(req, res, entry, status, errorBody(status, path, message));
		}
		threshold += share(f.getMalformedShare);
		if (draw < threshold) {
			const full = JSON.stringify(answer.body);
			const truncated = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
			return send(req, res, entry, 200, undefined, answer.headers, truncated);
		}
		threshold += share(f.getEmptyShare);
		if (draw < threshold) return send(req, res, entry, 200, undefined, answer.headers, '');

		send(req, res, entry, answer.status, answer.body, answer.headers);
	};

	const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const entry = logRequest('api', req);
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
				return send(req, res, entry, 401, errorBody(401, url.pathname, MESSAGES.unauthorized));
			}
			return send(req, res, entry, 200, {
				current_balance: options.outOfCredits ? 0 : DEFAULT_BALANCE_USD,
				currency: 'USD',
			});
		}
		req.resume();
		send(req, res, entry, 404, errorBody(404, url.pathname, `Cannot ${method} ${url.pathname}`));
	};

	const handleCdn = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const entry = logRequest('cdn', req);
		counters.cdnRequests += 1;
		if (req.headers.authorization !== undefined) counters.cdnAuthorizationHeaders += 1;
		req.resume();

		const sendText = (status: number, text: string, headers: Record<string, string> = {}) => {
			entry.status = status;
			res.writeHead(status, {
				'content-type': 'text/plain; charset=utf-8',
				'content-length': String(Buffer.byteLength(text)),
				...headers,
			});
			res.end(text);
		};

		const f = faults();
		if (f.cdnStatus !== undefined) {
			return sendText(f.cdnStatus, http.STATUS_CODES[f.cdnStatus] ?? 'Error');
		}
		const method = (req.method ?? 'GET').toUpperCase();
		if (!issuedVideoPaths.has(entry.path)) return sendText(404, 'Not Found');
		if (method !== 'GET' && method !== 'HEAD') {
			return sendText(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
		}

		const totalBytes = options.videoBytes ?? fixture.length;
		entry.status = 200;
		res.writeHead(200, {
			'content-type': 'video/mp4',
			'content-length': String(totalBytes),
			'cache-control': 'public, max-age=86400',
		});
		if (method === 'HEAD') {
			res.end();
			return;
		}
		if (f.cdnCloseMidway) {
			const half = Math.floor(totalBytes / 2);
			await writeChunks(res, videoChunks(totalBytes, half));
			entry.status = 'reset';
			req.socket.destroy();
			return;
		}
		if (await writeChunks(res, videoChunks(totalBytes))) res.end();
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
			if (next.videoBytes !== undefined) checkVideoSize(next.videoBytes, fixture.length);
			options = next;
			if ('seed' in patch) random = createPrng(options.seed ?? DEFAULT_SEED);
		},
		reset() {
			requests.length = 0;
			generations.length = 0;
			store.clear();
			counters = emptyCounters();
			random = createPrng(options.seed ?? DEFAULT_SEED);
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
