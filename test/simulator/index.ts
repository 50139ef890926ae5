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
 *
 * By concern: `contract.ts` what tests see (options, faults, records, constants), `knobs.ts` checking
 * options and drawing faults, `state.ts` the shared state and the request log, `answers.ts` HTTP
 * answers, `routes.ts` the API's routes, `generations.ts` a generation's life, `billing.ts` prices and
 * the balance, `cdn.ts` the video host; this file starts the two listeners and hands out the controls.
 */
import * as http from 'http';
import type { Socket } from 'net';

import { listen } from './answers';
import { handleCdn } from './cdn';
import {
	DEFAULT_SEED,
	type Simulator,
	type SimulatorOptions,
	type SimulatorRequest,
} from './contract';
import { advance, expireVideoUrls } from './generations';
import { checkOptions, createPrng } from './knobs';
import { handleApi } from './routes';
import { createState, emptyCounters, type SimState } from './state';
import { loadFixture } from './video';

export * from './contract';
export {
	LEGACY_GOOGLE_PATH,
	UNIVERSAL_VIDEO_PATH,
	SIMULATED_MODELS,
	findSimulatedModel,
	validateSubmitBody,
} from './models';
export type { FieldRule, SimulatedModel } from './models';
export type { CatalogueEntry, DeprecationEntry, SimulatedCatalogue } from './catalogue';
export { generationRequests, isCatalogueRead, perSecondByResolution } from './catalogue';
export { fixturePath, loadFixture } from './video';

type Handler = (
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
) => Promise<void>;

/** A handler that threw answers 500 if it can, else loses its connection; the listener lives on. */
function guard(sim: SimState, handler: Handler) {
	return (req: http.IncomingMessage, res: http.ServerResponse) => {
		handler(sim, req, res).catch(() => {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
				res.end('Internal server error');
			} else {
				req.socket.destroy();
			}
		});
	};
}

function trackSockets(sim: SimState, server: http.Server): void {
	server.on('connection', (socket: Socket) => {
		sim.sockets.add(socket);
		socket.on('close', () => sim.sockets.delete(socket));
	});
}

export async function startSimulator(initialOptions: SimulatorOptions = {}): Promise<Simulator> {
	const fixture = loadFixture();
	const options: SimulatorOptions = { ...initialOptions };
	checkOptions(options, fixture.length);
	const sim = createState(options, fixture);

	const apiServer = http.createServer(guard(sim, handleApi));
	const cdnServer = http.createServer(guard(sim, handleCdn));
	trackSockets(sim, apiServer);
	trackSockets(sim, cdnServer);

	const apiPort = await listen(apiServer, options.port ?? 0);
	let cdnPort: number;
	try {
		cdnPort = await listen(cdnServer, options.cdnPort ?? 0);
	} catch (error) {
		apiServer.close();
		throw error;
	}
	sim.cdnUrl = `http://127.0.0.1:${cdnPort}`;
	return controls(sim, `http://127.0.0.1:${apiPort}`, [apiServer, cdnServer]);
}

/** The handle a test holds: the records, and the knobs and waits that act on the running simulator. */
function controls(sim: SimState, baseUrl: string, servers: http.Server[]): Simulator {
	return {
		baseUrl,
		cdnUrl: sim.cdnUrl,
		requests: sim.requests,
		generations: sim.generations,
		counters: () => ({ ...sim.counters, postsRejected: { ...sim.counters.postsRejected } }),
		setOptions(patch: Partial<SimulatorOptions>) {
			const next = { ...sim.options, ...patch };
			checkOptions(next, sim.fixture.length);
			sim.options = next;
			if ('seed' in patch) sim.random = createPrng(sim.options.seed ?? DEFAULT_SEED);
		},
		advance: (idOrAll: string, to: 'generating' | 'completed' | 'error') =>
			advance(sim, idOrAll, to),
		expireVideoUrls: () => expireVideoUrls(sim),
		whenRequest: (predicate: (request: SimulatorRequest) => boolean) => whenRequest(sim, predicate),
		whenGenerations(count: number) {
			return new Promise<void>((resolve) => {
				if (sim.generations.length >= count) return resolve();
				sim.generationWaiters.push({ count, resolve });
			});
		},
		reset() {
			sim.requests.length = 0;
			sim.generations.length = 0;
			sim.store.clear();
			sim.counters = emptyCounters();
			sim.random = createPrng(sim.options.seed ?? DEFAULT_SEED);
			sim.requestWaiters = [];
			sim.generationWaiters = [];
		},
		close: () => close(sim, servers),
	};
}

function whenRequest(
	sim: SimState,
	predicate: (request: SimulatorRequest) => boolean,
): Promise<SimulatorRequest> {
	return new Promise<SimulatorRequest>((resolve, reject) => {
		try {
			const seen = sim.requests.find((request) => predicate(request));
			if (seen) return resolve(seen);
		} catch (error) {
			return reject(error);
		}
		sim.requestWaiters.push({ predicate, resolve, reject });
	});
}

async function close(sim: SimState, servers: http.Server[]): Promise<void> {
	if (sim.closed) return;
	sim.closed = true;
	for (const timer of sim.timers) clearTimeout(timer);
	sim.timers.clear();
	const closing = servers.map(
		(server) => new Promise<void>((resolve) => server.close(() => resolve())),
	);
	for (const socket of sim.sockets) socket.destroy();
	sim.sockets.clear();
	await Promise.all(closing);
}
