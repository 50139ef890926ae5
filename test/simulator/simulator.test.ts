import * as http from 'http';
import * as zlib from 'zlib';

import { parseArgs } from './cli';
import {
	CDN_HTML_ERROR_PAGE,
	LEGACY_GOOGLE_PATH,
	MESSAGES,
	SIMULATED_MODELS,
	UNIVERSAL_VIDEO_PATH,
	loadFixture,
	otherIdOf,
	pollsMarker,
	runningStatusMarker,
	startSimulator,
	statusMarker,
	videoBytesMarker,
	type Simulator,
	type SimulatorOptions,
	type SimulatorRequest,
} from './index';
import { videoChunks } from './video';

const KEY = 'sim-test-key';
const IMAGE = 'https://example.com/first.png';
const DATA_IMAGE = 'data:image/png;base64,iVBORw0KGgo=';

interface Reply {
	status: number;
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
	text: string;
	json: () => any;
}

function call(
	url: string,
	init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
		const headers: Record<string, string> = { ...(init.headers ?? {}) };
		if (payload !== undefined) {
			headers['content-type'] = 'application/json';
			headers['content-length'] = String(Buffer.byteLength(payload));
		}
		const req = http.request(
			url,
			{ method: init.method ?? 'GET', headers, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('error', reject);
				res.on('aborted', () => reject(new Error('response aborted')));
				res.on('end', () => {
					if (!res.complete) {
						reject(new Error('response incomplete'));
						return;
					}
					const raw = Buffer.concat(chunks);
					const text = raw.toString('utf8');
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						raw,
						text,
						json: () => JSON.parse(text),
					});
				});
			},
		);
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

const auth = (key = KEY) => ({ authorization: `Bearer ${key}` });

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
	let time = start;
	return {
		now: () => time,
		tick: (ms: number) => {
			time += ms;
		},
	};
}

/** Sends a request and hands back the first chunk of the body as soon as it arrives, plus the response. */
function firstChunk(
	url: string,
): Promise<{ res: http.IncomingMessage; chunk: Buffer; req: http.ClientRequest }> {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { agent: false }, (res) => {
			res.once('data', (chunk: Buffer) => {
				res.pause();
				resolve({ res, chunk, req });
			});
			res.on('error', () => undefined);
		});
		req.on('error', reject);
	});
}

describe('AI/ML API simulator', () => {
	let sim: Simulator;
	const start = async (options: SimulatorOptions = {}) => {
		sim = await startSimulator(options);
		return sim;
	};
	const submit = (body: unknown, options: { path?: string; key?: string } = {}) =>
		call(`${sim.baseUrl}${options.path ?? LEGACY_GOOGLE_PATH}`, {
			method: 'POST',
			headers: auth(options.key),
			body,
		});
	const poll = (id: string, options: { path?: string; key?: string } = {}) =>
		call(
			`${sim.baseUrl}${options.path ?? LEGACY_GOOGLE_PATH}?generation_id=${encodeURIComponent(id)}`,
			{ headers: auth(options.key) },
		);
	const fastBody = (extra: Record<string, unknown> = {}) => ({
		model: 'google/veo-3.0-fast',
		prompt: 'A dragon over a mountain',
		...extra,
	});
	/** Polls until the generation ended; the tests that use it run with `progress: { polls }`, so no waiting. */
	const waitUntilDone = async (id: string, path = LEGACY_GOOGLE_PATH) => {
		for (let i = 0; i < 20; i += 1) {
			const reply = await poll(id, { path });
			const body = reply.json();
			if (body.status === 'completed' || body.status === 'error') return body;
		}
		throw new Error('generation did not finish within 20 polls');
	};
	/** The next request to arrive (any listener). */
	const nextRequest = (): Promise<SimulatorRequest> => {
		const known = sim.requests.length;
		return sim.whenRequest((request) => sim.requests.indexOf(request) >= known);
	};

	afterEach(async () => {
		await sim?.close();
	});

	describe('auth and billing', () => {
		it('answers 401 with the documented body for a wrong or missing key', async () => {
			await start();
			const reply = await submit(fastBody(), { key: 'wrong' });
			expect(reply.status).toBe(401);
			const body = reply.json();
			expect(body).toEqual({
				requestId: expect.any(String),
				statusCode: 401,
				timestamp: expect.any(String),
				path: LEGACY_GOOGLE_PATH,
				message: MESSAGES.unauthorized,
			});
			expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
			const missing = await call(`${sim.baseUrl}${UNIVERSAL_VIDEO_PATH}?generation_id=x`);
			expect(missing.status).toBe(401);
			expect(missing.json().path).toBe(UNIVERSAL_VIDEO_PATH);
			expect(sim.generations).toHaveLength(0);
			expect(sim.counters().postsRejected).toEqual({ 401: 1 });
		});

		it('serves GET /v2/billing with 200 for the key and 401 otherwise', async () => {
			await start();
			const ok = await call(`${sim.baseUrl}/v2/billing`, { headers: auth() });
			expect(ok.status).toBe(200);
			expect(ok.json()).toEqual({ current_balance: 123.45, currency: 'USD' });
			const bad = await call(`${sim.baseUrl}/v2/billing`, { headers: auth('nope') });
			expect(bad.status).toBe(401);
			expect(bad.json().message).toBe(MESSAGES.unauthorized);
			expect(sim.counters().billing).toBe(2);
		});

		it('answers 403 out of credits on POST while billing still answers 200 with balance 0', async () => {
			await start({ outOfCredits: true });
			const reply = await submit(fastBody());
			expect(reply.status).toBe(403);
			expect(reply.json()).toMatchObject({ statusCode: 403, message: MESSAGES.outOfCredits });
			const billing = await call(`${sim.baseUrl}/v2/billing`, { headers: auth() });
			expect(billing.status).toBe(200);
			expect(billing.json().current_balance).toBe(0);
			expect(sim.generations).toHaveLength(0);
		});

		it('follows a key rotated at run time', async () => {
			await start();
			sim.setOptions({ apiKey: 'second-key' });
			expect((await submit(fastBody())).status).toBe(401);
			expect((await submit(fastBody(), { key: 'second-key' })).status).toBe(201);
		});

		it('answers 404 for unknown routes', async () => {
			await start();
			const reply = await call(`${sim.baseUrl}/v2/nothing-here`, { headers: auth() });
			expect(reply.status).toBe(404);
			expect(reply.json()).toMatchObject({ statusCode: 404, path: '/v2/nothing-here' });
		});
	});

	describe('submit and poll', () => {
		it('accepts with 201 and walks queued -> generating -> completed by the (injected) clock', async () => {
			const clock = manualClock();
			await start({ generationMs: 500, clock });
			const reply = await submit(fastBody());
			expect(reply.status).toBe(201);
			const body = reply.json();
			expect(body).toEqual({
				id: expect.any(String),
				status: 'queued',
				meta: { usage: { credits_used: 3900000, usd_spent: 1.95 } },
			});
			expect(body.id).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:veo-3\.0-fast-generate-001$/,
			);
			expect(reply.headers['x-inference-id']).toBe(body.id);

			expect((await poll(body.id)).json()).toEqual({ id: body.id, status: 'queued' });
			clock.tick(99);
			expect((await poll(body.id)).json()).toEqual({ id: body.id, status: 'queued' });
			clock.tick(1);
			expect((await poll(body.id)).json()).toEqual({ id: body.id, status: 'generating' });
			clock.tick(399);
			expect((await poll(body.id)).json()).toEqual({ id: body.id, status: 'generating' });
			clock.tick(1);
			const done = (await poll(body.id)).json();
			expect(done).toEqual({
				id: body.id,
				status: 'completed',
				video: { url: expect.any(String) },
			});
			expect(done.video.url.startsWith(`${sim.cdnUrl}/generations/`)).toBe(true);
			expect(new URL(done.video.url).pathname).toMatch(
				/^\/generations\/[a-z]+\/\d{13}-[0-9a-f-]{36}\.mp4$/,
			);
			expect(sim.generations).toHaveLength(1);
			expect(sim.generations[0]).toMatchObject({
				id: body.id,
				model: 'google/veo-3.0-fast',
				path: LEGACY_GOOGLE_PATH,
				prompt: 'A dragon over a mountain',
				status: 'completed',
				pollCount: 5,
				createdAt: clock.now() - 500,
			});
			expect(sim.requests.map((r) => r.at - sim.generations[0].createdAt)).toEqual([
				0, 0, 99, 100, 499, 500,
			]);
			expect(sim.counters()).toMatchObject({ posts: 1, postsAccepted: 1, gets: 5 });
		});

		it('accepts a minimal valid body for every model of the table', async () => {
			await start();
			const extras: Record<string, Record<string, unknown>> = {
				'google/veo-3.0-i2v': { image_url: IMAGE },
				'google/veo-3.0-i2v-fast': { image_url: DATA_IMAGE },
				'google/veo-3.1-i2v': { image_url: IMAGE },
				'google/veo-3.1-i2v-fast': { image_url: IMAGE },
				'google/veo-3.1-first-last-image-to-video': { image_url: IMAGE, last_image_url: IMAGE },
				'google/veo-3.1-first-last-image-to-video-fast': {
					image_url: IMAGE,
					last_image_url: DATA_IMAGE,
				},
				'google/veo-3.1-reference-to-video': { image_urls: [IMAGE, DATA_IMAGE] },
				'google/veo3-1-extend-video': { video_url: 'https://cdn.example.com/clip.mp4' },
				'google/veo3-1-fast-extend-video': {
					video_url: `data:video/mp4;base64,${loadFixture().toString('base64')}`,
				},
				'veo2/image-to-video': { image_url: IMAGE, tail_image_url: DATA_IMAGE },
			};
			expect(SIMULATED_MODELS).toHaveLength(19);
			for (const model of SIMULATED_MODELS) {
				const reply = await submit(
					{ model: model.id, prompt: 'a cat', ...(extras[model.id] ?? {}) },
					{ path: model.documentedPath },
				);
				expect({ model: model.id, status: reply.status, text: reply.text }).toMatchObject({
					status: 201,
				});
				expect(reply.json().id.endsWith(`:${model.upstream}`)).toBe(true);
			}
		});

		it('accepts every documented optional field with valid values', async () => {
			await start();
			const fast = await submit(
				fastBody({
					duration: 6,
					aspect_ratio: '9:16',
					resolution: '1080P',
					negative_prompt: 'blur',
					seed: 42,
					enhance_prompt: false,
					generate_audio: true,
				}),
			);
			expect(fast.status).toBe(201);
			const t2v = await submit(
				{
					model: 'google/veo-3.1-t2v',
					prompt: 'x',
					aspect_ratio: '16:9',
					duration: 4,
					resolution: '720p',
					generate_audio: false,
					seed: 7,
					auto_fix: true,
					negative_prompt: 'n',
					enhance_prompt: true,
					provider: 'auto',
				},
				{ path: UNIVERSAL_VIDEO_PATH },
			);
			expect(t2v.status).toBe(201);
		});

		it('finds a URL-encoded id containing ":" and "/" on either path', async () => {
			await start({ progress: { polls: 3 } });
			const reply = await submit(
				{ model: 'google/veo-3.1-i2v', prompt: 'a wave', image_url: IMAGE },
				{ path: UNIVERSAL_VIDEO_PATH },
			);
			expect(reply.status).toBe(201);
			const id: string = reply.json().id;
			expect(id).toMatch(/^[0-9a-f-]{36}:google\/veo-3\.1-i2v$/);
			const viaUniversal = await poll(id, { path: UNIVERSAL_VIDEO_PATH });
			expect(viaUniversal.status).toBe(200);
			expect(viaUniversal.json().id).toBe(id);
			expect(viaUniversal.headers['x-inference-id']).toBe(id);
			const viaLegacy = await poll(id, { path: LEGACY_GOOGLE_PATH });
			expect(viaLegacy.status).toBe(200);
			expect(sim.requests.at(-1)?.query).toBe(`generation_id=${encodeURIComponent(id)}`);
			const done = await waitUntilDone(id, UNIVERSAL_VIDEO_PATH);
			expect(done.status).toBe('completed');
		});

		it("answers 404 for an unknown id and for another key's generation, 400 without generation_id", async () => {
			await start();
			const unknown = await poll('00000000-0000-4000-8000-000000000000:veo3');
			expect(unknown.status).toBe(404);
			expect(unknown.json()).toMatchObject({ statusCode: 404, message: 'Generation not found' });

			const id: string = (await submit(fastBody())).json().id;
			sim.setOptions({ apiKey: 'other-account' });
			expect((await poll(id, { key: 'other-account' })).status).toBe(404);
			sim.setOptions({ apiKey: KEY });
			expect((await poll(id)).status).toBe(200);

			const missing = await call(`${sim.baseUrl}${LEGACY_GOOGLE_PATH}`, { headers: auth() });
			expect(missing.status).toBe(400);
			expect(missing.json()).toMatchObject({
				statusCode: 400,
				message: 'Body validation error!\ngeneration_id: Required',
				errors: ['generation_id: Required'],
			});
		});

		it('ends a [sim:error] prompt in status error and a [sim:no-video] prompt completed without video', async () => {
			await start({ progress: { polls: 2 } });
			const failing: string = (await submit(fastBody({ prompt: 'bad things [sim:error]' }))).json()
				.id;
			const empty: string = (await submit(fastBody({ prompt: 'nothing [sim:no-video]' }))).json()
				.id;
			expect(await waitUntilDone(failing)).toEqual({
				id: failing,
				status: 'error',
				error: {
					name: 'ContentPolicyViolation',
					message: 'The prompt was blocked by the safety filter.',
				},
			});
			expect(await waitUntilDone(empty)).toEqual({ id: empty, status: 'completed' });
		});

		it('answers video as a list of N files on its CDN, as null on every answer, or completed at the submit, as the markers ask', async () => {
			await start({ progress: { polls: 2 } });
			const listed = (
				await submit(fastBody({ prompt: 'two [sim:videos=2] [sim:video-junk]' }))
			).json();
			expect(listed.video).toBeUndefined();
			const done = await waitUntilDone(listed.id);
			expect(done.video).toHaveLength(3);
			expect(done.video[2]).toEqual({});
			const urls = done.video.slice(0, 2).map((entry: { url: string }) => entry.url);
			expect(new Set(urls).size).toBe(2);
			for (const url of urls) {
				expect(url.startsWith(sim.cdnUrl)).toBe(true);
				const file = await call(url);
				expect(file.status).toBe(200);
				expect(file.raw.equals(loadFixture())).toBe(true);
			}
			const nulled = (await submit(fastBody({ prompt: 'none yet [sim:video-null]' }))).json();
			expect(nulled).toMatchObject({ status: 'queued', video: null });
			expect((await poll(nulled.id)).json()).toMatchObject({ status: 'queued', video: null });
			expect((await waitUntilDone(nulled.id)).video).toEqual({ url: expect.any(String) });
			const gone = (await submit(fastBody({ prompt: 'x [sim:video-null] [sim:no-video]' }))).json();
			expect(await waitUntilDone(gone.id)).toEqual({
				id: gone.id,
				status: 'completed',
				video: null,
			});
			const instant = await submit(
				fastBody({ prompt: 'now [sim:videos=1] [sim:video-at-submit]' }),
			);
			expect(instant.json()).toMatchObject({
				status: 'completed',
				video: [{ url: expect.any(String) }],
				meta: { usage: { credits_used: expect.any(Number), usd_spent: expect.any(Number) } },
			});
			const tooMany = await submit(fastBody({ prompt: 'many [sim:videos=21]' }));
			expect(tooMany.status).toBe(500);
		});

		it('takes three times as long for a [sim:slow] prompt', async () => {
			const clock = manualClock();
			await start({ generationMs: 200, clock });
			const id: string = (await submit(fastBody({ prompt: 'slow [sim:slow]' }))).json().id;
			const normal: string = (await submit(fastBody())).json().id;
			clock.tick(250);
			expect((await poll(normal)).json().status).toBe('completed');
			expect((await poll(id)).json().status).toBe('generating');
			clock.tick(349);
			expect((await poll(id)).json().status).toBe('generating');
			clock.tick(1);
			expect((await poll(id)).json().status).toBe('completed');
		});
	});

	describe('validation', () => {
		const expectValidation = async (reply: Reply, lines: string[]) => {
			expect(reply.status).toBe(400);
			const body = reply.json();
			expect(body).toMatchObject({ statusCode: 400, errors: lines });
			expect(body.message).toBe(['Body validation error!', ...lines].join('\n'));
			expect(typeof body.requestId).toBe('string');
			expect(typeof body.timestamp).toBe('string');
		};

		it('rejects the wrong resolution case on each family', async () => {
			await start();
			await expectValidation(await submit(fastBody({ resolution: '720p' })), [
				"resolution: Invalid enum value. Expected '720P' | '1080P', received '720p'",
			]);
			await expectValidation(
				await submit(
					{ model: 'google/veo-3.1-t2v-fast', prompt: 'x', resolution: '1080P' },
					{ path: UNIVERSAL_VIDEO_PATH },
				),
				["resolution: Invalid enum value. Expected '720p' | '1080p', received '1080P'"],
			);
			expect(sim.generations).toHaveLength(0);
			expect(sim.counters().postsRejected).toEqual({ 400: 2 });
		});

		it('rejects an unknown field, a missing image_url, duration 5 and a string duration', async () => {
			await start();
			await expectValidation(await submit(fastBody({ last_frame_url: IMAGE })), [
				'last_frame_url: Unrecognized key',
			]);
			await expectValidation(await submit({ model: 'google/veo-3.0-i2v', prompt: 'x' }), [
				'image_url: Required',
			]);
			await expectValidation(
				await submit(
					{ model: 'google/veo-3.1-i2v-fast', prompt: 'x' },
					{ path: UNIVERSAL_VIDEO_PATH },
				),
				['image_url: Required'],
			);
			await expectValidation(await submit(fastBody({ duration: 5 })), [
				'duration: Invalid enum value. Expected 4 | 6 | 8, received 5',
			]);
			await expectValidation(await submit(fastBody({ duration: '8' })), [
				'duration: Expected number, received string',
			]);
		});

		it('rejects fields that exist on other models only, and bad types', async () => {
			await start();
			await expectValidation(
				await submit(
					{
						model: 'google/veo-3.1-i2v',
						prompt: 'x',
						image_url: IMAGE,
						seed: 1,
						negative_prompt: 'n',
					},
					{ path: UNIVERSAL_VIDEO_PATH },
				),
				['seed: Unrecognized key', 'negative_prompt: Unrecognized key'],
			);
			await expectValidation(
				await submit(
					{
						model: 'google/veo-3.1-reference-to-video',
						prompt: 'x',
						image_urls: [IMAGE],
						duration: 6,
						aspect_ratio: '16:9',
					},
					{ path: UNIVERSAL_VIDEO_PATH },
				),
				['duration: Invalid enum value. Expected 8, received 6', 'aspect_ratio: Unrecognized key'],
			);
			await expectValidation(
				await submit(fastBody({ seed: 1.5, generate_audio: 'yes', aspect_ratio: '1:1' })),
				[
					"aspect_ratio: Invalid enum value. Expected '16:9' | '9:16', received '1:1'",
					'seed: Expected integer, received float',
					'generate_audio: Expected boolean, received string',
				],
			);
			await expectValidation(
				await submit({
					model: 'google/veo-3.0-i2v',
					prompt: 'x',
					image_url: 'ftp://example.com/a.png',
				}),
				['image_url: Invalid url'],
			);
			await expectValidation(
				await submit({
					model: 'google/veo-3.0-i2v',
					prompt: 'x',
					image_url: 'data:image/gif;base64,R0lG',
				}),
				['image_url: Invalid url'],
			);
		});

		it('requires model and a non-empty prompt, and rejects unknown models', async () => {
			await start();
			await expectValidation(await submit({}), ['model: Required', 'prompt: Required']);
			await expectValidation(await submit(fastBody({ prompt: '' })), [
				'prompt: String must contain at least 1 character(s)',
			]);
			const unknown = await submit({ model: 'google/veo-9', prompt: 'x' });
			expect(unknown.status).toBe(400);
			expect(unknown.json().errors[0]).toMatch(
				/^model: Invalid discriminator value\. Expected 'google\/veo-3\.0-fast'/,
			);
		});
	});

	describe('concurrency and POST faults', () => {
		it('answers 429 beyond the concurrency limit and tracks maxConcurrent', async () => {
			const clock = manualClock();
			await start({ concurrencyLimit: 2, generationMs: 300, clock });
			expect((await submit(fastBody())).status).toBe(201);
			expect((await submit(fastBody())).status).toBe(201);
			const third = await submit(fastBody());
			expect(third.status).toBe(429);
			expect(third.json()).toMatchObject({ statusCode: 429, message: 'Too Many Requests' });
			expect(sim.generations).toHaveLength(2);
			expect(sim.counters()).toMatchObject({
				maxConcurrent: 2,
				postsAccepted: 2,
				postsRejected: { 429: 1 },
			});
			clock.tick(300);
			expect((await submit(fastBody())).status).toBe(201);
			expect(sim.counters().maxConcurrent).toBe(2);
		});

		it('checks auth, credits and validation before faults and concurrency', async () => {
			await start({ concurrencyLimit: 0, faults: { postFailShare: 1 } });
			expect((await submit(fastBody(), { key: 'bad' })).status).toBe(401);
			expect((await submit(fastBody({ resolution: 'x' }))).status).toBe(400);
			expect((await submit(fastBody())).status).toBe(503);
			sim.setOptions({ faults: {} });
			expect((await submit(fastBody())).status).toBe(429);
			sim.setOptions({ outOfCredits: true });
			expect((await submit(fastBody({ resolution: 'x' }))).status).toBe(403);
		});

		it('rejects with 503 before acceptance when postFailShare is 1', async () => {
			await start({ faults: { postFailShare: 1 } });
			const reply = await submit(fastBody());
			expect(reply.status).toBe(503);
			expect(reply.json()).toMatchObject({ statusCode: 503, message: 'Service unavailable' });
			expect(sim.generations).toHaveLength(0);
			expect(sim.counters()).toMatchObject({
				posts: 1,
				postsAccepted: 0,
				postsRejected: { 503: 1 },
			});
		});

		it('creates the generation and then drops the socket when postDropAfterAcceptShare is 1', async () => {
			await start({ faults: { postDropAfterAcceptShare: 1 } });
			await expect(submit(fastBody())).rejects.toThrow();
			expect(sim.generations).toHaveLength(1);
			expect(sim.counters().postsAccepted).toBe(1);
			expect(sim.requests.at(-1)?.status).toBe('reset');
		});

		it('draws POST faults from the seed reproducibly', async () => {
			const outcomes = async () => {
				const statuses: number[] = [];
				for (let i = 0; i < 20; i += 1) statuses.push((await submit(fastBody())).status);
				return statuses;
			};
			await start({ seed: 7, faults: { postFailShare: 0.5 } });
			const first = await outcomes();
			sim.reset();
			const second = await outcomes();
			expect(second).toEqual(first);
			expect(first).toContain(201);
			expect(first).toContain(503);
		});
	});

	describe('status GET faults', () => {
		it('answers 5xx from getFailStatuses', async () => {
			await start({ faults: { getFailShare: 1, getFailStatuses: [502] } });
			const id: string = (await submit(fastBody())).json().id;
			const reply = await poll(id);
			expect(reply.status).toBe(502);
			expect(reply.json()).toMatchObject({ statusCode: 502, message: 'Bad Gateway' });
			expect(sim.generations[0].pollCount).toBe(1);
		});

		it('resets the socket, truncates the JSON, empties the body and delays as asked', async () => {
			await start({ faults: { getResetShare: 1 } });
			const id: string = (await submit(fastBody())).json().id;
			await expect(poll(id)).rejects.toThrow();
			expect(sim.requests.at(-1)?.status).toBe('reset');

			sim.setOptions({ faults: { getMalformedShare: 1 } });
			const malformed = await poll(id);
			expect(malformed.status).toBe(200);
			expect(() => JSON.parse(malformed.text)).toThrow();
			expect(malformed.text.length).toBeGreaterThan(0);

			sim.setOptions({ faults: { getEmptyShare: 1 } });
			const empty = await poll(id);
			expect(empty.status).toBe(200);
			expect(empty.text).toBe('');

			// Without a delay a poll is answered before the test sees it arrive; with one it is not.
			sim.setOptions({ faults: { getDelayMs: 50 } });
			const arrived = nextRequest();
			const delayed = poll(id);
			expect((await arrived).status).toBe(0);
			expect((await delayed).status).toBe(200);
			expect(sim.requests.at(-1)?.status).toBe(200);
		});
	});

	describe('CDN', () => {
		const completedVideoUrl = async () => {
			const id: string = (await submit(fastBody())).json().id;
			const done = await waitUntilDone(id);
			return done.video.url as string;
		};

		it('serves the fixture as video/mp4 with its length and records Authorization headers', async () => {
			await start({ progress: { polls: 1 } });
			const url = await completedVideoUrl();
			const reply = await call(url);
			const fixture = loadFixture();
			expect(reply.status).toBe(200);
			expect(reply.headers['content-type']).toBe('video/mp4');
			expect(Number(reply.headers['content-length'])).toBe(fixture.length);
			expect(reply.raw.equals(fixture)).toBe(true);
			expect(reply.raw.subarray(4, 8).toString('latin1')).toBe('ftyp');
			expect(sim.counters().cdnAuthorizationHeaders).toBe(0);

			await call(url, { headers: auth() });
			expect(sim.counters()).toMatchObject({ cdnRequests: 2, cdnAuthorizationHeaders: 1 });
			const cdnLog = sim.requests.filter((r) => r.origin === 'cdn');
			expect(cdnLog.map((r) => r.authorization)).toEqual([undefined, `Bearer ${KEY}`]);
			expect(cdnLog.map((r) => r.status)).toEqual([200, 200]);
		});

		it('pads the video with a free box to exactly videoBytes', async () => {
			await start({ progress: { polls: 1 }, videoBytes: 5_000_000 });
			const reply = await call(await completedVideoUrl());
			const fixture = loadFixture();
			expect(reply.status).toBe(200);
			expect(Number(reply.headers['content-length'])).toBe(5_000_000);
			expect(reply.raw.length).toBe(5_000_000);
			expect(reply.raw.subarray(4, 8).toString('latin1')).toBe('ftyp');
			expect(reply.raw.subarray(0, fixture.length).equals(fixture)).toBe(true);
			const box = reply.raw.subarray(fixture.length);
			expect(box.readUInt32BE(0)).toBe(5_000_000 - fixture.length);
			expect(box.subarray(4, 8).toString('latin1')).toBe('free');
		});

		it('rejects a videoBytes that cannot hold a free box', async () => {
			const fixture = loadFixture();
			await expect(startSimulator({ videoBytes: fixture.length + 3 })).rejects.toThrow(RangeError);
			await start();
			expect(() => sim.setOptions({ videoBytes: fixture.length - 1 })).toThrow(RangeError);
		});

		it('answers 404 for unknown paths and cdnStatus when set', async () => {
			await start({ progress: { polls: 1 } });
			expect((await call(`${sim.cdnUrl}/generations/lion/1-abc.mp4`)).status).toBe(404);
			const url = await completedVideoUrl();
			sim.setOptions({ faults: { cdnStatus: 404 } });
			expect((await call(url)).status).toBe(404);
		});

		it('breaks the download midway when cdnCloseMidway is set', async () => {
			await start({
				progress: { polls: 1 },
				videoBytes: 2_000_000,
				faults: { cdnCloseMidway: true },
			});
			const url = await completedVideoUrl();
			await expect(call(url)).rejects.toThrow();
			expect(sim.requests.at(-1)).toMatchObject({ origin: 'cdn', status: 'reset' });
		});

		it('puts videoOrigin into video.url when given', async () => {
			await start({ progress: { polls: 1 }, videoOrigin: 'http://localhost:9' });
			const url = await completedVideoUrl();
			expect(url).toMatch(/^http:\/\/localhost:9\/generations\//);
		});
		it('dribbles the video with cdnDrip: headers at once with the honest length, then a piece at a time', async () => {
			await start({
				progress: { polls: 1 },
				faults: { cdnDrip: { bytes: 1000, everyMs: 60_000 } },
			});
			const fixture = loadFixture();
			const url = await completedVideoUrl();
			const { res, chunk, req } = await firstChunk(url);
			expect(res.statusCode).toBe(200);
			expect(Number(res.headers['content-length'])).toBe(fixture.length);
			// The second piece is due a minute later, so what arrived is exactly the first piece.
			let received = chunk;
			while (received.length < 1000) {
				const more = await new Promise<Buffer>((resolve) => {
					res.once('data', resolve);
					res.resume();
				});
				res.pause();
				received = Buffer.concat([received, more]);
			}
			expect(received.equals(fixture.subarray(0, 1000))).toBe(true);
			expect(sim.requests.at(-1)).toMatchObject({ origin: 'cdn', status: 200 });
			req.destroy();
		});

		it('delivers the whole video with cdnDrip, pieces cut across the padding', async () => {
			await start({
				progress: { polls: 1 },
				videoBytes: 200_000,
				faults: { cdnDrip: { bytes: 7_000, everyMs: 0 } },
			});
			const reply = await call(await completedVideoUrl());
			expect(Number(reply.headers['content-length'])).toBe(200_000);
			expect(reply.raw.equals(Buffer.concat([...videoChunks(200_000)]))).toBe(true);
			await expect(
				startSimulator({ faults: { cdnDrip: { bytes: 0, everyMs: 1 } } }),
			).rejects.toThrow(RangeError);
		});

		it("answers an HTML error page as video/mp4 with cdnBody 'html'", async () => {
			await start({ progress: { polls: 1 }, faults: { cdnBody: 'html' } });
			const reply = await call(await completedVideoUrl());
			expect(reply.status).toBe(200);
			expect(reply.headers['content-type']).toBe('video/mp4');
			expect(reply.text).toBe(CDN_HTML_ERROR_PAGE);
			expect(reply.text).toBe(
				'<!DOCTYPE html><html><head><title>Error</title></head><body>Access denied</body></html>',
			);
			expect(Number(reply.headers['content-length'])).toBe(reply.raw.length);
		});

		it('sends the video gzip-compressed with cdnGzip, content-length of the compressed bytes', async () => {
			await start({ progress: { polls: 1 }, videoBytes: 1_000_000, faults: { cdnGzip: true } });
			const url = await completedVideoUrl();
			const reply = await call(url, { headers: { 'accept-encoding': 'gzip' } });
			expect(reply.status).toBe(200);
			expect(reply.headers['content-encoding']).toBe('gzip');
			expect(reply.headers['content-type']).toBe('video/mp4');
			expect(Number(reply.headers['content-length'])).toBe(reply.raw.length);
			expect(reply.raw.length).toBeLessThan(100_000);
			const video = zlib.gunzipSync(reply.raw);
			expect(video.equals(Buffer.concat([...videoChunks(1_000_000)]))).toBe(true);
			// Without the knob the same URL is sent as is.
			sim.setOptions({ faults: {} });
			const plain = await call(url, { headers: { 'accept-encoding': 'gzip' } });
			expect(plain.headers['content-encoding']).toBeUndefined();
			expect(plain.raw.length).toBe(1_000_000);
		});

		it('serves one generation a video of its own size with [sim:video-bytes=N], the others videoBytes', async () => {
			await start({ progress: { polls: 1 }, videoBytes: 10_000 });
			const bigId: string = (
				await submit(fastBody({ prompt: `a big one ${videoBytesMarker(300_000)}` }))
			).json().id;
			const big = (await waitUntilDone(bigId)).video.url as string;
			const small = await completedVideoUrl();
			const bigReply = await call(big);
			expect(Number(bigReply.headers['content-length'])).toBe(300_000);
			expect(bigReply.raw.equals(Buffer.concat([...videoChunks(300_000)]))).toBe(true);
			const smallReply = await call(small);
			expect(smallReply.raw.equals(Buffer.concat([...videoChunks(10_000)]))).toBe(true);
			// What each answer's connection took of its body.
			expect(sim.requests.filter((r) => r.origin === 'cdn').map((r) => r.bodyBytes)).toEqual([
				300_000, 10_000,
			]);
			// A size the fixture cannot be padded to fails the submit loudly.
			const wrong = await submit(
				fastBody({ prompt: `wrong ${videoBytesMarker(loadFixture().length + 3)}` }),
			);
			expect(wrong.status).toBe(500);
		});

		it('records how much of a video body went out before the client hung up', async () => {
			await start({ progress: { polls: 1 }, videoBytes: 64 * 1024 * 1024 });
			const { req } = await firstChunk(await completedVideoUrl());
			req.destroy();
			const entry = await sim.whenRequest((r) => r.origin === 'cdn' && r.bodyBytes !== undefined);
			expect(entry.bodyBytes).toBeGreaterThan(0);
			expect(entry.bodyBytes).toBeLessThan(64 * 1024 * 1024);
		});
	});

	describe('deterministic control', () => {
		it('reads createdAt, request times and error timestamps from the injected clock', async () => {
			const clock = manualClock(Date.UTC(2030, 0, 2, 3, 4, 5));
			await start({ clock });
			const refused = await submit(fastBody(), { key: 'wrong' });
			expect(refused.json().timestamp).toBe('2030-01-02T03:04:05.000Z');
			clock.tick(1000);
			await submit(fastBody());
			expect(sim.generations[0].createdAt).toBe(clock.now());
			expect(sim.requests.map((r) => r.at)).toEqual([clock.now() - 1000, clock.now()]);
		});

		it('progress { polls: 3 }: queued, generating, then the end on the third answered poll; time plays no part', async () => {
			const clock = manualClock();
			await start({ progress: { polls: 3 }, generationMs: 10, clock });
			const reply = await submit(fastBody());
			expect(reply.json().status).toBe('queued');
			const id: string = reply.json().id;
			clock.tick(60_000);
			expect(sim.generations[0].status).toBe('queued');
			expect((await poll(id)).json()).toEqual({ id, status: 'queued' });
			expect((await poll(id)).json()).toEqual({ id, status: 'generating' });
			expect(sim.generations[0].status).toBe('generating');
			expect((await poll(id)).json()).toEqual({
				id,
				status: 'completed',
				video: { url: expect.any(String) },
			});
			expect((await poll(id)).json().status).toBe('completed');
			expect(sim.generations[0]).toMatchObject({
				status: 'completed',
				pollCount: 4,
				answeredPolls: 4,
			});
		});

		it('progress { polls: 1 } ends on the first poll', async () => {
			await start({ progress: { polls: 1 } });
			const id: string = (await submit(fastBody())).json().id;
			expect((await poll(id)).json().status).toBe('completed');
		});

		it('progress { polls }: only authorized, un-faulted polls of the generation count', async () => {
			await start({ progress: { polls: 2 } });
			const id: string = (await submit(fastBody())).json().id;
			expect((await poll(id, { key: 'wrong' })).status).toBe(401);
			sim.setOptions({ faults: { getFailShare: 1 } });
			expect((await poll(id)).status).toBeGreaterThanOrEqual(500);
			sim.setOptions({ faults: { getMalformedShare: 1 } });
			const malformed = (await poll(id)).text;
			expect(() => JSON.parse(malformed)).toThrow();
			sim.setOptions({ faults: { getEmptyShare: 1 } });
			expect((await poll(id)).text).toBe('');
			sim.setOptions({ faults: { getResetShare: 1 } });
			await expect(poll(id)).rejects.toThrow();
			sim.setOptions({ faults: {} });
			expect((await poll(id)).json().status).toBe('queued');
			expect((await poll(id)).json().status).toBe('completed');
			expect(sim.generations[0]).toMatchObject({ pollCount: 6, answeredPolls: 2 });
		});

		it("progress 'manual': queued until advanced; advance() moves one or all and ends them as their markers say", async () => {
			const clock = manualClock();
			await start({ progress: 'manual', generationMs: 10, clock });
			const plain: string = (await submit(fastBody())).json().id;
			const empty: string = (await submit(fastBody({ prompt: 'nothing [sim:no-video]' }))).json()
				.id;
			const failing: string = (await submit(fastBody({ prompt: 'bad [sim:error]' }))).json().id;
			clock.tick(60_000);
			for (let i = 0; i < 3; i += 1) expect((await poll(plain)).json().status).toBe('queued');
			expect(sim.generations.map((g) => g.status)).toEqual(['queued', 'queued', 'queued']);

			expect(sim.advance(plain, 'generating')).toBe(1);
			expect((await poll(plain)).json()).toEqual({ id: plain, status: 'generating' });
			expect(sim.advance('all', 'completed')).toBe(3);
			const done = (await poll(plain)).json();
			expect(done).toEqual({ id: plain, status: 'completed', video: { url: expect.any(String) } });
			expect((await call(done.video.url)).status).toBe(200);
			expect((await poll(empty)).json()).toEqual({ id: empty, status: 'completed' });
			expect((await poll(failing)).json()).toEqual({
				id: failing,
				status: 'error',
				error: {
					name: 'ContentPolicyViolation',
					message: 'The prompt was blocked by the safety filter.',
				},
			});
			// 'all' leaves ended generations alone; by id any generation moves.
			expect(sim.advance('all', 'generating')).toBe(0);
			expect(sim.advance(plain, 'error')).toBe(1);
			expect((await poll(plain)).json()).toEqual({
				id: plain,
				status: 'error',
				error: {
					name: 'ContentPolicyViolation',
					message: 'The prompt was blocked by the safety filter.',
				},
			});
			expect(() => sim.advance('nope', 'completed')).toThrow('no generation nope');
			expect(() => sim.advance(plain, 'queued' as never)).toThrow(RangeError);
		});

		it('advance() works in the other modes too, and a generation moved by hand keeps that status', async () => {
			await start({ progress: { polls: 1 } });
			const id: string = (await submit(fastBody())).json().id;
			sim.advance(id, 'generating');
			for (let i = 0; i < 3; i += 1) expect((await poll(id)).json().status).toBe('generating');
			sim.advance(id, 'completed');
			expect((await poll(id)).json().status).toBe('completed');

			const clock = manualClock();
			sim.setOptions({ progress: 'clock', generationMs: 60_000, clock });
			const slow: string = (await submit(fastBody())).json().id;
			expect((await poll(slow)).json().status).toBe('queued');
			sim.advance(slow, 'completed');
			expect((await poll(slow)).json().status).toBe('completed');
		});

		it('counts generations not yet ended under the active mode against the concurrency limit', async () => {
			await start({ progress: 'manual', concurrencyLimit: 1 });
			const first: string = (await submit(fastBody())).json().id;
			expect((await submit(fastBody())).status).toBe(429);
			sim.advance(first, 'completed');
			const second = await submit(fastBody());
			expect(second.status).toBe(201);
			sim.setOptions({ progress: { polls: 1 } });
			expect((await submit(fastBody())).status).toBe(429);
			expect((await poll(second.json().id)).json().status).toBe('completed');
			expect((await submit(fastBody())).status).toBe(201);
			expect(sim.counters()).toMatchObject({
				postsAccepted: 3,
				postsRejected: { 429: 2 },
				maxConcurrent: 1,
			});
		});

		it('refuses a progress mode it does not know', async () => {
			await expect(startSimulator({ progress: { polls: 0 } })).rejects.toThrow(RangeError);
			await start();
			expect(() => sim.setOptions({ progress: 'fast' as never })).toThrow(RangeError);
			expect(() => sim.setOptions({ progress: { polls: 1.5 } })).toThrow(RangeError);
		});

		it('whenRequest resolves for a request already logged, else as soon as one arrives or is answered', async () => {
			await start();
			await call(`${sim.baseUrl}/v2/billing`, { headers: auth() });
			expect(await sim.whenRequest((r) => r.path === '/v2/billing')).toBe(sim.requests[0]);

			let seen: SimulatorRequest | undefined;
			const waiting = sim.whenRequest((r) => r.method === 'POST').then((r) => (seen = r));
			await call(`${sim.baseUrl}/v2/billing`, { headers: auth() });
			expect(seen).toBeUndefined();
			await submit(fastBody());
			await waiting;
			expect(seen).toBe(sim.requests[2]);

			// A predicate on the answer is asked again when the answer goes out.
			const notFound = sim.whenRequest((r) => r.status === 404);
			await poll('00000000-0000-4000-8000-000000000000:veo3');
			expect((await notFound).query).toMatch(/^generation_id=/);

			await expect(
				sim.whenRequest(() => {
					throw new Error('bad predicate');
				}),
			).rejects.toThrow('bad predicate');

			// Only requests since the last reset count, and a waiter left from before the reset is dropped.
			let stale = false;
			void sim
				.whenRequest((r) => r.path === '/v2/billing' && r.method === 'HEAD')
				.then(() => (stale = true));
			void sim.whenGenerations(2).then(() => (stale = true));
			sim.reset();
			let again = false;
			const billing = sim.whenRequest((r) => r.path === '/v2/billing').then(() => (again = true));
			await submit(fastBody());
			await submit(fastBody());
			expect(again).toBe(false);
			await call(`${sim.baseUrl}/v2/billing`, { method: 'HEAD', headers: auth() });
			await billing;
			expect(stale).toBe(false);
		});

		it('lets a test change the API between two requests: the key revoked after the first status poll', async () => {
			await start({ progress: { polls: 5 } });
			const id: string = (await submit(fastBody())).json().id;
			const revoked = sim
				.whenRequest((r) => r.method === 'GET')
				.then(() => sim.setOptions({ apiKey: 'rotated-key' }));
			expect((await poll(id)).status).toBe(200);
			await revoked;
			expect((await poll(id)).status).toBe(401);
		});

		it('whenGenerations resolves once that many generations were accepted', async () => {
			await start();
			await expect(sim.whenGenerations(0)).resolves.toBeUndefined();
			let two = false;
			const twoAccepted = sim.whenGenerations(2).then(() => (two = true));
			const broke = sim.whenGenerations(2).then(() => sim.setOptions({ outOfCredits: true }));
			expect((await submit(fastBody())).status).toBe(201);
			expect((await submit(fastBody({ resolution: 'bad' }))).status).toBe(400);
			expect(two).toBe(false);
			expect((await submit(fastBody())).status).toBe(201);
			await Promise.all([twoAccepted, broke]);
			expect((await submit(fastBody())).status).toBe(403);
			expect(sim.generations).toHaveLength(2);
			await sim.whenGenerations(2);
		});
	});

	describe('status words', () => {
		it.each(['failed', 'CANCELLED', 'expired'])(
			'[sim:status=%s] ends with exactly that word, an error and no video',
			async (word) => {
				await start({ progress: { polls: 2 } });
				expect(statusMarker(word)).toBe(`[sim:status=${word}]`);
				const id: string = (await submit(fastBody({ prompt: `clip [sim:status=${word}]` }))).json()
					.id;
				expect((await poll(id)).json()).toEqual({ id, status: 'queued' });
				expect((await poll(id)).json()).toEqual({
					id,
					status: word,
					error: { name: 'GenerationFailed', message: `The generation ended as ${word}` },
				});
				expect(sim.generations[0]).toMatchObject({ status: 'error', apiStatus: word });
			},
		);

		it('[sim:polls=N] ends that generation at its N-th answered poll, whatever progress says', async () => {
			await start({ progress: { polls: 2 } });
			expect(pollsMarker(3)).toBe('[sim:polls=3]');
			const late: string = (await submit(fastBody({ prompt: 'clip [sim:polls=3]' }))).json().id;
			const early: string = (await submit(fastBody({ prompt: 'clip [sim:polls=1]' }))).json().id;
			expect((await poll(early)).json().status).toBe('completed');
			const statuses: string[] = [];
			for (let i = 0; i < 3; i += 1) statuses.push((await poll(late)).json().status);
			expect(statuses).toEqual(['queued', 'generating', 'completed']);
		});

		it('expireVideoUrls(): the URLs handed out stop working, the next status answer has a new one', async () => {
			await start({ progress: { polls: 1 } });
			const id: string = (await submit(fastBody())).json().id;
			const before: string = (await poll(id)).json().video.url;
			expect((await call(before)).status).toBe(200);
			expect(sim.expireVideoUrls()).toBe(1);
			expect((await call(before)).status).toBe(404);
			const after: string = (await poll(id)).json().video.url;
			expect(after).not.toBe(before);
			expect((await call(after)).status).toBe(200);
		});

		it('[sim:status-running=WORD] reports that word while the generation runs', async () => {
			await start({ progress: { polls: 3 } });
			expect(runningStatusMarker('IN_PROGRESS')).toBe('[sim:status-running=IN_PROGRESS]');
			const reply = await submit(fastBody({ prompt: 'clip [sim:status-running=IN_PROGRESS]' }));
			expect(reply.json().status).toBe('queued');
			const id: string = reply.json().id;
			expect((await poll(id)).json()).toEqual({ id, status: 'IN_PROGRESS' });
			expect((await poll(id)).json()).toEqual({ id, status: 'IN_PROGRESS' });
			expect((await poll(id)).json()).toEqual({
				id,
				status: 'completed',
				video: { url: expect.any(String) },
			});

			const both: string = (
				await submit(fastBody({ prompt: 'x [sim:status-running=running] [sim:status=FAILED]' }))
			).json().id;
			const statuses: string[] = [];
			for (let i = 0; i < 3; i += 1) statuses.push((await poll(both)).json().status);
			expect(statuses).toEqual(['running', 'running', 'FAILED']);
		});

		it('statusNames renames statuses in submit and poll answers, but not marker words', async () => {
			await start({
				progress: { polls: 3 },
				statusNames: {
					queued: 'QUEUED',
					generating: 'Running',
					completed: 'COMPLETED',
					error: 'FAILED',
				},
			});
			const reply = await submit(fastBody());
			expect(reply.json().status).toBe('QUEUED');
			const id: string = reply.json().id;
			const statuses: string[] = [];
			for (let i = 0; i < 3; i += 1) statuses.push((await poll(id)).json().status);
			expect(statuses).toEqual(['QUEUED', 'Running', 'COMPLETED']);
			expect(sim.generations[0]).toMatchObject({ status: 'completed', apiStatus: 'COMPLETED' });

			sim.setOptions({ progress: { polls: 1 } });
			const failing: string = (await submit(fastBody({ prompt: 'bad [sim:error]' }))).json().id;
			expect((await poll(failing)).json()).toMatchObject({
				status: 'FAILED',
				error: { name: 'ContentPolicyViolation' },
			});
			const expired: string = (
				await submit(fastBody({ prompt: 'old [sim:status=expired]' }))
			).json().id;
			expect((await poll(expired)).json().status).toBe('expired');
		});
	});

	describe('hostile API knobs', () => {
		it('getHangShare: a status GET is never answered and does not count as a poll', async () => {
			await start({ progress: { polls: 1 }, faults: { getHangShare: 1 } });
			const id: string = (await submit(fastBody())).json().id;
			const arrived = nextRequest();
			const hanging = poll(id).then(
				() => 'answered',
				() => 'failed',
			);
			const entry = await arrived;
			// Another request is answered meanwhile; the hung one still is not.
			expect((await call(`${sim.baseUrl}/v2/billing`, { headers: auth() })).status).toBe(200);
			expect(entry.status).toBe(0);
			expect(sim.generations[0]).toMatchObject({
				pollCount: 1,
				answeredPolls: 0,
				status: 'queued',
			});
			sim.setOptions({ faults: {} });
			expect((await poll(id)).json().status).toBe('completed');
			await sim.close();
			expect(await hanging).toBe('failed');
			expect(entry.status).toBe(0);
		});

		it('draws getHangShare from the seed reproducibly', async () => {
			const pattern = async () => {
				const id: string = (await submit(fastBody())).json().id;
				const statuses: Array<number | 'reset'> = [];
				for (let i = 0; i < 20; i += 1) {
					const arrived = nextRequest();
					poll(id).catch(() => undefined);
					// Without a delay an answered poll is answered before the test sees it arrive.
					statuses.push((await arrived).status);
				}
				return statuses;
			};
			await start({ seed: 9, faults: { getHangShare: 0.5 } });
			const first = await pattern();
			sim.reset();
			expect(await pattern()).toEqual(first);
			expect(first).toContain(0);
			expect(first).toContain(200);
		});

		it('postHangAfterAcceptShare: the generation is created, then the POST is never answered', async () => {
			await start({ faults: { postHangAfterAcceptShare: 1 } });
			const hanging = submit(fastBody()).then(
				() => 'answered',
				() => 'failed',
			);
			await sim.whenGenerations(1);
			const post = sim.requests[0];
			expect((await call(`${sim.baseUrl}/v2/billing`, { headers: auth() })).status).toBe(200);
			expect(post).toMatchObject({ method: 'POST', status: 0 });
			expect(sim.counters()).toMatchObject({ posts: 1, postsAccepted: 1, postsRejected: {} });
			expect((await poll(sim.generations[0].id)).status).toBe(200);
			await sim.close();
			expect(await hanging).toBe('failed');
		});

		it('postFailAfterAcceptShare: the generation is created, then the POST is answered 5xx', async () => {
			await start({ faults: { postFailAfterAcceptShare: 1 } });
			const reply = await submit(fastBody());
			expect(reply.status).toBe(500);
			expect(reply.json()).toEqual({
				message: 'Internal server error',
				path: LEGACY_GOOGLE_PATH,
				requestId: expect.any(String),
				statusCode: 500,
				timestamp: expect.any(String),
			});
			sim.setOptions({ faults: { postFailAfterAcceptShare: 1, postFailAfterAcceptStatus: 502 } });
			const second = await submit(fastBody());
			expect(second.status).toBe(502);
			expect(second.json()).toMatchObject({ statusCode: 502, message: 'Bad Gateway' });
			expect(sim.generations).toHaveLength(2);
			expect(sim.counters()).toMatchObject({ posts: 2, postsAccepted: 2, postsRejected: {} });
			expect((await poll(sim.generations[1].id)).status).toBe(200);
		});

		it('draws postFailAfterAcceptShare from the seed reproducibly', async () => {
			const outcomes = async () => {
				const statuses: number[] = [];
				for (let i = 0; i < 20; i += 1) statuses.push((await submit(fastBody())).status);
				return statuses;
			};
			await start({ seed: 7, faults: { postFailAfterAcceptShare: 0.5 } });
			const first = await outcomes();
			expect(sim.generations).toHaveLength(20);
			sim.reset();
			expect(await outcomes()).toEqual(first);
			expect(first).toContain(201);
			expect(first).toContain(500);
		});

		it("postAnswer 'id-only': an accepted POST is answered 201 with the id alone", async () => {
			await start({ progress: { polls: 1 }, faults: { postAnswer: 'id-only' } });
			const reply = await submit(fastBody());
			expect(reply.status).toBe(201);
			expect(reply.json()).toEqual({ id: sim.generations[0].id });
			expect((await poll(reply.json().id)).json().status).toBe('completed');
			expect(sim.counters().postsAccepted).toBe(1);
		});

		it('postRedirect: the 3xx with Location, nothing created; the CDN logs any request it gets', async () => {
			await start();
			const location = `${sim.cdnUrl}/capture`;
			sim.setOptions({ faults: { postRedirect: { status: 307, location } } });
			const reply = await submit(fastBody());
			expect(reply.status).toBe(307);
			expect(reply.headers.location).toBe(location);
			// The endpoint moved: even a bad key is redirected before it is looked at.
			expect((await submit(fastBody(), { key: 'wrong' })).status).toBe(307);
			expect(sim.generations).toHaveLength(0);
			expect(sim.counters()).toMatchObject({
				posts: 2,
				postsAccepted: 0,
				postsRejected: { 307: 2 },
				cdnRequests: 0,
			});
			// A client that followed the redirect would show up at the CDN, POST to an unknown path included.
			await call(location, { method: 'POST', headers: auth(), body: fastBody() });
			expect(sim.requests.filter((r) => r.origin === 'cdn')).toEqual([
				expect.objectContaining({
					method: 'POST',
					path: '/capture',
					status: 404,
					authorization: `Bearer ${KEY}`,
				}),
			]);
		});

		it('notFoundPollsAfterAccept: the first N polls of each new generation answer 404 and do not count', async () => {
			await start({ progress: { polls: 1 } });
			const before: string = (await submit(fastBody())).json().id;
			sim.setOptions({ faults: { notFoundPollsAfterAccept: 2 } });
			const id: string = (await submit(fastBody())).json().id;
			for (let i = 0; i < 2; i += 1) {
				const reply = await poll(id);
				expect(reply.status).toBe(404);
				expect(reply.json()).toMatchObject({ statusCode: 404, message: 'Generation not found' });
				expect(reply.headers['x-inference-id']).toBe(id);
			}
			expect((await poll(id)).json().status).toBe('completed');
			expect(sim.generations[1]).toMatchObject({ pollCount: 3, answeredPolls: 1 });
			// A generation accepted before the knob was set is known at once.
			expect((await poll(before)).status).toBe(200);
		});

		it('echoRequestInErrors: 4xx/5xx bodies carry the request, key included; other answers do not', async () => {
			await start({ faults: { echoRequestInErrors: true } });
			const refused = await submit(fastBody(), { key: 'sk-echo-me' });
			expect(refused.status).toBe(401);
			expect(refused.json()).toMatchObject({ statusCode: 401, message: MESSAGES.unauthorized });
			expect(refused.json().request).toEqual({
				method: 'POST',
				path: LEGACY_GOOGLE_PATH,
				headers: expect.objectContaining({
					authorization: 'Bearer sk-echo-me',
					'content-type': 'application/json',
				}),
				body: fastBody(),
			});
			const invalid = await submit(fastBody({ duration: 5 }));
			expect(invalid.status).toBe(400);
			expect(invalid.json().request).toMatchObject({
				body: fastBody({ duration: 5 }),
				headers: { authorization: `Bearer ${KEY}` },
			});
			const missing = await poll('nope');
			expect(missing.status).toBe(404);
			expect(missing.json().request).toEqual({
				method: 'GET',
				path: `${LEGACY_GOOGLE_PATH}?generation_id=nope`,
				headers: expect.objectContaining({ authorization: `Bearer ${KEY}` }),
				body: null,
			});
			const accepted = await submit(fastBody());
			expect(accepted.status).toBe(201);
			expect(accepted.json().request).toBeUndefined();
			sim.setOptions({
				faults: { echoRequestInErrors: true, getFailShare: 1, getFailStatuses: [503] },
			});
			const failed = await poll(accepted.json().id);
			expect(failed.status).toBe(503);
			expect(failed.json().request.headers.authorization).toBe(`Bearer ${KEY}`);
			sim.setOptions({ faults: {} });
			expect((await submit(fastBody(), { key: 'x' })).json().request).toBeUndefined();
		});

		it('pollOtherIdShare: a status answer about another generation, which does not move progress on', async () => {
			await start({ progress: { polls: 2 }, faults: { pollOtherIdShare: 1 } });
			const id: string = (await submit(fastBody())).json().id;
			for (let i = 0; i < 3; i += 1) {
				const reply = await poll(id);
				expect(reply.status).toBe(200);
				expect(reply.json()).toMatchObject({ id: otherIdOf(id), status: 'queued' });
			}
			expect(sim.generations[0].answeredPolls).toBe(0);
			// An unknown id is still unknown.
			expect((await poll('nope')).status).toBe(404);
			sim.setOptions({ faults: {} });
			expect((await poll(id)).json()).toMatchObject({ id, status: 'queued' });
		});

		it('postDelayMs holds each POST before it is looked at; maxInFlight counts the API requests held at once', async () => {
			await start({ faults: { postDelayMs: 100 } });
			const arrived = nextRequest();
			const submits = [submit(fastBody()), submit(fastBody()), submit(fastBody())];
			expect((await arrived).status).toBe(0);
			const replies = await Promise.all(submits);
			expect(replies.map((reply) => reply.status)).toEqual([201, 201, 201]);
			expect(sim.counters().maxInFlight).toBe(3);
			sim.reset();
			sim.setOptions({ faults: {} });
			await submit(fastBody());
			await submit(fastBody());
			expect(sim.counters().maxInFlight).toBe(1);
		});

		it.each([
			['raw', 'sk+echo/KEY=1234'],
			['encoded', encodeURIComponent('sk+echo/KEY=1234')],
		] as const)(
			'keyInIds and keyInVideoUrls (%s): ids and video URLs carry the key; both still work',
			async (form, text) => {
				await start({
					apiKey: 'sk+echo/KEY=1234',
					progress: { polls: 1 },
					faults: { keyInIds: form, keyInVideoUrls: form },
				});
				const accepted = await submit(fastBody(), { key: 'sk+echo/KEY=1234' });
				const { id } = accepted.json();
				expect(id).toContain(`-${text}:`);
				const done = (await poll(id, { key: 'sk+echo/KEY=1234' })).json();
				expect(done).toMatchObject({ id, status: 'completed' });
				expect(done.video.url).toMatch(
					new RegExp(`\\.mp4\\?token=${text.replace(/[+]/g, '\\+')}$`),
				);
				expect((await call(done.video.url)).status).toBe(200);
			},
		);
	});

	describe('command line', () => {
		it('reads --progress and --faults', () => {
			expect(
				parseArgs([
					'--progress',
					'polls:3',
					'--faults',
					'{"getHangShare":0.5,"cdnDrip":{"bytes":10,"everyMs":5}}',
					'--generation-ms=10',
				]),
			).toEqual({
				progress: { polls: 3 },
				faults: { getHangShare: 0.5, cdnDrip: { bytes: 10, everyMs: 5 } },
				generationMs: 10,
			});
			expect(parseArgs(['--progress=manual']).progress).toBe('manual');
			expect(parseArgs(['--progress', 'clock']).progress).toBe('clock');
			expect(() => parseArgs(['--progress', 'polls:0'])).toThrow('--progress');
			expect(() => parseArgs(['--faults', '[1]'])).toThrow('JSON object');
			expect(() => parseArgs(['--faults', '{oops'])).toThrow('JSON object');
			expect(() => parseArgs(['--faults', '{"getHangShar":1}'])).toThrow(
				'unknown knob getHangShar',
			);
		});
	});

	it('keeps an ordered request log and can be reset', async () => {
		await start();
		await call(`${sim.baseUrl}/v2/billing`, { headers: auth() });
		await submit(fastBody());
		expect(sim.requests.map((r) => [r.origin, r.method, r.path, r.status])).toEqual([
			['api', 'GET', '/v2/billing', 200],
			['api', 'POST', LEGACY_GOOGLE_PATH, 201],
		]);
		sim.reset();
		expect(sim.requests).toHaveLength(0);
		expect(sim.generations).toHaveLength(0);
		expect(sim.counters()).toEqual({
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
	});
});
