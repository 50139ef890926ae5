/**
 * Gemini Omni on n8n's engine against the simulator, whose copy of the Omni specs refuses any field
 * or value they do not list: every task of both models, with inputs from binary fields of the item
 * and from URLs, and examples/omni-edit.json (Omni text to video → Omni edit of that video).
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { WorkflowJson, WorkflowNodeJson } from '../harness/engine';
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

const PREVIEW = 'google/gemini-omni-flash-preview';
const V11 = 'google/gemini-omni-1.1-flash';
const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

const fixture = (file: string) => readFileSync(join(__dirname, '..', 'fixtures', file));
const png = fixture('first-frame.png');
const lastPng = fixture('last-frame.png');
const mp4 = loadFixture();
const wav = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), Buffer.alloc(64)]);
const dataUri = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString('base64')}`;
const binary = (bytes: Buffer, mimeType: string) => ({ data: bytes.toString('base64'), mimeType });

/** The item the Omni node gets: every binary field a task may read. */
const ITEM = {
	json: { prompt: 'a fox in the snow' },
	binary: {
		data: binary(png, 'image/png'),
		lastFrame: binary(lastPng, 'image/png'),
		face: binary(lastPng, 'image/png'),
		clip: binary(mp4, 'video/mp4'),
		audio: binary(wav, 'audio/wav'),
	},
};

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 1 } });
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

/** Runs one Omni node on the pinned item; the run's one generation, and the node's row. */
async function runOmni(parameters: Record<string, unknown>) {
	const source: WorkflowNodeJson = {
		name: 'Media',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [400, 0],
		parameters: {},
	};
	const node = veoNode(VEO, generateParams(parameters), { typeVersion: 2 });
	const result = await runWorkflow({
		workflow: pin(workflow([{}], [source, node]), 'Media', [ITEM]),
		credentials: credentials(),
	});
	return { result, generation: sim.generations[0], row: result.items(VEO)[0] };
}

const url = (name: string) => `https://media.example.com/${name}`;

interface Case {
	task: string;
	binary: Record<string, unknown>;
	url: Record<string, unknown>;
	/** What the body carries from each. */
	fromBinary: Record<string, unknown>;
	fromUrl: Record<string, unknown>;
}

const AUDIO_BINARY = { audioSource: 'binary', audioBinaryProperty: 'audio' };
const AUDIO_URL = { audioSource: 'url', audioUrl: url('voice.mp3') };

const CASES: Case[] = [
	{
		task: 'text_to_video',
		binary: AUDIO_BINARY,
		url: AUDIO_URL,
		fromBinary: { audio_url: dataUri('audio/wav', wav) },
		fromUrl: { audio_url: url('voice.mp3') },
	},
	{
		task: 'image_to_video',
		binary: { imageSource: 'binary', imageBinaryProperty: 'data' },
		url: { imageSource: 'url', imageUrl: url('first.png') },
		fromBinary: { image_url: dataUri('image/png', png) },
		fromUrl: { image_url: url('first.png') },
	},
	{
		task: 'reference_to_video',
		binary: { referenceSource: 'binary', referenceBinaryProperties: 'data, face' },
		url: { referenceSource: 'url', referenceUrls: `${url('a.png')}\n${url('b.png')}` },
		fromBinary: { image_urls: [dataUri('image/png', png), dataUri('image/png', lastPng)] },
		fromUrl: { image_urls: [url('a.png'), url('b.png')] },
	},
	{
		task: 'edit',
		binary: { videoSource: 'binary', videoBinaryProperty: 'clip', ...AUDIO_BINARY },
		url: { videoSource: 'url', videoUrl: url('clip.mp4') },
		fromBinary: { video_url: dataUri('video/mp4', mp4), audio_url: dataUri('audio/wav', wav) },
		fromUrl: { video_url: url('clip.mp4') },
	},
	{
		task: 'extend',
		binary: { videoSource: 'binary', videoBinaryProperty: 'clip' },
		url: { videoSource: 'url', videoUrl: url('clip.mp4'), ...AUDIO_URL },
		fromBinary: { video_url: dataUri('video/mp4', mp4) },
		fromUrl: { video_url: url('clip.mp4'), audio_url: url('voice.mp3') },
	},
];

describe.each([PREVIEW, V11])('%s', (model) => {
	const cases = CASES.filter((item) => model === V11 || item.task !== 'extend');
	describe.each(cases.map((item) => [item.task, item] as const))('%s', (task, item) => {
		it.each([
			['binary fields of the item', item.binary, item.fromBinary],
			['URLs', item.url, item.fromUrl],
		])('from %s: one POST the spec accepts, and the MP4 in the row', async (_, inputs, sent) => {
			const { result, generation, row } = await runOmni({
				model: fromList(model),
				task,
				...inputs,
				options: { duration: 4, aspectRatio: '9:16' },
			});
			expect(result.error?.message).toBeUndefined();
			expect(sim.counters().posts).toBe(1);
			expect(generation.body).toEqual({
				model,
				prompt: 'a fox in the snow',
				task,
				...sent,
				aspect_ratio: '9:16',
				duration: 4,
			});
			expect(row.json.status).toBe('completed');
			expect(await mp4Header(result, VEO)).toBe('ftyp');
		});
	});
});

describe('Gemini Omni 1.1 from a first and a last frame', () => {
	it.each([
		[
			'binary fields',
			{ imageSource: 'binary', lastFrameSource: 'binary' },
			[dataUri('image/png', png), dataUri('image/png', lastPng)],
		],
		[
			'URLs',
			{
				imageSource: 'url',
				imageUrl: url('a.png'),
				lastFrameSource: 'url',
				lastFrameUrl: url('b.png'),
			},
			[url('a.png'), url('b.png')],
		],
	])('from %s: the two images in image_urls, first then last', async (_, inputs, images) => {
		const { result, generation } = await runOmni({
			model: fromList(V11),
			task: 'image_to_video',
			...inputs,
		});
		expect(result.error?.message).toBeUndefined();
		expect(generation.body).toEqual({
			model: V11,
			prompt: 'a fox in the snow',
			task: 'image_to_video',
			image_urls: images,
		});
	});
});

describe('bad inputs fail before anything is sent', () => {
	it.each([
		[
			'a file that is not audio',
			{ task: 'text_to_video', audioSource: 'binary', audioBinaryProperty: 'data' },
			'The audio in "data" is not an MP3, WAV, OGG, FLAC, AAC or M4A file (it is "image/png") [item 0]',
		],
		[
			'two frames on the Preview',
			{
				model: fromList(PREVIEW),
				task: 'image_to_video',
				imageSource: 'binary',
				lastFrameSource: 'binary',
			},
			// The Preview has no Last Frame field: it is never read, so one image is sent.
			undefined,
		],
		[
			'a tag naming an image that is not there',
			{
				task: 'reference_to_video',
				prompt: '<IMAGE_REF_0> hugs <IMAGE_REF_1>',
				referenceSource: 'url',
				referenceUrls: url('a.png'),
			},
			'The prompt names <IMAGE_REF_1>, but only 1 image is sent (tags count from <IMAGE_REF_0>) [item 0]',
		],
		[
			'seven reference images',
			{
				task: 'reference_to_video',
				referenceSource: 'url',
				referenceUrls: Array.from({ length: 7 }, (_, n) => url(`${n}.png`)).join('\n'),
			},
			'Gemini Omni 1.1 Flash (Reference Images to Video) takes 1 to 6 reference images, got 7 [item 0]',
		],
		[
			'an edit whose video is not an MP4',
			{ task: 'edit', videoSource: 'binary', videoBinaryProperty: 'data' },
			/^The video in "data" is not a usable MP4/,
		],
		[
			'the extend task on the Preview',
			{ model: fromList(PREVIEW), task: 'extend' },
			'Task "extend" is not available for Gemini Omni Flash Preview [item 0]',
		],
	])('%s', async (_, parameters, message) => {
		const { result } = await runOmni({ model: fromList(V11), ...parameters });
		if (message === undefined) {
			expect(result.error?.message).toBeUndefined();
			expect(sim.generations[0].body.image_url).toBe(dataUri('image/png', png));
			expect(sim.generations[0].body.image_urls).toBeUndefined();
			return;
		}
		if (typeof message === 'string') expect(result.error?.message).toBe(message);
		else expect(result.error?.message).toMatch(message);
		expect(sim.counters().posts).toBe(0);
	});
});

it('a Resolution left in the options of the Preview, which hides it, is dropped by n8n and never sent', async () => {
	// n8n removes an option its display rules hide before the node reads it; the node's own check
	// (omni-request.test.ts) refuses one that would still arrive.
	const { result, generation } = await runOmni({
		model: fromList(PREVIEW),
		task: 'text_to_video',
		options: { resolution: '1080p' },
	});
	expect(result.error?.message).toBeUndefined();
	expect(generation.body).toEqual({
		model: PREVIEW,
		prompt: 'a fox in the snow',
		task: 'text_to_video',
	});
});

/** Shortens the example's waits for the simulator and pins its "Video request" to the fields it sets. */
function prepare(example: WorkflowJson): WorkflowJson {
	for (const node of example.nodes) {
		if (node.type.endsWith('.aimlApiVeo'))
			(node.parameters as { waitOptions: object }).waitOptions = { pollInterval: 1 };
	}
	return pin(example, 'Video request', [fieldsOf(example, 'Video request')]);
}

describe('examples/omni-edit.json: Omni 1.1 text to video → Omni 1.1 edit of that video', () => {
	it('edits the video the first node made, from its URL, and hands the MP4 to Edited', async () => {
		const example = readExample('omni-edit.json');
		const request = fieldsOf(example, 'Video request');
		const result = await runWorkflow({ workflow: prepare(example), credentials: credentials() });
		expect(result.error?.message).toBeUndefined();
		expect(sim.counters().posts).toBe(2);
		const [clip, edit] = sim.generations;
		expect(clip.body).toEqual({
			model: V11,
			prompt: request.prompt,
			task: 'text_to_video',
			aspect_ratio: '16:9',
			resolution: '720p',
			duration: 5,
		});
		const made = result.items('Omni clip')[0].json;
		expect(edit.body).toEqual({
			model: V11,
			prompt: request.editPrompt,
			task: 'edit',
			video_url: made.videoUrl,
			resolution: '720p',
		});
		// The first node downloads nothing; only the edited video is fetched, once.
		expect(result.items('Omni clip')[0].binary).toBeUndefined();
		expect(sim.counters().cdnRequests).toBe(1);
		expect(result.items('Edited')).toHaveLength(1);
		expect(await mp4Header(result, 'Edited')).toBe('ftyp');
	});
});
