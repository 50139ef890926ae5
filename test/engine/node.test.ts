/**
 * The node on n8n-core's real workflow engine, against the simulator: every case a user meets.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { AimlVeoApi } from '../../credentials/AimlVeoApi.credentials';
import { MODELS } from '../../nodes/AimlApiVeo/request/models';
import { runWorkflow, testCredential } from '../harness/engine';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, generationRequests, startSimulator } from '../simulator';
import { VEO, generateParams, getParams, veoNode, workflow } from './workflows';

const FIXTURE = readFileSync(join(__dirname, '..', 'fixtures', 'sample.mp4'));

let sim: Simulator;
const credentials = (apiKey = DEFAULT_API_KEY) => ({
	aimlVeoApi: { apiKey, baseUrl: sim.baseUrl },
});

beforeAll(async () => {
	// Generations end on their second answered poll: outcomes never depend on how fast the machine is.
	sim = await startSimulator({ progress: { polls: 2 } });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.setOptions({
		progress: { polls: 2 },
		outOfCredits: false,
		concurrencyLimit: undefined,
		faults: {},
		apiKey: DEFAULT_API_KEY,
	});
});

const posts = () => sim.requests.filter((r) => r.origin === 'api' && r.method === 'POST');

describe('Generate Video', () => {
	it('generates, waits and hands the MP4 on as binary data, sending only the prompt and model', async () => {
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'a fox in snow' }], [veoNode(VEO, generateParams())]),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		const [row] = result.items(VEO);
		expect(row.json).toMatchObject({
			status: 'completed',
			video: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/generations\/.+\.mp4$/) },
		});
		expect(row.json.id).toMatch(/^[0-9a-f-]{36}:veo-3\.0-fast-generate-001$/);
		expect(row.json.videoUrl).toBe((row.json.video as { url: string }).url);
		expect(row.pairedItem).toEqual({ item: 0 });
		expect(row.binary?.data).toMatchObject({
			mimeType: 'video/mp4',
			fileExtension: 'mp4',
			fileName: expect.stringMatching(/^veo-[0-9a-f-]+\.mp4$/),
		});
		expect((await result.binaryBuffer(row, 'data')).equals(FIXTURE)).toBe(true);

		expect(posts()).toHaveLength(1);
		expect(posts()[0].path).toBe('/v2/generate/video/google/generation');
		expect(sim.generations[0].body).toEqual({
			model: 'google/veo-3.0-fast',
			prompt: 'a fox in snow',
		});
		expect(sim.counters().cdnAuthorizationHeaders).toBe(0);
		expect(sim.counters().cdnRequests).toBe(1);
		// The generation ends on its second answered poll, and the node asks no more than that.
		expect(sim.counters().gets).toBe(2);
	});

	it('sends each option in the form the model expects', async () => {
		const params = generateParams(
			{
				model: 'google/veo3',
				options: {
					aspectRatio: '9:16',
					resolution: '1080p',
					duration: 6,
					negativePrompt: 'text',
					seed: 7,
					enhancePrompt: false,
					generateAudio: false,
				},
				downloadVideo: false,
			},
			{},
		);
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'p' }], [veoNode(VEO, params)]),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		expect(sim.generations[0].body).toEqual({
			model: 'google/veo3',
			prompt: 'p',
			aspect_ratio: '9:16',
			resolution: '1080P',
			duration: 6,
			negative_prompt: 'text',
			seed: 7,
			enhance_prompt: false,
			generate_audio: false,
		});
		expect(result.items(VEO)[0].binary).toBeUndefined();
		expect(sim.counters().cdnRequests).toBe(0);
	});

	it('without waiting returns the queued generation; Get Generation then waits for it and downloads', async () => {
		const chain = [
			veoNode('Submit', generateParams({ waitForCompletion: false })),
			veoNode('Collect', getParams({ binaryPropertyName: 'video' })),
		];
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'lagoon' }], chain),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		const submitted = result.items('Submit')[0].json;
		expect(submitted).toMatchObject({
			status: 'queued',
			meta: { usage: { credits_used: expect.any(Number) } },
		});
		const [collected] = result.items('Collect');
		expect(collected.json).toMatchObject({ id: submitted.id, status: 'completed' });
		expect(collected.binary?.video?.mimeType).toBe('video/mp4');
		expect(posts()).toHaveLength(1);
		// The id contains ':' and is sent URL-encoded.
		const polls = generationRequests(sim.requests, 'GET');
		expect(polls[0].query).toContain(encodeURIComponent(submitted.id as string));
	});

	it('fails with the generation id and the API reason when the generation ends in error', async () => {
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'blocked [sim:error]' }], [veoNode(VEO, generateParams())]),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		const id = sim.generations[0].id;
		expect(result.error?.message).toBe(
			`Generation ${id} failed: ContentPolicyViolation: The prompt was blocked by the safety filter. [item 0]`,
		);
	});

	it('reports a completed generation without a video as its own error', async () => {
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'filtered [sim:no-video]' }], [veoNode(VEO, generateParams())]),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`Generation ${sim.generations[0].id} completed without a video [item 0]`,
		);
		expect(result.error?.description).toContain('safety filter');
	});

	it("shows the API's own field messages on a 400", async () => {
		// A model table that drifted from the API: the node sends a value the API refuses.
		const model = MODELS.find((m) => m.id === 'google/veo-3.0-fast');
		model?.aspectRatios?.push('1:1');
		try {
			const params = generateParams({ options: { aspectRatio: '1:1' } });
			const result = await runWorkflow({
				workflow: workflow([{ prompt: 'p' }], [veoNode(VEO, params)]),
				credentials: credentials(),
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toContain('Body validation error!');
			expect(result.error?.message).toContain(
				"aspect_ratio: Invalid enum value. Expected '16:9' | '9:16', received '1:1'",
			);
			expect((result.error as { httpCode?: string }).httpCode).toBe('400');
			expect(sim.generations).toHaveLength(0);
		} finally {
			model?.aspectRatios?.pop();
		}
	});

	it('says the key was rejected on a 401, without showing the key', async () => {
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'p' }], [veoNode(VEO, generateParams())]),
			credentials: credentials('wrong-secret-key-123'),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The API key was rejected [item 0]');
		expect(result.error?.description).toContain('"AIML API" credential');
		expect(JSON.stringify(result.run)).not.toContain('wrong-secret-key-123');
	});

	it('says the account is out of credits on a 403', async () => {
		sim.setOptions({ outOfCredits: true });
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'p' }], [veoNode(VEO, generateParams())]),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('out of credits');
		expect(result.error?.description).toContain('https://aimlapi.com/app/billing/');
	});

	it('fails on timeout naming the id and how to collect it', async () => {
		// The generation never ends by itself, so only Max Wait can end the run.
		sim.setOptions({ progress: 'manual' });
		const params = generateParams({ downloadVideo: false }, { maxWait: 2 });
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'slow' }], [veoNode(VEO, params)]),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		const id = sim.generations[0].id;
		expect(result.error?.message).toContain(`Generation ${id} did not finish within "Max Wait"`);
		expect(result.error?.description).toContain('Get Generation');
		expect(posts()).toHaveLength(1);
	});

	it('returns the pending generation with timedOut: true when asked to', async () => {
		sim.setOptions({ progress: 'manual' });
		const params = generateParams({}, { maxWait: 2, onTimeout: 'return' });
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'slow' }], [veoNode(VEO, params)]),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		expect(result.items(VEO)[0].json).toMatchObject({
			id: sim.generations[0].id,
			status: expect.stringMatching(/^(queued|generating)$/),
			timedOut: true,
		});
	});

	it('with Continue On Fail turns each failed item into a row with the error, the id and pairedItem', async () => {
		const rows = [
			{ prompt: 'ok one' },
			{ prompt: 'bad [sim:error]' },
			{ prompt: '   ' },
			{ prompt: 'ok two' },
		];
		const result = await runWorkflow({
			workflow: workflow(rows, [
				veoNode(VEO, generateParams(), { onError: 'continueRegularOutput' }),
			]),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		const items = result.items(VEO);
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(items[0].json.status).toBe('completed');
		expect(items[0].binary?.data).toBeDefined();
		const failedId = sim.generations.find((g) => g.prompt.includes('[sim:error]'))?.id;
		expect(items[1].json).toMatchObject({
			id: failedId,
			status: 'error',
			error: expect.stringContaining('ContentPolicyViolation'),
		});
		expect(items[2].json).toMatchObject({ error: 'The prompt is empty' });
		expect(items[2].json.description).toContain('Field: Prompt');
		expect(items[2].json.id).toBeUndefined();
		expect(items[3].json.status).toBe('completed');
		expect(sim.generations).toHaveLength(3);
	});

	it('sends nothing when a prompt is empty (without Continue On Fail)', async () => {
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'fine' }, { prompt: '' }], [veoNode(VEO, generateParams())]),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The prompt is empty [item 1]');
		expect(sim.requests).toHaveLength(0);
	});
});

describe('Get Generation', () => {
	it('returns the current status without waiting, and fails clearly for an unknown id', async () => {
		const submit = await runWorkflow({
			workflow: workflow(
				[{ prompt: 'p' }],
				[veoNode('Submit', generateParams({ waitForCompletion: false }))],
			),
			credentials: credentials(),
		});
		const id = submit.items('Submit')[0].json.id as string;
		const check = await runWorkflow({
			workflow: workflow([{ id }], [veoNode(VEO, getParams({ waitForCompletion: false }))]),
			credentials: credentials(),
		});
		expect(check.items(VEO)[0].json).toMatchObject({
			id,
			status: expect.stringMatching(/^(queued|generating)$/),
		});

		const missing = await runWorkflow({
			workflow: workflow([{ id: 'nope:google/veo-3.1-t2v' }], [veoNode(VEO, getParams())]),
			credentials: credentials(),
		});
		expect(missing.status).toBe('error');
		expect(missing.error?.message).toBe(
			'No generation with this id: nope:google/veo-3.1-t2v [item 0]',
		);
	});

	it('fails before any request when the id is empty', async () => {
		const result = await runWorkflow({
			workflow: workflow([{ id: '  ' }], [veoNode(VEO, getParams())]),
			credentials: credentials(),
		});
		expect(result.error?.message).toBe('The generation ID is empty [item 0]');
		expect(sim.requests).toHaveLength(0);
	});
});

describe('the credential', () => {
	it('passes its test with a good key and fails with a bad one', async () => {
		const good = await testCredential(new AimlVeoApi(), {
			apiKey: DEFAULT_API_KEY,
			baseUrl: sim.baseUrl,
		});
		expect(good.status).toBe('OK');
		const bad = await testCredential(new AimlVeoApi(), {
			apiKey: 'not-the-key',
			baseUrl: `${sim.baseUrl}/`,
		});
		expect(bad.status).toBe('Error');
		expect(bad.httpStatus).toBe(401);
		const billing = sim.requests.filter((r) => r.path === '/v2/billing');
		expect(billing[0]).toMatchObject({ authorization: `Bearer ${DEFAULT_API_KEY}`, status: 200 });
		expect(
			billing.slice(1).every((r) => r.authorization === 'Bearer not-the-key' && r.status === 401),
		).toBe(true);
	});
});
