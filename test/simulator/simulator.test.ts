import * as http from 'http';

import {
	LEGACY_GOOGLE_PATH,
	MESSAGES,
	SIMULATED_MODELS,
	UNIVERSAL_VIDEO_PATH,
	loadFixture,
	startSimulator,
	type Simulator,
	type SimulatorOptions,
} from './index';

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
		const req = http.request(url, { method: init.method ?? 'GET', headers, agent: false }, (res) => {
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
				resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, text, json: () => JSON.parse(text) });
			});
		});
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

const auth = (key = KEY) => ({ authorization: `Bearer ${key}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
	const waitUntilDone = async (id: string, path = LEGACY_GOOGLE_PATH) => {
		for (let i = 0; i < 200; i += 1) {
			const reply = await poll(id, { path });
			const body = reply.json();
			if (body.status === 'completed' || body.status === 'error') return body;
			await sleep(25);
		}
		throw new Error('generation did not finish');
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
		it('accepts with 201 and walks queued -> generating -> completed', async () => {
			await start({ generationMs: 500 });
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
			await sleep(150);
			expect((await poll(body.id)).json()).toEqual({ id: body.id, status: 'generating' });
			await sleep(400);
			const done = (await poll(body.id)).json();
			expect(done).toEqual({ id: body.id, status: 'completed', video: { url: expect.any(String) } });
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
				pollCount: 3,
			});
			expect(sim.counters()).toMatchObject({ posts: 1, postsAccepted: 1, gets: 3 });
		});

		it('accepts a minimal valid body for every model of the table', async () => {
			await start();
			const extras: Record<string, Record<string, unknown>> = {
				'google/veo-3.0-i2v': { image_url: IMAGE },
				'google/veo-3.0-i2v-fast': { image_url: DATA_IMAGE },
				'google/veo-3.1-i2v': { image_url: IMAGE },
				'google/veo-3.1-i2v-fast': { image_url: IMAGE },
				'google/veo-3.1-first-last-image-to-video': { image_url: IMAGE, last_image_url: IMAGE },
				'google/veo-3.1-first-last-image-to-video-fast': { image_url: IMAGE, last_image_url: DATA_IMAGE },
				'google/veo-3.1-reference-to-video': { image_urls: [IMAGE, DATA_IMAGE] },
			};
			expect(SIMULATED_MODELS).toHaveLength(11);
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
			await start({ generationMs: 50 });
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

		it('answers 404 for an unknown id and for another key\'s generation, 400 without generation_id', async () => {
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
			await start({ generationMs: 40 });
			const failing: string = (await submit(fastBody({ prompt: 'bad things [sim:error]' }))).json().id;
			const empty: string = (await submit(fastBody({ prompt: 'nothing [sim:no-video]' }))).json().id;
			expect(await waitUntilDone(failing)).toEqual({
				id: failing,
				status: 'error',
				error: { name: 'ContentPolicyViolation', message: 'The prompt was blocked by the safety filter.' },
			});
			expect(await waitUntilDone(empty)).toEqual({ id: empty, status: 'completed' });
		});

		it('takes three times as long for a [sim:slow] prompt', async () => {
			await start({ generationMs: 200 });
			const id: string = (await submit(fastBody({ prompt: 'slow [sim:slow]' }))).json().id;
			await sleep(250);
			expect((await poll(id)).json().status).toBe('generating');
			await sleep(450);
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
				await submit({ model: 'google/veo-3.1-i2v-fast', prompt: 'x' }, { path: UNIVERSAL_VIDEO_PATH }),
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
					{ model: 'google/veo-3.1-i2v', prompt: 'x', image_url: IMAGE, seed: 1, negative_prompt: 'n' },
					{ path: UNIVERSAL_VIDEO_PATH },
				),
				['seed: Unrecognized key', 'negative_prompt: Unrecognized key'],
			);
			await expectValidation(
				await submit(
					{ model: 'google/veo-3.1-reference-to-video', prompt: 'x', image_urls: [IMAGE], duration: 6, aspect_ratio: '16:9' },
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
				await submit({ model: 'google/veo-3.0-i2v', prompt: 'x', image_url: 'ftp://example.com/a.png' }),
				['image_url: Invalid url'],
			);
			await expectValidation(
				await submit({ model: 'google/veo-3.0-i2v', prompt: 'x', image_url: 'data:image/gif;base64,R0lG' }),
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
			expect(unknown.json().errors[0]).toMatch(/^model: Invalid discriminator value\. Expected 'google\/veo-3\.0-fast'/);
		});
	});

	describe('concurrency and POST faults', () => {
		it('answers 429 beyond the concurrency limit and tracks maxConcurrent', async () => {
			await start({ concurrencyLimit: 2, generationMs: 300 });
			expect((await submit(fastBody())).status).toBe(201);
			expect((await submit(fastBody())).status).toBe(201);
			const third = await submit(fastBody());
			expect(third.status).toBe(429);
			expect(third.json()).toMatchObject({ statusCode: 429, message: 'Too Many Requests' });
			expect(sim.generations).toHaveLength(2);
			expect(sim.counters()).toMatchObject({ maxConcurrent: 2, postsAccepted: 2, postsRejected: { 429: 1 } });
			await sleep(350);
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
			expect(sim.counters()).toMatchObject({ posts: 1, postsAccepted: 0, postsRejected: { 503: 1 } });
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

			sim.setOptions({ faults: { getDelayMs: 200 } });
			const started = Date.now();
			expect((await poll(id)).status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(190);
		});
	});

	describe('CDN', () => {
		const completedVideoUrl = async () => {
			const id: string = (await submit(fastBody())).json().id;
			const done = await waitUntilDone(id);
			return done.video.url as string;
		};

		it('serves the fixture as video/mp4 with its length and records Authorization headers', async () => {
			await start({ generationMs: 20 });
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
			await start({ generationMs: 20, videoBytes: 5_000_000 });
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
			await start({ generationMs: 20 });
			expect((await call(`${sim.cdnUrl}/generations/lion/1-abc.mp4`)).status).toBe(404);
			const url = await completedVideoUrl();
			sim.setOptions({ faults: { cdnStatus: 404 } });
			expect((await call(url)).status).toBe(404);
		});

		it('breaks the download midway when cdnCloseMidway is set', async () => {
			await start({ generationMs: 20, videoBytes: 2_000_000, faults: { cdnCloseMidway: true } });
			const url = await completedVideoUrl();
			await expect(call(url)).rejects.toThrow();
			expect(sim.requests.at(-1)).toMatchObject({ origin: 'cdn', status: 'reset' });
		});

		it('puts videoOrigin into video.url when given', async () => {
			await start({ generationMs: 20, videoOrigin: 'http://localhost:9' });
			const url = await completedVideoUrl();
			expect(url).toMatch(/^http:\/\/localhost:9\/generations\//);
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
		});
	});
});
