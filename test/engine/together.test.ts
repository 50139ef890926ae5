/**
 * Hand On Together on n8n-core's engine against the simulator: the durable loop keeps the
 * generations that ended until none of its batch is still running, then hands every item on at once,
 * so the node after Done runs once. Each loop runs as one execution, as in n8n: prompts → Generate
 * Video → Running → Wait → [a node that drops items] → Check Generations → Done → Videos, Running back
 * into the Wait node. The simulator's generations move only when the test says (in the Wait node,
 * round by round), and the Wait node's time and the node's sleeps run on the test's clock.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { RunWorkflowResult, WorkflowJson, WorkflowNodeJson } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import { waitStandIn } from '../harness/base-nodes';
import { splitParams, veoOnClock } from '../harness/loop';
import { AIMLAPI_VEO_NODE_TYPE } from '../harness/node-types';
import { startNode, to, workflowNode } from '../harness/workflow-json';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, generationRequests, startSimulator } from '../simulator';
import { ManualClock } from '../unit/fake-clock';
import { printFaultTable } from './fault-table';
import { CREDENTIAL, fieldsOf, generateParams, getParams, pin, readExample } from './workflows';

const GENERATE = 'Generate Video';
const CHECK = 'Check Generations';
const WAIT_S = 90;
const START = 1_000_000;

let clock = new ManualClock();
let sim: Simulator;
const report: string[][] = [];
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });

/** What the simulator does in the Wait node before round `round` (1 = before the first check). */
type Script = (round: number) => void;
let script: Script = () => undefined;
let rounds = 0;
/** Items that went through the Wait node in each round. */
let waited: number[] = [];
const MAX_ROUNDS = 30;
let maxRounds = MAX_ROUNDS;

const waitOnClock = () =>
	waitStandIn((seconds, items) => {
		if (++rounds > maxRounds) return false;
		waited.push(items.length);
		clock.time += seconds * 1000;
		script(rounds);
		return true;
	});

/**
 * A node on the way round that drops the items `dropped` names (as a Filter would) and adds the ones
 * `added` gives (as a Merge would).
 */
let dropped: (json: IDataObject) => boolean = () => false;
let added: () => IDataObject[] = () => [];
const dropSome: INodeType = {
	description: {
		displayName: 'Drop Some',
		name: 'dropSome',
		group: ['transform'],
		version: 1,
		description: 'Drops the items the test names',
		defaults: { name: 'Drop Some' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const kept = this.getInputData().flatMap((item, index) =>
			dropped(item.json) ? [] : [{ json: item.json, pairedItem: { item: index } }],
		);
		return [[...kept, ...added().map((json) => ({ json, pairedItem: { item: 0 } }))]];
	},
};

interface LoopShape {
	prompts: number;
	loopOptions?: Record<string, unknown>;
	onError?: string;
	/** A node between the Wait node and Check Generations that drops items. */
	withDrop?: boolean;
	/** The prompt of item `i` (default `clip i`). */
	promptOf?: (i: number) => string;
}

/** Start → Rows (pinned prompts) → Generate Video ⇒ Done → Videos, Running → Wait → [Drop Some] → Check Generations ⇒ … */
function loopWorkflow(shape: LoopShape): WorkflowJson {
	const loopOptions = { maxWait: 1800, handOnTogether: true, ...shape.loopOptions };
	const extra: Partial<WorkflowNodeJson> = shape.onError ? { onError: shape.onError } : {};
	const veo = (name: string, parameters: Record<string, unknown>) => ({
		...workflowNode(name, AIMLAPI_VEO_NODE_TYPE, splitParams(parameters, loopOptions), extra),
		credentials: CREDENTIAL,
	});
	const afterWait = shape.withDrop ? 'Drop Some' : CHECK;
	const outputs =
		shape.onError === 'continueErrorOutput' ? to('Videos', 'Wait', 'Failed') : to('Videos', 'Wait');
	const nodes = [
		startNode(),
		workflowNode('Rows', 'n8n-nodes-base.set', {}, { typeVersion: 3.4 }),
		veo(GENERATE, generateParams()),
		workflowNode('Wait', 'n8n-nodes-base.wait', { amount: WAIT_S, unit: 'seconds' }),
		...(shape.withDrop ? [workflowNode('Drop Some', 'test.dropSome')] : []),
		veo(CHECK, getParams()),
		workflowNode('Videos', 'n8n-nodes-base.noOp'),
		workflowNode('Failed', 'n8n-nodes-base.noOp'),
	];
	const connections: Record<string, unknown> = {
		Start: { main: to('Rows') },
		Rows: { main: to(GENERATE) },
		[GENERATE]: { main: outputs },
		Wait: { main: to(afterWait) },
		[CHECK]: { main: outputs },
	};
	if (shape.withDrop) connections['Drop Some'] = { main: to(CHECK) };
	const promptOf = shape.promptOf ?? ((i: number) => `clip ${i}`);
	const rows = Array.from({ length: shape.prompts }, (_, i) => ({ prompt: promptOf(i) }));
	return {
		name: 'hand on together',
		nodes,
		connections,
		pinData: { Rows: rows.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

async function runLoop(wf: WorkflowJson): Promise<RunWorkflowResult> {
	return await runWorkflow({
		workflow: wf,
		credentials: credentials(),
		nodeTypes: {
			[AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clock),
			'n8n-nodes-base.wait': waitOnClock(),
			'test.dropSome': dropSome,
		},
	});
}

/** Each run of a node: the items of one output. */
function runsOf(result: RunWorkflowResult, name: string, output = 0): INodeExecutionData[][] {
	return (result.run.data.resultData.runData[name] ?? []).map(
		(task) => task.data?.main[output] ?? [],
	);
}

const apiCalls = (method: string) => generationRequests(sim.requests, method).length;
const ids = () => sim.generations.map((generation) => generation.id);
const advance = (which: number[], to: 'completed' | 'error') => {
	for (const index of which) sim.advance(ids()[index], to);
};
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function record(name: string, onError: string, prompts: number, result: RunWorkflowResult): void {
	const videos = runsOf(result, 'Videos').flat();
	report.push([
		name,
		onError,
		String(prompts),
		String(apiCalls('POST')),
		String(apiCalls('GET')),
		String(rounds),
		String(runsOf(result, 'Videos').length),
		String(videos.filter((row) => row.binary?.data).length),
		`${(clock.time - START) / 1000} s`,
	]);
}

beforeAll(async () => {
	sim = await startSimulator({ progress: 'manual' });
});
afterAll(async () => {
	await sim.close();
	printFaultTable(
		'Hand On Together: the batch leaves the loop at once',
		[
			'case',
			'on error',
			'prompts',
			'POSTs',
			'GETs',
			'rounds',
			'Videos runs',
			'videos',
			'last hand-off after',
		],
		report,
	);
});
beforeEach(() => {
	sim.reset();
	sim.setOptions({ progress: 'manual', faults: {} });
	clock = new ManualClock();
	script = () => undefined;
	dropped = () => false;
	added = () => [];
	rounds = 0;
	maxRounds = MAX_ROUNDS;
	waited = [];
});

describe('Hand On Together: every item of the batch leaves the loop at once', () => {
	it('all done over three rounds: Videos runs once with every video, held ones are not checked again', async () => {
		// Round 1: 2 of 5 finish; round 2: 2 more; round 3: the last.
		script = (round) => advance([[0, 1], [2, 3], [4]][round - 1] ?? [], 'completed');
		const result = await runLoop(loopWorkflow({ prompts: 5 }));
		record('all done, over three rounds', 'stop', 5, result);
		expect(result.status).toBe('success');
		const videoRuns = runsOf(result, 'Videos');
		expect(videoRuns).toHaveLength(1);
		const [videos] = videoRuns;
		expect(videos.map((row) => row.json.id)).toEqual(ids());
		expect(videos.map((row) => row.pairedItem)).toEqual(range(0, 5).map((item) => ({ item })));
		for (const video of videos) {
			expect(video.json.status).toBe('completed');
			expect(video.binary?.data?.mimeType).toBe('video/mp4');
			expect(video.json.veoWait).toBeUndefined();
		}
		expect(apiCalls('POST')).toBe(5);
		// Checks: 5, then the 3 not held, then the 1 not held; at the hand-off the 4 held are read again.
		expect(apiCalls('GET')).toBe(5 + 3 + 1 + 4);
		expect(waited).toEqual([5, 5, 5]);
		expect(sim.requests.filter((request) => request.origin === 'cdn')).toHaveLength(5);
		// The first check holds the two that finished: on Running, marked, with no video.
		const [, firstRunning] = [runsOf(result, CHECK, 0)[0], runsOf(result, CHECK, 1)[0]];
		const held = firstRunning.filter((row) => (row.json.veoWait as IDataObject).held);
		expect(held.map((row) => row.json.id)).toEqual(ids().slice(0, 2));
		for (const row of held) {
			expect(row.binary).toBeUndefined();
			expect(row.json.veoWait).toMatchObject({ held: 'completed', checks: 2 });
		}
		// Held in the second round too, not checked there: its count of checks stays.
		const secondHeld = runsOf(result, CHECK, 1)[1].filter((row) => row.json.id === ids()[0]);
		expect(secondHeld[0].json.veoWait).toMatchObject({ held: 'completed', checks: 2 });
		expect(runsOf(result, CHECK, 0).slice(0, 2).flat()).toEqual([]);
	});

	it('a held generation with two videos leaves with both, downloaded at the hand-off into data and data_1', async () => {
		script = (round) => advance([[0], [1]][round - 1] ?? [], 'completed');
		const result = await runLoop(
			loopWorkflow({ prompts: 2, promptOf: (i) => `clip ${i} [sim:videos=2]` }),
		);
		record('two videos per generation', 'stop', 2, result);
		expect(result.status).toBe('success');
		const videoRuns = runsOf(result, 'Videos');
		expect(videoRuns).toHaveLength(1);
		const [videos] = videoRuns;
		expect(videos.map((row) => row.json.id)).toEqual(ids());
		for (const video of videos) {
			expect(video.json.videoUrls).toHaveLength(2);
			expect(Object.keys(video.binary ?? {}).sort()).toEqual(['data', 'data_1']);
		}
		expect(apiCalls('POST')).toBe(2);
		// Each video fetched once, all at the hand-off: the held one was not downloaded while held.
		expect(sim.requests.filter((request) => request.origin === 'cdn')).toHaveLength(4);
	});

	it.each([
		['stop', undefined],
		['continue', 'continueRegularOutput'],
		['error output', 'continueErrorOutput'],
	])(
		'some failed, on error %s: failures leave with the batch as the node says, never early',
		async (label, onError) => {
			// Round 1: clip 1 fails at the API and clip 0 is done; round 2: the rest are done.
			script = (round) => {
				if (round === 1) {
					advance([1], 'error');
					advance([0], 'completed');
				}
				if (round === 2) advance([2, 3], 'completed');
			};
			const result = await runLoop(loopWorkflow({ prompts: 4, onError }));
			record('one of four failed at the API', label, 4, result);
			expect(apiCalls('POST')).toBe(4);
			if (onError === undefined) {
				// The node stops at the failure and names every generation of the batch.
				expect(result.status).toBe('error');
				const text = `${result.error?.message}\n${String(result.error?.description)}`;
				for (const id of ids().filter((_, index) => index !== 1)) expect(text).toContain(id);
				expect(runsOf(result, 'Videos')).toHaveLength(0);
				return;
			}
			expect(result.status).toBe('success');
			// The failure rode the loop on Running, not as an error (n8n would route that), once.
			const firstRunning = runsOf(result, CHECK, 1)[0];
			const failedHeld = firstRunning.find((row) => row.json.id === ids()[1]);
			expect(failedHeld?.json.error).toBeUndefined();
			expect(failedHeld?.json.veoWait).toMatchObject({
				held: 'failed',
				id: ids()[1],
				failure: { kind: 'status-error' },
			});
			const videoRuns = runsOf(result, 'Videos');
			expect(videoRuns).toHaveLength(1);
			if (onError === 'continueErrorOutput') {
				expect(videoRuns[0].map((row) => row.json.id)).toEqual([ids()[0], ids()[2], ids()[3]]);
				const failedRuns = runsOf(result, 'Failed');
				expect(failedRuns).toHaveLength(1);
				expect(failedRuns[0]).toHaveLength(1);
				expect((failedRuns[0][0].json.details as IDataObject).id).toBe(ids()[1]);
				// In the same run of Check Generations as the videos.
				const lastCheck = result.run.data.resultData.runData[CHECK].at(-1)!;
				expect(lastCheck.data?.main[2]).toHaveLength(1);
			} else {
				expect(videoRuns[0].map((row) => row.json.id)).toEqual(ids());
				const failure = videoRuns[0][1].json;
				expect(String(failure.error)).toContain(ids()[1]);
				expect(failure.veoWait).toBeUndefined();
			}
			expect(videoRuns[0].filter((row) => row.binary?.data?.mimeType === 'video/mp4')).toHaveLength(
				3,
			);
		},
	);

	it.each([
		['return', 'return'],
		['fail (continue)', 'fail'],
	])(
		'one outlives Max Wait, On Timeout %s: the others wait for it, then all leave at once',
		async (label, onTimeout) => {
			script = (round) => {
				if (round === 1) advance([0, 1], 'completed');
			};
			// Max Wait 200 s: checks at 90 s and 180 s find clip 2 running, the one at 270 s ends it.
			const result = await runLoop(
				loopWorkflow({
					prompts: 3,
					loopOptions: { maxWait: 200, onTimeout },
					onError: 'continueRegularOutput',
				}),
			);
			record(`one of three timed out (On Timeout ${label})`, 'continue', 3, result);
			expect(result.status).toBe('success');
			expect(rounds).toBe(3);
			const videoRuns = runsOf(result, 'Videos');
			expect(videoRuns).toHaveLength(1);
			const [videos] = videoRuns;
			expect(videos.map((row) => row.json.id)).toEqual(ids());
			expect(videos.slice(0, 2).map((row) => row.binary?.data?.mimeType)).toEqual([
				'video/mp4',
				'video/mp4',
			]);
			if (onTimeout === 'return') expect(videos[2].json).toMatchObject({ timedOut: true });
			else expect(String(videos[2].json.error)).toContain('did not finish within "Max Wait"');
			expect(apiCalls('POST')).toBe(3);
		},
	);

	it('items dropped between rounds leave the batch: a held video and the last running one', async () => {
		// Round 1: clips 0 and 1 finish. Before round 2 a node drops held clip 0; before round 3 it
		// drops clip 3, the one that never finishes: the batch is what comes back, so it ends there.
		script = (round) => {
			if (round === 1) advance([0, 1], 'completed');
			if (round === 2) advance([2], 'completed');
		};
		dropped = (json) =>
			(rounds === 2 && json.id === ids()[0]) || (rounds === 3 && json.id === ids()[3]);
		const result = await runLoop(loopWorkflow({ prompts: 4, withDrop: true }));
		record('items dropped on the way round', 'stop', 4, result);
		expect(result.status).toBe('success');
		const videoRuns = runsOf(result, 'Videos');
		expect(videoRuns).toHaveLength(1);
		expect(videoRuns[0].map((row) => row.json.id)).toEqual([ids()[1], ids()[2]]);
		for (const row of videoRuns[0]) expect(row.binary?.data?.mimeType).toBe('video/mp4');
		expect(apiCalls('POST')).toBe(4);
	});

	it('an item added on the way joins the batch: the held video waits for it too', async () => {
		// A generation submitted elsewhere, earlier, comes into the loop by a node on the way round.
		const elsewhere = await runWorkflow({
			workflow: loopWorkflow({ prompts: 1 }),
			credentials: credentials(),
			nodeTypes: {
				[AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clock),
				'n8n-nodes-base.wait': waitStandIn(() => false),
			},
		});
		const extra = String(elsewhere.items(GENERATE, 1)[0].json.id);
		const postsBefore = apiCalls('POST');
		const [a, b] = [1, 2];
		// Round 1: clip 0 done (held); round 2: clip 1 done and the extra item arrives, still running;
		// round 3: the extra generation is done, and the batch of three leaves together.
		script = (round) => {
			if (round === 1) advance([a], 'completed');
			if (round === 2) advance([b], 'completed');
			if (round === 3) sim.advance(extra, 'completed');
		};
		added = () => (rounds === 2 ? [{ id: extra }] : []);
		const result = await runLoop(loopWorkflow({ prompts: 2, withDrop: true }));
		record('an item added on the way', 'stop', 2, result);
		expect(result.status).toBe('success');
		const videoRuns = runsOf(result, 'Videos');
		expect(videoRuns).toHaveLength(1);
		expect(videoRuns[0].map((row) => row.json.id)).toEqual([ids()[a], ids()[b], extra]);
		for (const row of videoRuns[0]) expect(row.binary?.data?.mimeType).toBe('video/mp4');
		expect(apiCalls('POST') - postsBefore).toBe(2);
	});

	it('a single item: handed on when it is done, as without the option', async () => {
		script = (round) => {
			if (round === 2) advance([0], 'completed');
		};
		const result = await runLoop(loopWorkflow({ prompts: 1 }));
		record('a single item', 'stop', 1, result);
		expect(result.status).toBe('success');
		expect(runsOf(result, 'Videos')).toHaveLength(1);
		expect(runsOf(result, 'Videos')[0][0].binary?.data?.mimeType).toBe('video/mp4');
		expect(apiCalls('GET')).toBe(2);
		expect(apiCalls('POST')).toBe(1);
	});

	it('200 items finishing over four rounds: Videos runs once with 200 videos, one POST each', async () => {
		sim.setOptions({ progress: 'manual', balanceUsd: 10_000, faults: {} });
		script = (round) => advance(range((round - 1) * 50, round * 50), 'completed');
		const result = await runLoop(loopWorkflow({ prompts: 200 }));
		record('200 items, 50 finishing a round', 'stop', 200, result);
		expect(result.status).toBe('success');
		const videoRuns = runsOf(result, 'Videos');
		expect(videoRuns).toHaveLength(1);
		expect(videoRuns[0]).toHaveLength(200);
		expect(new Set(videoRuns[0].map((row) => row.json.id)).size).toBe(200);
		for (const row of videoRuns[0]) expect(row.binary?.data?.mimeType).toBe('video/mp4');
		expect(apiCalls('POST')).toBe(200);
		// Checks 200, 150, 100, 50 (the held are not checked); the 150 held read again at the hand-off.
		expect(apiCalls('GET')).toBe(200 + 150 + 100 + 50 + 150);
		expect(waited).toEqual([200, 200, 200, 200]);
	});

	it('a video URL that expired while its generation was held: the hand-off fetches the URL the API gives then', async () => {
		script = (round) => {
			if (round === 1) advance([0], 'completed');
			if (round === 2) {
				// Every URL handed out so far stops working before the batch ends.
				sim.expireVideoUrls();
				advance([1], 'completed');
			}
		};
		const result = await runLoop(loopWorkflow({ prompts: 2 }));
		record('a held video whose URL expired', 'stop', 2, result);
		expect(result.status).toBe('success');
		const [videos] = runsOf(result, 'Videos');
		expect(videos).toHaveLength(2);
		for (const row of videos) expect(row.binary?.data?.mimeType).toBe('video/mp4');
		const heldUrl = runsOf(result, CHECK, 1)[0].find((row) => row.json.id === ids()[0])?.json
			.videoUrl;
		expect(videos[0].json.videoUrl).not.toBe(heldUrl);
		const cdn = sim.requests.filter((request) => request.origin === 'cdn');
		expect(cdn.map((request) => request.status)).toEqual([200, 200]);
	});

	it('a held row wired back into Generate Video is refused: nothing is bought again', async () => {
		script = (round) => {
			if (round === 1) advance([0], 'completed');
		};
		const wf = loopWorkflow({ prompts: 2 });
		// One round, then stop: the Wait node lets nothing through the second time.
		maxRounds = 1;
		const first = await runLoop(wf);
		const held = runsOf(first, CHECK, 1)[0].find((row) => row.json.id === ids()[0])!.json;
		expect(held.veoWait).toMatchObject({ held: 'completed' });
		const before = apiCalls('POST');
		const again = await runWorkflow({
			workflow: {
				...wf,
				nodes: wf.nodes.filter((one) => one.name !== 'Wait' && one.name !== CHECK),
				connections: { Start: { main: to('Rows') }, Rows: { main: to(GENERATE) } },
				pinData: { Rows: [{ json: { ...held, prompt: 'clip 0' } }] },
			},
			credentials: credentials(),
			nodeTypes: { [AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clock) },
		});
		expect(again.status).toBe('error');
		expect(String(again.error?.message)).toContain('it carries veoWait');
		expect(apiCalls('POST')).toBe(before);
	});

	it('examples/durable-batch-together.json: Videos runs once with every video, one POST per prompt', async () => {
		const example = readExample('durable-batch-together.json');
		const rows = fieldsOf(example, 'Prompts').rows as IDataObject[];
		expect(rows.length).toBeGreaterThanOrEqual(3);
		pin(pin(example, 'Prompts', [{ rows }]), 'One item per prompt', rows);
		// One generation finishes each round.
		script = (round) => advance([round - 1], 'completed');
		const result = await runLoop(example);
		record('examples/durable-batch-together.json', 'stop', rows.length, result);
		expect(result.status).toBe('success');
		const videoRuns = runsOf(result, 'Videos');
		expect(videoRuns).toHaveLength(1);
		expect(videoRuns[0]).toHaveLength(rows.length);
		for (const video of videoRuns[0]) expect(video.binary?.data?.mimeType).toBe('video/mp4');
		expect(apiCalls('POST')).toBe(rows.length);
		expect(waited).toEqual(rows.map(() => rows.length));
	});
});
