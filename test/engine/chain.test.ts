/**
 * Veo into Veo, reference images, models the table does not know, and workflows saved before the
 * model picker, on n8n's engine against the simulator (whose validation is strict per model).
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { WorkflowJson } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, loadFixture, startSimulator } from '../simulator';
import {
	VEO,
	fieldsOf,
	generateParams,
	mp4Header,
	pin,
	readExample,
	veoNode,
	workflow,
} from './workflows';

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });

beforeAll(async () => {
	sim = await startSimulator({
		progress: { polls: 1 },
		// A Veo model newer than the node's table, with a field the node has never heard of.
		extraModels: [
			{
				id: 'google/veo-4-preview',
				upstream: 'google/veo-4-preview',
				documentedPath: '/v2/video/generations',
				required: ['scene_style'],
				fields: {
					prompt: { kind: 'prompt' },
					duration: { kind: 'intEnum', values: [10, 12] },
					scene_style: { kind: 'enum', values: ['noir', 'pastel'] },
				},
			},
		],
	});
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

/** Shortens the example's waits for the simulator and pins its "Video request" to the fields it sets. */
function prepare(example: WorkflowJson): WorkflowJson {
	for (const node of example.nodes) {
		if (node.type.endsWith('.aimlApiVeo'))
			(node.parameters as { waitOptions: object }).waitOptions = { pollInterval: 1 };
	}
	return pin(example, 'Video request', [fieldsOf(example, 'Video request')]);
}

describe('examples/extend-video.json: Generate → Extend → Extend', () => {
	it('extends the downloaded MP4, then the URL the extend returned, and hands one MP4 to Save MP4', async () => {
		const result = await runWorkflow({
			workflow: prepare(readExample('extend-video.json')),
			credentials: credentials(),
		});
		expect(result.error?.message).toBeUndefined();
		const [generate, fromBinary, fromUrl] = sim.generations;
		expect(sim.generations).toHaveLength(3);
		expect(generate.body).toMatchObject({ model: 'google/veo-3.1-t2v-fast', resolution: '720p' });
		// The first extend sends the very MP4 Generate Video downloaded, inline.
		expect(fromBinary.body).toEqual({
			model: 'google/veo3-1-fast-extend-video',
			prompt: 'The boat reaches a puddle and spins slowly as the rain stops',
			video_url: `data:video/mp4;base64,${loadFixture().toString('base64')}`,
		});
		// The second sends the URL the first extend returned.
		const firstExtend = result.items('Extend from the MP4')[0].json;
		expect(fromUrl.body).toMatchObject({
			model: 'google/veo3-1-fast-extend-video',
			video_url: firstExtend.videoUrl,
		});
		expect(typeof firstExtend.videoUrl).toBe('string');
		expect(result.items('Save MP4')).toHaveLength(1);
		expect(await mp4Header(result, 'Save MP4')).toBe('ftyp');
	});

	it('refuses a file that is not an MP4, whatever its declared type, before anything is sent', async () => {
		// What an HTTP Request node downloading it hands on: a PNG the server called video/mp4.
		const png = readFileSync(join(__dirname, '..', 'fixtures', 'first-frame.png'));
		const download = {
			name: 'Download',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [400, 0] as [number, number],
			parameters: {},
		};
		const extend = veoNode(
			VEO,
			generateParams({
				model: fromList('google/veo3-1-extend-video'),
				prompt: 'go on',
				videoSource: 'binary',
			}),
			{ typeVersion: 2 },
		);
		const clip = { data: png.toString('base64'), mimeType: 'video/mp4', fileName: 'clip.mp4' };
		const result = await runWorkflow({
			workflow: pin(workflow([{}], [download, extend]), 'Download', [
				{ json: {}, binary: { data: clip } },
			]),
			credentials: credentials(),
		});
		expect(result.error?.message).toBe(
			'The video in "data" is not a usable MP4: it is not an MP4 (its first bytes are not an MP4 header) (declared "video/mp4") [item 0]',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('an item without the binary field fails before anything is sent', async () => {
		const chain = [
			veoNode(
				VEO,
				generateParams({
					model: fromList('google/veo3-1-extend-video'),
					videoSource: 'binary',
					videoBinaryProperty: 'data',
				}),
				{ typeVersion: 2 },
			),
		];
		// The Set node's item has no binary data at all.
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'go on' }], chain),
			credentials: credentials(),
		});
		expect(result.error?.message).toBe(
			'The item has no binary field "data" for the video [item 0]',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('refuses a video URL that is not http(s), naming the field', async () => {
		const chain = [
			veoNode(
				VEO,
				generateParams({
					model: fromList('google/veo3-1-extend-video'),
					videoSource: 'url',
					videoUrl: '={{ $json.videoUrl }}',
				}),
				{ typeVersion: 2 },
			),
		];
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'go on' }], chain),
			credentials: credentials(),
		});
		expect(result.error?.message).toBe('The video URL is not an http(s) URL: "" [item 0]');
		expect(result.error?.description).toContain('Field: Video URL.');
		expect(sim.requests).toHaveLength(0);
	});
});

describe('reference images and optional frames', () => {
	it('reference-to-video sends the images of several URLs as image_urls', async () => {
		const params = generateParams({
			model: fromList('google/veo-3.1-reference-to-video'),
			referenceSource: 'url',
			referenceUrls: 'https://x.test/face.png,\nhttps://x.test/hat.png',
			downloadVideo: false,
		});
		const result = await runWorkflow({
			workflow: workflow(
				[{ prompt: 'the same person, walking' }],
				[veoNode(VEO, params, { typeVersion: 2 })],
			),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		expect(sim.generations[0].body).toEqual({
			model: 'google/veo-3.1-reference-to-video',
			prompt: 'the same person, walking',
			image_urls: ['https://x.test/face.png', 'https://x.test/hat.png'],
		});
	});

	it('Veo 3.1 Lite leaves its optional frames out unless asked for', async () => {
		const params = generateParams({
			model: fromList('google/veo-3-1-lite-generate-preview'),
			options: { resolution: '720p' },
			downloadVideo: false,
		});
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'a kite' }], [veoNode(VEO, params, { typeVersion: 2 })]),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		expect(sim.generations[0].body).toEqual({
			model: 'google/veo-3-1-lite-generate-preview',
			prompt: 'a kite',
			resolution: '720p',
		});
	});
});

describe('a model the node does not list, By ID', () => {
	it('reaches the API on the universal path with the options set and Additional Body Fields', async () => {
		const params = generateParams({
			model: byId('google/veo-4-preview'),
			options: { duration: 12, additionalFields: '{"scene_style": "noir"}' },
		});
		const result = await runWorkflow({
			workflow: workflow(
				[{ prompt: 'a rainy street' }],
				[veoNode(VEO, params, { typeVersion: 2 })],
			),
			credentials: credentials(),
		});
		expect(result.error?.message).toBeUndefined();
		expect(sim.generations[0]).toMatchObject({
			path: '/v2/video/generations',
			body: {
				model: 'google/veo-4-preview',
				prompt: 'a rainy street',
				duration: 12,
				scene_style: 'noir',
			},
		});
		expect(result.items(VEO)[0].binary?.data?.mimeType).toBe('video/mp4');
	});

	it("a field the API refuses comes back as the API's own message", async () => {
		const params = generateParams({
			model: byId('google/veo-4-preview'),
			options: { additionalFields: '{"scene_style": "sepia"}' },
		});
		const result = await runWorkflow({
			workflow: workflow(
				[{ prompt: 'a rainy street' }],
				[veoNode(VEO, params, { typeVersion: 2 })],
			),
			credentials: credentials(),
		});
		expect(result.error?.message).toContain('The API rejected the request');
		expect(JSON.stringify(result.error)).toContain(
			"scene_style: Invalid enum value. Expected 'noir' | 'pastel', received 'sepia'",
		);
		expect(sim.generations).toHaveLength(0);
	});

	it('an id typed into the list that the node does not know fails before anything is sent', async () => {
		const params = generateParams({ model: fromList('google/veo-4-preview') });
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'p' }], [veoNode(VEO, params, { typeVersion: 2 })]),
			credentials: credentials(),
		});
		expect(result.error?.message).toBe('Unknown model "google/veo-4-preview" [item 0]');
		expect(sim.requests).toHaveLength(0);
	});
});

describe('workflows saved before the model picker', () => {
	it('examples/text-to-video.json (node version 1, the model as a plain id) loads and runs unchanged', async () => {
		const example = readExample('text-to-video.json');
		const veo = example.nodes.find((node) => node.name === 'Generate video');
		expect(veo).toMatchObject({ typeVersion: 1, parameters: { model: 'google/veo-3.0-fast' } });
		const result = await runWorkflow({ workflow: prepare(example), credentials: credentials() });
		expect(result.error?.message).toBeUndefined();
		expect(sim.generations[0]).toMatchObject({
			path: '/v2/generate/video/google/generation',
			body: { model: 'google/veo-3.0-fast', aspect_ratio: '16:9', resolution: '720P' },
		});
		expect(await mp4Header(result, 'Save MP4')).toBe('ftyp');
	});
});
