/**
 * The simulator's catalogue and deprecation feed, as the vendor documents them: filters by id and
 * alias, pricing only when asked, ETag and 304, the feed's Cache-Control, the failure knobs, and
 * submits charged, refused or served by what the two say.
 */
import { perSecondByResolution, startSimulator, type Simulator } from './index';

const KEY = 'sim-test-key';
let sim: Simulator;

const PRICED = {
	id: 'google/veo3',
	aliases: ['veo-3.0-generate-001'],
	pricing: perSecondByResolution({ '720p': 0.1, '1080p': 0.2 }),
};

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 1 } });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.setOptions({ catalogue: { models: [PRICED] } });
});

const get = (path: string, headers: Record<string, string> = {}) =>
	fetch(`${sim.baseUrl}${path}`, { headers });
const submit = (body: Record<string, unknown>) =>
	fetch(`${sim.baseUrl}/v2/video/generations`, {
		method: 'POST',
		headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});

describe('GET /v1/models', () => {
	it('filters by id or alias, gives pricing only when asked, and answers 304 to its ETag', async () => {
		const plain = await get('/v1/models?id=VEO-3.0-generate-001');
		const list = (await plain.json()) as { data: Array<Record<string, unknown>> };
		expect(list.data.map((model) => model.id)).toEqual(['google/veo3']);
		expect(list.data[0].pricing).toBeUndefined();
		const priced = await get('/v1/models?include=pricing&id=google/veo3');
		const tag = priced.headers.get('etag') as string;
		expect(tag).toMatch(/^W\/"/);
		expect(
			((await priced.json()) as { data: Array<{ pricing: unknown }> }).data[0].pricing,
		).toEqual(PRICED.pricing);
		const again = await get('/v1/models?include=pricing&id=google/veo3', { 'if-none-match': tag });
		expect(again.status).toBe(304);
		expect(await again.text()).toBe('');
	});

	it('by default lists every model with a variable price', async () => {
		sim.setOptions({ catalogue: undefined });
		const list = (await (await get('/v1/models?include=pricing')).json()) as {
			data: Array<{ pricing: unknown }>;
		};
		expect(list.data.length).toBeGreaterThan(10);
		for (const model of list.data) expect(model.pricing).toEqual({ kind: 'variable' });
	});

	it.each([
		['unavailable', 503, 'application/json'],
		['html', 200, 'text/html'],
		['malformed', 200, 'application/json'],
	] as const)('fails as told: %s', async (fault, status, type) => {
		sim.setOptions({ catalogue: { models: [PRICED], catalogueFault: fault } });
		const answer = await get('/v1/models?include=pricing');
		expect(answer.status).toBe(status);
		expect(answer.headers.get('content-type')).toContain(type);
	});
});

describe('GET /v1/models/deprecations', () => {
	it('serves the feed with a tag over its data, 304, and Cache-Control max-age=300', async () => {
		sim.setOptions({
			catalogue: {
				deprecations: [
					{
						id: 'google/veo3',
						status: 'superseded',
						shutdown_at: '2027-01-01',
						replaced_by: 'google/veo-3.1-t2v',
					},
				],
			},
		});
		const first = await get('/v1/models/deprecations');
		expect(first.headers.get('cache-control')).toBe('public, max-age=300');
		const feed = (await first.json()) as { object: string; data: Array<Record<string, unknown>> };
		expect(feed.object).toBe('list');
		// A superseded entry never carries a shutdown date.
		expect(feed.data).toEqual([
			{
				id: 'google/veo3',
				aliases: [],
				status: 'superseded',
				deprecated_at: null,
				shutdown_at: null,
				replaced_by: 'google/veo-3.1-t2v',
				reason: null,
			},
		]);
		const again = await get('/v1/models/deprecations', {
			'if-none-match': first.headers.get('etag') as string,
		});
		expect(again.status).toBe(304);
	});
});

describe('submits and the catalogue', () => {
	it('charges the catalogue price of the variant, the default resolution when none is sent', async () => {
		await submit({ model: 'google/veo3', prompt: 'a', resolution: '1080P', duration: 4 });
		await submit({ model: 'google/veo3', prompt: 'b' });
		expect(sim.generations.map((g) => g.usd)).toEqual([0.8, 0.8]);
	});

	it('answers 404 to a withdrawn model and serves a superseded id as its replacement', async () => {
		sim.setOptions({
			catalogue: {
				models: [PRICED],
				deprecations: [
					{
						id: 'google/veo-3.0-fast',
						status: 'withdrawn',
						replaced_by: 'google/veo-3.1-t2v-fast',
					},
					{ id: 'veo-old', status: 'superseded', replaced_by: 'google/veo3' },
				],
			},
		});
		expect((await submit({ model: 'google/veo-3.0-fast', prompt: 'a' })).status).toBe(404);
		const served = await submit({ model: 'veo-old', prompt: 'b' });
		expect(served.status).toBeLessThan(300);
		expect(sim.generations.map((g) => [g.body.model, g.model])).toEqual([
			['veo-old', 'google/veo3'],
		]);
	});
});
