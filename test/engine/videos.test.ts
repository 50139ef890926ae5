/**
 * A completed generation's `video` in every shape the API documents (one object `{url}`, a list of
 * them, null), on the submit answer and on the poll answer, through Generate Video with its wait, Get
 * Generation and the durable loop, on n8n-core's engine against the simulator. One row per item, with
 * every video of its generation; no paid video is ever called missing.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { INodeExecutionData } from 'n8n-workflow';

import type { RunWorkflowResult } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import type { Simulator } from '../simulator';
import {
	DEFAULT_API_KEY,
	generationRequests,
	MARKER_NO_VIDEO,
	MARKER_VIDEO_AT_SUBMIT,
	MARKER_VIDEO_JUNK,
	MARKER_VIDEO_NULL,
	startSimulator,
	videosMarker,
} from '../simulator';
import { VEO, generateParams, getParams, veoNode, workflow } from './workflows';

const FIXTURE = readFileSync(join(__dirname, '..', 'fixtures', 'sample.mp4'));

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });
const posts = () => sim.requests.filter((r) => r.origin === 'api' && r.method === 'POST');
const polls = () => generationRequests(sim.requests, 'GET');
const cdnPaths = () => sim.requests.filter((r) => r.origin === 'cdn').map((r) => r.path);

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 2 } });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.setOptions({ progress: { polls: 2 }, faults: {} });
});

async function generate(
	prompt: string,
	parameters: Record<string, unknown> = generateParams(),
	nodeExtra = {},
): Promise<RunWorkflowResult> {
	return await runWorkflow({
		workflow: workflow([{ prompt }], [veoNode(VEO, parameters, nodeExtra)]),
		credentials: credentials(),
	});
}

/** The row's videos as the node reports them, and the bytes of each binary field. */
async function videosOf(result: RunWorkflowResult, row: INodeExecutionData) {
	const fields = Object.keys(row.binary ?? {});
	const bytes = await Promise.all(
		fields.map(async (field) => await result.binaryBuffer(row, field)),
	);
	return {
		fields,
		same: bytes.map((buffer) => buffer.equals(FIXTURE)),
		names: fields.map((f) => row.binary?.[f].fileName),
	};
}

/** The URLs the simulator's answer listed for its one generation, in its order. */
function listed(row: INodeExecutionData): string[] {
	const { video } = row.json as { video: unknown };
	return (Array.isArray(video) ? video : [video]).map((entry) => (entry as { url: string }).url);
}

describe('Generate Video with its wait: each shape of video', () => {
	it.each([
		['one object {url}', '', 1],
		['a list of one', videosMarker(1), 1],
		['a list of two', videosMarker(2), 2],
	])(
		'%s: one row with videoUrl, videoUrls and every video as binary data',
		async (_shape, marker, count) => {
			const result = await generate(`a fox ${marker}`);
			expect(result.status).toBe('success');
			const rows = result.items(VEO);
			expect(rows).toHaveLength(1);
			const [row] = rows;
			expect(Array.isArray(row.json.video)).toBe(marker !== '');
			const urls = listed(row);
			expect(urls).toHaveLength(count);
			expect(new Set(urls).size).toBe(count);
			expect(row.json).toMatchObject({ status: 'completed', videoUrl: urls[0], videoUrls: urls });
			expect(row.json.videoNotes).toBeUndefined();
			const { fields, same, names } = await videosOf(result, row);
			expect(fields).toEqual(['data', 'data_1'].slice(0, count));
			expect(same).toEqual(Array(count).fill(true));
			const id = (row.json.id as string).split(':')[0];
			expect(names).toEqual([`veo-${id}.mp4`, `veo-${id}_1.mp4`].slice(0, count));
			// Each video fetched once, from the CDN (another origin than the API), in the API's order.
			expect(cdnPaths()).toEqual(urls.map((url) => new URL(url).pathname));
			expect(posts()).toHaveLength(1);
		},
	);

	it('numbers the field the user named the same way: clip, clip_1, clip_2', async () => {
		const result = await generate(
			`three ${videosMarker(3)}`,
			generateParams({ binaryPropertyName: 'clip' }),
		);
		const [row] = result.items(VEO);
		expect(Object.keys(row.binary ?? {})).toEqual(['clip', 'clip_1', 'clip_2']);
		expect(row.json.videoUrls).toHaveLength(3);
	});

	it('without downloading: the row lists every video and fetches none', async () => {
		const result = await generate(
			`two ${videosMarker(2)}`,
			generateParams({ downloadVideo: false }),
		);
		const [row] = result.items(VEO);
		expect(row.json.videoUrls).toEqual(listed(row));
		expect(row.binary).toBeUndefined();
		expect(cdnPaths()).toHaveLength(0);
	});

	it('video: null while running and at the end: the end is "completed without a video", as before', async () => {
		const result = await generate(`filtered ${MARKER_VIDEO_NULL} ${MARKER_NO_VIDEO}`);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`Generation ${sim.generations[0].id} completed without a video [item 0]`,
		);
		// Running answers said video: null, and the node kept polling until the end.
		expect(polls()).toHaveLength(2);
	});

	it('video: null on the submit and running answers, then the video: one row with it', async () => {
		const result = await generate(`late ${MARKER_VIDEO_NULL}`);
		expect(result.status).toBe('success');
		const [row] = result.items(VEO);
		expect(row.json.videoUrls).toEqual([row.json.videoUrl]);
		expect(Object.keys(row.binary ?? {})).toEqual(['data']);
	});

	it('an empty list: failed as completed with an empty video list, naming the generation', async () => {
		const result = await generate(`none ${videosMarker(0)}`);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`Generation ${sim.generations[0].id} completed with an empty video list [item 0]`,
		);
	});

	it('a list with an entry without a url: the good videos come, and the row says which entry was left', async () => {
		const result = await generate(`two and junk ${videosMarker(2)} ${MARKER_VIDEO_JUNK}`);
		const [row] = result.items(VEO);
		expect(row.json.videoUrls).toHaveLength(2);
		expect(row.json.videoNotes).toEqual(['video[2].url is missing, not a text']);
		expect(Object.keys(row.binary ?? {})).toEqual(['data', 'data_1']);
	});

	it('a submit answered already completed with two videos: no status check, both downloaded', async () => {
		const result = await generate(`instant ${videosMarker(2)} ${MARKER_VIDEO_AT_SUBMIT}`);
		expect(result.status).toBe('success');
		const [row] = result.items(VEO);
		expect(row.json.videoUrls).toHaveLength(2);
		expect(Object.keys(row.binary ?? {})).toEqual(['data', 'data_1']);
		expect(polls()).toHaveLength(0);
		// The reported figures, beside the estimate the budget used (the simulator's catalogue prices
		// nothing by default, so it came from the node's table).
		expect(row.json.cost).toEqual({
			credits: sim.generations[0].credits,
			usd: sim.generations[0].usd,
			estimate: expect.objectContaining({ from: 'table' }),
		});
	});
});

describe('one of several downloads fails', () => {
	/** The CDN answers 404 from the second video on. */
	function secondVideoFails() {
		void sim
			.whenRequest((r) => r.origin === 'cdn' && r.status === 200)
			.then(() => sim.setOptions({ faults: { cdnStatus: 404 } }));
	}

	it('the item fails naming the video, and lists every video with how it stands', async () => {
		secondVideoFails();
		const result = await generate(`two ${videosMarker(2)}`, generateParams(), {
			onError: 'continueRegularOutput',
		});
		expect(result.status).toBe('success');
		const [row] = result.items(VEO);
		const { id } = sim.generations[0];
		expect(row.json.error).toBe(
			`Downloading video 2 of 2 of generation ${id} failed: the video host answered HTTP 404`,
		);
		const urls = row.json.videoUrls as string[];
		expect(urls).toHaveLength(2);
		expect(row.json.videoUrl).toBe(urls[0]);
		expect(row.json.description).toContain(
			`This generation has 2 videos, all generated (and charged); the item fails at video 2 of 2, so none is output as binary data: 1. ${urls[0]} (downloaded); 2. ${urls[1]} (failed).`,
		);
		expect(row.binary).toBeUndefined();
		expect(posts()).toHaveLength(1);
	});

	it('without Continue On Fail the node stops with the same message, and Get Generation fetches both again', async () => {
		secondVideoFails();
		const failed = await generate(`two ${videosMarker(2)}`);
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toMatch(
			/^Downloading video 2 of 2 of generation .+ failed: the video host answered HTTP 404 \[item 0\]$/,
		);
		sim.setOptions({ faults: {} });
		const again = await runWorkflow({
			workflow: workflow([{ id: sim.generations[0].id }], [veoNode(VEO, getParams())]),
			credentials: credentials(),
		});
		const [row] = again.items(VEO);
		expect(Object.keys(row.binary ?? {})).toEqual(['data', 'data_1']);
		expect(posts()).toHaveLength(1);
	});
});

describe('Get Generation', () => {
	it.each([
		['one object {url}', '', 1],
		['a list of one', videosMarker(1), 1],
		['a list of two', videosMarker(2), 2],
	])(
		'%s: the video(s) of a generation submitted without waiting',
		async (_shape, marker, count) => {
			const result = await runWorkflow({
				workflow: workflow(
					[{ prompt: `a heron ${marker} ${MARKER_VIDEO_NULL}` }],
					[
						veoNode('Generate', generateParams({ waitForCompletion: false })),
						veoNode('Check', getParams()),
					],
				),
				credentials: credentials(),
			});
			expect(result.status).toBe('success');
			const [submitted] = result.items('Generate');
			expect(submitted.json).toMatchObject({ status: 'queued', video: null });
			expect(submitted.json.videoUrls).toBeUndefined();
			const [row] = result.items('Check');
			expect(row.json.videoUrls).toEqual(listed(row));
			expect(row.json.videoUrls).toHaveLength(count);
			const { fields, same } = await videosOf(result, row);
			expect(fields).toEqual(['data', 'data_1'].slice(0, count));
			expect(same).toEqual(Array(count).fill(true));
		},
	);

	it('null: a generation completed without a video fails as such', async () => {
		const result = await runWorkflow({
			workflow: workflow(
				[{ prompt: `gone ${MARKER_VIDEO_NULL} ${MARKER_NO_VIDEO}` }],
				[
					veoNode('Generate', generateParams({ waitForCompletion: false })),
					veoNode('Check', getParams(), { onError: 'continueRegularOutput' }),
				],
			),
			credentials: credentials(),
		});
		const [row] = result.items('Check');
		expect(row.json.error).toBe(`Generation ${sim.generations[0].id} completed without a video`);
	});
});

describe('the durable loop (Split Outputs by State)', () => {
	const split = (parameters: Record<string, unknown>) => {
		const { waitOptions: _unused, ...rest } = parameters;
		return { ...rest, waitForCompletion: false, splitByState: true, loopOptions: { maxWait: 600 } };
	};

	it('a generation with two videos leaves on Done with both, once; null while it runs', async () => {
		const first = await generate(
			`loop ${videosMarker(2)} ${MARKER_VIDEO_NULL}`,
			split(generateParams()),
		);
		const [running] = first.items(VEO, 1);
		expect(running.json).toMatchObject({ status: 'queued', video: null });
		expect(running.json.videoUrls).toBeUndefined();
		let result = first;
		let carried = running.json;
		for (let round = 0; round < 3 && result.items(VEO, 0).length === 0; round++) {
			result = await runWorkflow({
				workflow: workflow([carried], [veoNode(VEO, split(getParams()))]),
				credentials: credentials(),
			});
			carried = result.items(VEO, 1)[0]?.json ?? carried;
		}
		const [done] = result.items(VEO, 0);
		expect(result.items(VEO, 1)).toHaveLength(0);
		expect(done.json.videoUrls).toEqual(listed(done));
		expect(done.json.veoWait).toBeUndefined();
		const { fields, same } = await videosOf(result, done);
		expect(fields).toEqual(['data', 'data_1']);
		expect(same).toEqual([true, true]);
		expect(posts()).toHaveLength(1);
	});
});
