/**
 * The durable loop on n8n-core's engine: Generate Video and Get Generation check once and split their
 * items into Done and Running; the Running items go back into Get Generation (in n8n through a Wait
 * node, here by feeding them into the next run) until every generation has ended. The node runs on
 * an injected clock, so deadlines are decided by the test, never by how fast the machine is.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { splitsOutputs } from '../../nodes/AimlApiVeo/actions/common';
import { AimlApiVeo } from '../../nodes/AimlApiVeo/AimlApiVeo.node';
import type { RunWorkflowResult } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import { waitStandIn } from '../harness/base-nodes';
import { splitParams, veoOnClock } from '../harness/loop';
import { AIMLAPI_VEO_NODE_TYPE, HarnessNodeTypes } from '../harness/node-types';
import type { Simulator } from '../simulator';
import {
	DEFAULT_API_KEY,
	generationRequests,
	startSimulator,
	SUBMIT_CREDITS_USED,
	SUBMIT_USD_SPENT,
} from '../simulator';
import { ManualClock } from '../unit/fake-clock';
import {
	VEO,
	fieldsOf,
	generateParams,
	getParams,
	pin,
	readExample,
	veoNode,
	workflow,
} from './workflows';

const FIXTURE = readFileSync(join(__dirname, '..', 'fixtures', 'sample.mp4'));

/**
 * The test's clock: the test moves its time between checks, as the Wait node would; its sleeps (the
 * request deadlines among them) end only if the test says so, so no deadline fires by accident.
 */
let clockOfRun = new ManualClock();

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });
const prompts = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `clip ${i}` }));

const generateSplit = (loopOptions: Record<string, unknown> = {}) =>
	splitParams(generateParams(), loopOptions);
const checkSplit = (loopOptions: Record<string, unknown> = {}) =>
	splitParams(getParams(), loopOptions);

async function run(
	rows: Array<Record<string, unknown>>,
	parameters: Record<string, unknown>,
	nodeExtra = {},
): Promise<RunWorkflowResult> {
	return await runWorkflow({
		workflow: workflow(rows, [veoNode(VEO, parameters, nodeExtra)]),
		credentials: credentials(),
		nodeTypes: { [AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clockOfRun) },
	});
}

/** n8n's Wait node on the run's clock; it counts the items of each wait. */
const waitOnClock = () =>
	waitStandIn((seconds, items) => {
		clockOfRun.time += seconds * 1000;
		waits.push(items.length);
	});
let waits: number[] = [];

/** The in-run wait, on n8n's own timers (it sleeps a poll interval of 1 s between rounds). */
async function runWaiting(rows: Array<Record<string, unknown>>): Promise<RunWorkflowResult> {
	return await runWorkflow({
		workflow: workflow(rows, [veoNode(VEO, generateParams())]),
		credentials: credentials(),
	});
}

/** What a row says, without the simulator's timestamps. */
const shape = (row: INodeExecutionData) => ({
	id: row.json.id,
	status: row.json.status,
	videoUrl: row.json.videoUrl,
	error: row.json.error,
});

/**
 * Generate (split) then checks until nothing is running, moving the clock `stepMs` between rounds as
 * the Wait node would. Returns every Done row in the order they left, and the number of rounds.
 */
async function durableLoop(n: number, stepMs: number, loopOptions: Record<string, unknown> = {}) {
	const done: INodeExecutionData[] = [];
	let result = await run(prompts(n), generateSplit(loopOptions));
	expect(result.status).toBe('success');
	let rounds = 0;
	for (;;) {
		done.push(...result.items(VEO, 0));
		const running = result.items(VEO, 1);
		if (running.length === 0) break;
		rounds++;
		if (rounds > 10) throw new Error('the loop did not end');
		clockOfRun.time += stepMs;
		// Items come back exactly as they left (what the Wait node passes on), video-less.
		result = await run(
			running.map((row) => row.json),
			checkSplit(loopOptions),
		);
		expect(result.status).toBe('success');
	}
	return { done, rounds, last: result };
}

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 2 } });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.setOptions({ progress: { polls: 2 }, faults: {} });
	clockOfRun = new ManualClock();
	waits = [];
});

describe('the durable loop: check once, split by state', () => {
	it('Generate Video splits accepted generations onto Running, with the deadline Max Wait set', async () => {
		const result = await run(prompts(3), generateSplit({ maxWait: 600 }));
		expect(result.status).toBe('success');
		expect(result.items(VEO, 0)).toHaveLength(0);
		const running = result.items(VEO, 1);
		expect(running.map((row) => row.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const row of running) {
			expect(row.binary).toBeUndefined();
			expect(row.json.veoWait).toEqual({
				id: row.json.id,
				deadline: new Date(clockOfRun.time + 600_000).toISOString(),
				startedAt: new Date(clockOfRun.time).toISOString(),
				checks: 1,
				// The submit's cost rides along, so the rows of later checks show it too.
				cost: { credits: SUBMIT_CREDITS_USED, usd: SUBMIT_USD_SPENT },
			});
			// The estimate is the table's: the simulator's catalogue quotes no Veo price by default.
			expect(row.json.cost).toEqual({
				credits: SUBMIT_CREDITS_USED,
				usd: SUBMIT_USD_SPENT,
				estimate: { credits: 2_400_000, usd: 1.2, from: 'table' },
			});
			expect(row.json.runTotals).toMatchObject({ videos: 3, credits: 3 * SUBMIT_CREDITS_USED });
		}
		expect(sim.counters().posts).toBe(3);
		expect(generationRequests(sim.requests, 'GET')).toHaveLength(0);
	});

	it('goes round until every video is on Done, downloaded, with one POST and one GET per check, and the same rows as the in-run wait', async () => {
		const { done, rounds } = await durableLoop(4, 90_000);
		// polls: 2 -> the first check finds them running, the second finished.
		expect(rounds).toBe(2);
		expect(done).toHaveLength(4);
		expect(sim.counters().posts).toBe(4);
		expect(generationRequests(sim.requests, 'GET')).toHaveLength(8);
		const durableRows = done.map(shape);
		for (const row of done) expect(row.binary?.data?.mimeType).toBe('video/mp4');
		for (const row of done) expect(row.json.veoWait).toBeUndefined();

		// The same prompts waited for in the run end in the same rows (ids aside).
		sim.reset();
		const inRun = await runWaiting(prompts(4));
		const inRunRows = inRun.items(VEO).map(shape);
		const withoutId = (row: ReturnType<typeof shape>) => ({
			...row,
			id: undefined,
			videoUrl: typeof row.videoUrl,
		});
		expect(durableRows.map(withoutId)).toEqual(inRunRows.map(withoutId));
		expect(durableRows.map((row) => row.status)).toEqual([
			'completed',
			'completed',
			'completed',
			'completed',
		]);
	});

	it('keeps the deadline through the loop and counts the checks', async () => {
		const first = await run(prompts(1), generateSplit({ maxWait: 300 }));
		const carried = first.items(VEO, 1)[0].json;
		clockOfRun.time += 100_000;
		sim.setOptions({ progress: { polls: 5 } });
		const second = await run([carried], checkSplit({ maxWait: 300 }));
		const again = second.items(VEO, 1)[0].json;
		expect(again.veoWait).toEqual({ ...(carried.veoWait as object), checks: 2 });
	});

	it('a generation that outlives the deadline leaves the loop with its id: failed, or returned with timedOut', async () => {
		sim.setOptions({ progress: 'manual' });
		const first = await run(prompts(2), generateSplit({ maxWait: 120 }));
		const carried = first.items(VEO, 1).map((row) => row.json);
		clockOfRun.time += 120_000;

		const failed = await run(carried, checkSplit({ maxWait: 120 }), {
			onError: 'continueRegularOutput',
		});
		expect(failed.items(VEO, 1)).toHaveLength(0);
		const rows = failed.items(VEO, 0);
		expect(rows.map((row) => row.json.id)).toEqual(carried.map((row) => row.id));
		for (const row of rows)
			expect(String(row.json.error)).toContain('did not finish within "Max Wait"');

		const returned = await run(carried, checkSplit({ maxWait: 120, onTimeout: 'return' }));
		expect(returned.items(VEO, 0).map((row) => [row.json.id, row.json.timedOut])).toEqual(
			carried.map((row) => [row.id, true]),
		);

		// Without Continue On Fail the node stops and names the generation.
		const stopped = await run(carried, checkSplit({ maxWait: 120 }));
		expect(stopped.status).toBe('error');
		expect(String(stopped.error?.message)).toContain(String(carried[0].id));
	});

	it('one last check after the deadline still hands over a video that finished meanwhile', async () => {
		sim.setOptions({ progress: 'manual' });
		const first = await run(prompts(1), generateSplit({ maxWait: 120 }));
		const carried = first.items(VEO, 1)[0].json;
		sim.advance('all', 'completed');
		clockOfRun.time += 500_000;
		const result = await run([carried], checkSplit({ maxWait: 120 }));
		const [row] = result.items(VEO, 0);
		expect(row.json.status).toBe('completed');
		expect((await result.binaryBuffer(row, 'data')).equals(FIXTURE)).toBe(true);
	});

	it('a check the API does not answer keeps the item in the loop, deadline unchanged, instead of failing it', async () => {
		const first = await run(prompts(1), generateSplit({ maxWait: 900 }));
		const carried = first.items(VEO, 1)[0].json;
		sim.setOptions({ faults: { getFailShare: 1, getFailStatuses: [503] } });
		let finished = false;
		const checking = run([carried], checkSplit({ maxWait: 900 })).finally(() => (finished = true));
		// Each retry sleeps on the test's clock: move it on until the check gives up for this round.
		for (let step = 0; step < 200 && !finished; step++) await clockOfRun.advance(2_000);
		const result = await checking;
		expect(result.status).toBe('success');
		const [row] = result.items(VEO, 1);
		expect(row.json.veoWait).toEqual({ ...(carried.veoWait as object), checks: 2 });
		expect(row.json.error).toBeUndefined();
		expect(generationRequests(sim.requests, 'GET').length).toBeGreaterThan(1);
	});

	it('Get Generation starts the deadline at its first check when the item carries none', async () => {
		sim.setOptions({ progress: 'manual' });
		const submitted = await run(prompts(1), generateParams({ waitForCompletion: false }));
		const id = submitted.items(VEO)[0].json.id;
		const result = await run([{ id }], checkSplit({ maxWait: 50 }));
		expect(result.items(VEO, 1)[0].json.veoWait).toEqual({
			id,
			deadline: new Date(clockOfRun.time + 50_000).toISOString(),
			startedAt: new Date(clockOfRun.time).toISOString(),
			checks: 1,
		});
	});

	it('refuses loop state it did not write, naming the field, before any request', async () => {
		sim.setOptions({ progress: 'manual' });
		const submitted = await run(prompts(1), generateParams({ waitForCompletion: false }));
		const id = submitted.items(VEO)[0].json.id;
		const before = sim.requests.length;
		const result = await run(
			[{ id, veoWait: { id, deadline: 'soon', startedAt: 'earlier', checks: 1 } }],
			checkSplit(),
		);
		expect(result.status).toBe('error');
		expect(String(result.error?.message)).toContain('veoWait');
		expect(sim.requests.length).toBe(before);
	});

	it('failures leave by the error output, finished and running items by theirs', async () => {
		const result = await run(
			[{ prompt: 'fine' }, { prompt: 'bad [sim:error]' }, { prompt: 'fine too' }],
			generateSplit(),
			{ onError: 'continueErrorOutput' },
		);
		expect(result.status).toBe('success');
		expect(result.items(VEO, 1).map((row) => row.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		// [sim:error] fails at the API later; the submit itself is accepted, so all three are running.
		clockOfRun.time += 90_000;
		const check = await run(
			result.items(VEO, 1).map((row) => row.json),
			checkSplit(),
			{ onError: 'continueErrorOutput' },
		);
		clockOfRun.time += 90_000;
		const second = await run(
			check.items(VEO, 1).map((row) => row.json),
			checkSplit(),
			{ onError: 'continueErrorOutput' },
		);
		expect(second.items(VEO, 0).map((row) => row.json.status)).toEqual(['completed', 'completed']);
		const failures = second.items(VEO, 2);
		expect(failures).toHaveLength(1);
		expect((failures[0].json.details as { id?: string }).id).toBeDefined();
	});

	it('the outputs n8n shows are the outputs the node fills', () => {
		const nodeTypes = new HarnessNodeTypes({ [AIMLAPI_VEO_NODE_TYPE]: new AimlApiVeo() });
		const description = new AimlApiVeo().description;
		const cases = [
			{ operation: 'generate', waitForCompletion: false, splitByState: true },
			{ operation: 'generate', waitForCompletion: true, splitByState: true },
			{ operation: 'generate', splitByState: true },
			{ operation: 'generate', waitForCompletion: false },
			{ operation: 'get', splitByState: true },
			{ operation: 'get', waitForCompletion: true, splitByState: true },
			{ operation: 'get', waitForCompletion: '={{ false }}', splitByState: true },
			{ operation: 'get' },
		];
		for (const parameters of cases) {
			const node = {
				id: '1',
				name: VEO,
				type: AIMLAPI_VEO_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0] as [number, number],
				parameters,
			};
			const wf = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
			const outputs = NodeHelpers.getNodeOutputs(wf, wf.getNode(VEO)!, description);
			expect([parameters, outputs.length]).toEqual([
				parameters,
				splitsOutputs(wf.getNode(VEO)!.parameters) ? 2 : 1,
			]);
		}
	});

	it('examples/durable-batch.json: every video reaches Videos, one POST per prompt, going round the Wait node', async () => {
		const example = readExample('durable-batch.json');
		const rows = fieldsOf(example, 'Prompts').rows as IDataObject[];
		expect(rows.length).toBeGreaterThanOrEqual(3);
		pin(pin(example, 'Prompts', [{ rows }]), 'One item per prompt', rows);
		const result = await runWorkflow({
			workflow: example,
			credentials: credentials(),
			nodeTypes: {
				[AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clockOfRun),
				'n8n-nodes-base.wait': waitOnClock(),
			},
		});
		expect(result.status).toBe('success');
		const videos = result.run.data.resultData.runData.Videos.flatMap(
			(run) => run.data?.main[0] ?? [],
		);
		expect(videos).toHaveLength(rows.length);
		for (const video of videos) expect(video.binary?.data?.mimeType).toBe('video/mp4');
		// Get Generation's rows show what the submit cost, carried round the loop in veoWait.
		for (const video of videos)
			expect(video.json.cost).toEqual({ credits: SUBMIT_CREDITS_USED, usd: SUBMIT_USD_SPENT });
		expect(new Set(videos.map((video) => video.json.id)).size).toBe(rows.length);
		expect(sim.counters().posts).toBe(rows.length);
		// polls: 2 -> the first check finds every generation running, the second finished.
		expect(waits).toEqual([rows.length, rows.length]);
	});
});
