/**
 * The Veo family on n8n's engine against the simulator, whose validation is strict: a wrong field
 * name, enum or case fails here as it would against the real API. Images come from the incoming
 * item's binary data (what an earlier node produced) or from a URL.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { WorkflowJson } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, startSimulator } from '../simulator';
import { VEO, fieldsOf, generateParams, mp4Header, pin, readExample, veoNode } from './workflows';
import { startNode } from '../harness/workflow-json';

const FIXTURES = join(__dirname, '..', 'fixtures');
const FIRST = readFileSync(join(FIXTURES, 'first-frame.png'));
const LAST = readFileSync(join(FIXTURES, 'last-frame.png'));
const dataUri = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

/** Stands for any earlier node that outputs images: puts fixed files in binary fields. */
class ImagesNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Images',
		name: 'testImages',
		group: ['input'],
		version: 1,
		description: 'Outputs one item with test images as binary data',
		defaults: { name: 'Test Images' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Files', name: 'files', type: 'json', default: '{}' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const files = JSON.parse(this.getNodeParameter('files', 0) as string) as Record<
			string,
			{ name: string; mime: string }
		>;
		const binary: INodeExecutionData['binary'] = {};
		for (const [field, file] of Object.entries(files)) {
			binary[field] = await this.helpers.prepareBinaryData(
				readFileSync(join(FIXTURES, file.name)),
				file.name,
				file.mime,
			);
		}
		return [[{ json: {}, binary, pairedItem: { item: 0 } }]];
	}
}

function imageWorkflow(
	files: Record<string, { name: string; mime: string }>,
	params: Record<string, unknown>,
): WorkflowJson {
	return {
		name: 'models',
		nodes: [
			startNode(),
			{
				name: 'Images',
				type: 'test.testImages',
				typeVersion: 1,
				position: [200, 0],
				parameters: { files: JSON.stringify(files) },
			},
			veoNode(VEO, params),
		],
		connections: {
			Start: { main: [[{ node: 'Images', type: 'main', index: 0 }]] },
			Images: { main: [[{ node: VEO, type: 'main', index: 0 }]] },
		},
	};
}

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });
const run = async (workflow: WorkflowJson) =>
	await runWorkflow({
		workflow,
		credentials: credentials(),
		nodeTypes: { 'test.testImages': new ImagesNode() },
	});
const png = { name: 'first-frame.png', mime: 'image/png' };

beforeAll(async () => {
	// Every generation ends on its first answered poll, however busy the machine.
	sim = await startSimulator({ progress: { polls: 1 } });
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

describe('text to video', () => {
	it.each([
		['google/veo-3.1-t2v-fast', '720p'],
		['google/veo-3.1-t2v', '1080p'],
	])(
		'%s goes to the universal path with lower-case resolution and its own options',
		async (model, resolution) => {
			const params = generateParams({
				model,
				prompt: 'a lighthouse at dusk',
				options: { resolution, autoFix: false, provider: 'auto', seed: 9 },
				downloadVideo: false,
			});
			const result = await run(imageWorkflow({}, params));
			expect(result.status).toBe('success');
			expect(sim.generations[0]).toMatchObject({
				path: '/v2/video/generations',
				body: {
					model,
					prompt: 'a lighthouse at dusk',
					resolution,
					auto_fix: false,
					provider: 'auto',
					seed: 9,
				},
			});
			expect(result.items(VEO)[0].json.id).toBe(sim.generations[0].id);
			// 3.1 ids contain a '/' as well as ':'; the poll found it.
			expect(result.items(VEO)[0].json.status).toBe('completed');
		},
	);
});

describe('image to video', () => {
	it.each(['google/veo-3.0-i2v-fast', 'google/veo-3.0-i2v'])(
		'%s animates the image of the incoming item (base64), on the Google path',
		async (model) => {
			const params = generateParams({
				model,
				prompt: 'the box opens',
				imageSource: 'binary',
				imageBinaryProperty: 'photo',
				options: { resolution: '720p' },
			});
			const result = await run(imageWorkflow({ photo: png }, params));
			expect(result.status).toBe('success');
			expect(sim.generations[0]).toMatchObject({
				path: '/v2/generate/video/google/generation',
				body: { model, image_url: dataUri(FIRST), resolution: '720P' },
			});
			expect(result.items(VEO)[0].binary?.data?.mimeType).toBe('video/mp4');
		},
	);

	it.each(['google/veo-3.1-i2v-fast', 'google/veo-3.1-i2v'])(
		'%s takes the image from a URL',
		async (model) => {
			const params = generateParams({
				model,
				prompt: 'the box opens',
				imageSource: 'url',
				imageUrl: 'https://example.com/photo.png',
				downloadVideo: false,
			});
			const result = await run(imageWorkflow({}, params));
			expect(result.status).toBe('success');
			expect(sim.generations[0]).toMatchObject({
				path: '/v2/video/generations',
				body: { model, image_url: 'https://example.com/photo.png' },
			});
			expect(Object.keys(sim.generations[0].body).sort()).toEqual(['image_url', 'model', 'prompt']);
		},
	);

	it.each([
		'google/veo-3.1-first-last-image-to-video-fast',
		'google/veo-3.1-first-last-image-to-video',
	])('%s sends both frames as last_image_url and image_url (not tail_image_url)', async (model) => {
		const params = generateParams({
			model,
			prompt: 'day turns to night',
			imageSource: 'binary',
			imageBinaryProperty: 'data',
			lastFrameSource: 'binary',
			lastFrameBinaryProperty: 'lastFrame',
			options: { duration: 8 },
		});
		const result = await run(
			imageWorkflow(
				{ data: png, lastFrame: { name: 'last-frame.png', mime: 'image/png' } },
				params,
			),
		);
		expect(result.status).toBe('success');
		expect(sim.generations[0].body).toEqual({
			model,
			prompt: 'day turns to night',
			image_url: dataUri(FIRST),
			last_image_url: dataUri(LAST),
			duration: 8,
		});
	});
});

describe('reference images', () => {
	it('google/veo-3.1-reference-to-video sends the images of several binary fields as image_urls, in order', async () => {
		const params = generateParams({
			model: 'google/veo-3.1-reference-to-video',
			prompt: 'the same two things, on a beach',
			referenceSource: 'binary',
			referenceBinaryProperties: 'face, lastFrame',
			options: { duration: 8 },
			downloadVideo: false,
		});
		const result = await run(
			imageWorkflow(
				{ face: png, lastFrame: { name: 'last-frame.png', mime: 'image/png' } },
				params,
			),
		);
		expect(result.status).toBe('success');
		expect(sim.generations[0].body).toEqual({
			model: 'google/veo-3.1-reference-to-video',
			prompt: 'the same two things, on a beach',
			image_urls: [dataUri(FIRST), dataUri(LAST)],
			duration: 8,
		});
	});

	it('a fourth reference image is refused before anything is sent', async () => {
		const params = generateParams({
			model: 'google/veo-3.1-reference-to-video',
			prompt: 'p',
			referenceBinaryProperties: 'data, data, data, data',
		});
		const result = await run(imageWorkflow({ data: png }, params));
		expect(result.error?.message).toBe(
			'Veo 3.1 (Reference Images to Video) takes 1 to 3 reference images, got 4 [item 0]',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('veo2/image-to-video sends its optional last frame as tail_image_url', async () => {
		const params = generateParams({
			model: 'veo2/image-to-video',
			prompt: 'p',
			imageSource: 'binary',
			lastFrameSource: 'binary',
			lastFrameBinaryProperty: 'lastFrame',
			downloadVideo: false,
		});
		const result = await run(
			imageWorkflow(
				{ data: png, lastFrame: { name: 'last-frame.png', mime: 'image/png' } },
				params,
			),
		);
		expect(result.status).toBe('success');
		expect(sim.generations[0].body).toEqual({
			model: 'veo2/image-to-video',
			prompt: 'p',
			image_url: dataUri(FIRST),
			tail_image_url: dataUri(LAST),
		});
	});
});

describe('image checks before any paid request', () => {
	const i2v = (overrides: Record<string, unknown>) =>
		generateParams({
			model: 'google/veo-3.1-i2v-fast',
			prompt: 'p',
			imageSource: 'binary',
			imageBinaryProperty: 'data',
			...overrides,
		});

	it('a missing binary field names the field and the fields the item has', async () => {
		const result = await run(imageWorkflow({ photo: png }, i2v({})));
		expect(result.error?.message).toBe(
			'The item has no binary field "data" for the image [item 0]',
		);
		expect(result.error?.description).toContain('Its binary fields are: photo');
		expect(sim.requests).toHaveLength(0);
	});

	it('a file that is not an image is refused, whatever its declared type', async () => {
		const result = await run(
			imageWorkflow({ data: { name: 'sample.mp4', mime: 'image/png' } }, i2v({})),
		);
		expect(result.error?.message).toBe(
			'The image in "data" is not a PNG, JPEG or WebP image (it is "image/png") [item 0]',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('a URL that is not http(s) is refused', async () => {
		const result = await run(
			imageWorkflow({}, i2v({ imageSource: 'url', imageUrl: 'file:///etc/passwd' })),
		);
		expect(result.error?.message).toBe(
			'The image URL is not an http(s) URL: "file:///etc/passwd" [item 0]',
		);
		expect(sim.requests).toHaveLength(0);
	});
});

const parametersOf = (workflow: WorkflowJson, name: string) => {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`the example has no node "${name}"`);
	return node.parameters as Record<string, unknown>;
};

/** A PNG as an HTTP Request node keeps a downloaded file in a binary field. */
const pngFile = (bytes: Buffer, fileName: string) => ({
	data: bytes.toString('base64'),
	mimeType: 'image/png',
	fileName,
});

// The examples' HTTP Request and Merge nodes are pinned to what they hand on; the real nodes
// download and merge the frames in the e2e tests, in both n8n versions.
describe('the image-to-video example', () => {
	it('animates an image downloaded by an earlier node and hands the MP4 to Save MP4', async () => {
		const example = pin(readExample('image-to-video.json'), 'Download product photo', [
			{ json: {}, binary: { data: pngFile(FIRST, 'photo.png') } },
		]);
		parametersOf(example, 'Animate image').waitOptions = { pollInterval: 1 };
		const result = await runWorkflow({ workflow: example, credentials: credentials() });
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(sim.generations[0].body).toMatchObject({
			model: 'google/veo-3.1-i2v-fast',
			image_url: dataUri(FIRST),
			duration: 6,
		});
		expect(await mp4Header(result, 'Save MP4', 'video')).toBe('ftyp');
	});
});

describe('the first-and-last-frame example', () => {
	it('sends the two images of the merged item as the first and the last frame, with the prompt of Video request', async () => {
		const example = readExample('first-last-frame.json');
		pin(example, 'Video request', [fieldsOf(example, 'Video request')]);
		pin(example, 'Download first frame', [
			{ json: {}, binary: { firstFrame: pngFile(FIRST, 'first.png') } },
		]);
		pin(example, 'Download last frame', [
			{ json: {}, binary: { lastFrame: pngFile(LAST, 'last.png') } },
		]);
		const frames = {
			firstFrame: pngFile(FIRST, 'first.png'),
			lastFrame: pngFile(LAST, 'last.png'),
		};
		pin(example, 'Both frames in one item', [
			{
				json: {},
				binary: frames,
				pairedItem: [
					{ item: 0, input: 0 },
					{ item: 0, input: 1 },
				],
			},
		]);
		parametersOf(example, 'First and last frame to video').waitOptions = { pollInterval: 1 };
		const result = await runWorkflow({ workflow: example, credentials: credentials() });
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(sim.generations).toHaveLength(1);
		expect(sim.generations[0].body).toEqual({
			model: 'google/veo-3.1-first-last-image-to-video-fast',
			prompt: expect.stringContaining('first image'),
			image_url: dataUri(FIRST),
			last_image_url: dataUri(LAST),
			aspect_ratio: '16:9',
			resolution: '720p',
			duration: 8,
		});
		const [row] = result.items('First and last frame to video');
		expect(row.json.status).toBe('completed');
		expect(await mp4Header(result, 'Save MP4', 'video')).toBe('ftyp');
	});
});
