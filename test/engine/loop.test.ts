/**
 * The durable loop wired or edited carelessly, on n8n-core's engine against the simulator: Running
 * wired back into Generate Video (directly or through a Wait node), a `veoWait` edited or dropped on
 * the way round, an API that answers about another generation, and a batch of 500 prompts under Max
 * Concurrent Generations. Each loop runs as one execution, as in n8n, with the Wait node's time and
 * the node's own sleeps on the test's clock: no outcome depends on how fast the machine is.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { RunWorkflowResult, WorkflowJson, WorkflowNodeJson } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import { waitStandIn } from '../harness/base-nodes';
import { splitParams, veoOnClock } from '../harness/loop';
import { AIMLAPI_VEO_NODE_TYPE } from '../harness/node-types';
import { to, workflowNode } from '../harness/workflow-json';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, generationRequests, otherIdOf, startSimulator } from '../simulator';
import { ManualClock } from '../unit/fake-clock';
import { printFaultTable } from './fault-table';
import { CREDENTIAL, generateParams, getParams, veoNode, workflow } from './workflows';

const GENERATE = 'Generate Video';
const CHECK = 'Check Generations';
const WAIT_S = 90;

/** The test's clock, counting the sleeps it holds, so the test moves it on only while the node sleeps. */
class LoopClock extends ManualClock {
	pending = 0;

	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		this.pending++;
		const sleeping = super.sleep(ms, signal);
		const over = () => void this.pending--;
		sleeping.then(over, over);
		return sleeping;
	}
}

let clock = new LoopClock();
let sim: Simulator;
const report: string[][] = [];
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });

/** Waits the loop went round, and the simulator's most requests in flight at once as each began. */
let rounds = 0;
let inFlightBefore: number[] = [];

/**
 * n8n's Wait node on the test's clock. After MAX_ROUNDS waits it lets nothing through, so a loop
 * that never ends by itself ends there and the test sees how much it bought.
 */
const waitOnClock = () =>
	waitStandIn((seconds) => {
		inFlightBefore.push(sim.counters().maxInFlight);
		if (++rounds > MAX_ROUNDS) return false;
		clock.time += seconds * 1000;
		return true;
	});

/**
 * What an Edit Fields node in the loop leaves of each item: only the fields `keep` names, or all
 * but those `drop` names (n8n's own node runs in the e2e tests).
 */
const editFields: INodeType = {
	description: {
		displayName: 'Edit Fields',
		name: 'editFields',
		group: ['transform'],
		version: 1,
		description: 'Keeps or drops fields',
		defaults: { name: 'Edit Fields' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Keep', name: 'keep', type: 'string', default: '' },
			{ displayName: 'Drop', name: 'drop', type: 'string', default: '' },
		],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const [keep, drop] = [
			this.getNodeParameter('keep', 0) as string,
			this.getNodeParameter('drop', 0) as string,
		];
		return [
			this.getInputData().map((item, index) => {
				const entries = Object.entries(item.json).filter(([name]) =>
					keep ? name === keep : name !== drop,
				);
				return { json: Object.fromEntries(entries), pairedItem: { item: index } };
			}),
		];
	},
};
const MAX_ROUNDS = 40;

const splitGenerate = (loopOptions: Record<string, unknown> = {}) =>
	splitParams(generateParams({ prompt: 'A heron wades at dawn' }), loopOptions);
const splitCheck = (loopOptions: Record<string, unknown> = {}) =>
	splitParams(getParams(), loopOptions);

/** A Set node that keeps only the generation's id: what drops `veoWait` on the way round. */
const keepOnlyId = () => workflowNode('Keep only id', 'test.editFields', { keep: 'id' });
const waitNode = () =>
	workflowNode('Wait', 'n8n-nodes-base.wait', { amount: WAIT_S, unit: 'seconds' });

/** Manual Trigger → one prompt → Generate Video (split) → Running → `between` → `into` … and `into`'s Running back. */
function loopWorkflow(
	generate: Record<string, unknown>,
	nodeExtra: Partial<WorkflowNodeJson>,
	path: WorkflowNodeJson[],
	into: 'generate' | 'check',
	check = splitCheck(),
): WorkflowJson {
	const base = workflow(
		[{ prompt: 'A heron wades at dawn' }],
		[veoNode(GENERATE, generate, nodeExtra)],
	);
	const target = into === 'generate' ? GENERATE : CHECK;
	const nodes = [
		...base.nodes,
		...path,
		workflowNode('Done', 'n8n-nodes-base.noOp'),
		workflowNode('Failed', 'n8n-nodes-base.noOp'),
	];
	const connections = base.connections as Record<string, unknown>;
	const first = path[0]?.name ?? target;
	const done =
		nodeExtra.onError === 'continueErrorOutput' ? to('Done', first, 'Failed') : to('Done', first);
	connections[GENERATE] = { main: done };
	for (let i = 0; i < path.length; i++)
		connections[path[i].name] = { main: to(path[i + 1]?.name ?? target) };
	if (into === 'check') {
		nodes.push({ ...veoNode(CHECK, check, nodeExtra), credentials: CREDENTIAL });
		connections[CHECK] = {
			main:
				nodeExtra.onError === 'continueErrorOutput'
					? to('Done', first, 'Failed')
					: to('Done', first),
		};
	}
	return { ...base, nodes, connections };
}

async function runLoop(wf: WorkflowJson): Promise<RunWorkflowResult> {
	return await runWorkflow({
		workflow: wf,
		credentials: credentials(),
		nodeTypes: {
			[AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clock),
			'n8n-nodes-base.wait': waitOnClock(),
			'test.editFields': editFields,
		},
	});
}

/**
 * Runs a workflow whose node sleeps (retries, polls): the test's clock moves on a second at a time
 * while the node sleeps and no request is waiting for its answer, so no request's deadline passes
 * by accident. The loops that never sleep (a check of the loop retries only failed requests) run
 * without it, on the Wait node's time alone.
 */
async function driven(running: Promise<RunWorkflowResult>): Promise<RunWorkflowResult> {
	let finished = false;
	void running.finally(() => (finished = true)).catch(() => undefined);
	const turn = async () => await new Promise((resolve) => setImmediate(resolve));
	while (!finished) {
		await turn();
		if (clock.pending === 0 || sim.requests.some((request) => request.status === 0)) continue;
		await turn();
		if (!finished) await clock.advance(1000);
	}
	return await running;
}

/** Every row a node put out on `output`, over all its runs. */
function allRows(result: RunWorkflowResult, name: string, output: number): INodeExecutionData[] {
	return (result.run.data.resultData.runData[name] ?? []).flatMap(
		(task) => task.data?.main[output] ?? [],
	);
}

/** The node's generation requests: the catalogue's public reads (once per batch) are not counted. */
const apiCalls = (method: string) => generationRequests(sim.requests, method).length;
const errorText = (result: RunWorkflowResult) =>
	`${result.error?.message ?? ''}\n${String(result.error?.description ?? '')}`;
const rowText = (rows: INodeExecutionData[]) => JSON.stringify(rows.map((row) => row.json));

beforeAll(async () => {
	sim = await startSimulator({ progress: 'manual' });
});
afterAll(async () => {
	await sim.close();
	printFaultTable(
		'The durable loop wired or edited carelessly',
		['case', 'on error', 'prompts', 'POSTs', 'GETs', 'rounds', 'rows out', 'how it ended'],
		report,
	);
});
beforeEach(() => {
	sim.reset();
	sim.setOptions({ progress: 'manual', balanceUsd: undefined, faults: {} });
	clock = new LoopClock();
	rounds = 0;
	inFlightBefore = [];
});

const ON_ERROR: Array<[string, Partial<WorkflowNodeJson>]> = [
	['stop', {}],
	['continue', { onError: 'continueRegularOutput' }],
	['error output', { onError: 'continueErrorOutput' }],
];

describe('Running wired back into Generate Video buys nothing again', () => {
	const wirings: Array<[string, () => WorkflowNodeJson[]]> = [
		['directly', () => []],
		['through a Wait node', () => [waitNode()]],
		[
			'through a Wait node and a Set node that drops veoWait',
			() => [waitNode(), workflowNode('Drop veoWait', 'test.editFields', { drop: 'veoWait' })],
		],
	];
	const cases = wirings.flatMap(([wiring, path]) =>
		ON_ERROR.map(([onError, extra]) => [wiring, onError, path, extra] as const),
	);

	it.each(cases)(
		'%s, on error %s: 1 prompt, 1 POST, the item refused naming the loop',
		async (wiring, onError, path, extra) => {
			const result = await runLoop(loopWorkflow(splitGenerate(), extra, path(), 'generate'));
			const runs = result.runCount(GENERATE);
			const posts = apiCalls('POST');
			const id = sim.generations[0]?.id;
			const field = wiring.includes('drops') ? 'status' : 'veoWait';
			const failures = [...allRows(result, GENERATE, 0), ...allRows(result, GENERATE, 2)].filter(
				(row) => row.json.error !== undefined,
			);
			report.push([
				`Running → ${wiring} → Generate Video`,
				onError,
				'1',
				String(posts),
				String(apiCalls('GET')),
				String(runs),
				String(failures.length),
				result.status === 'error' ? 'node stopped, naming the loop' : 'item refused, nothing sent',
			]);
			expect(posts).toBe(1);
			expect(sim.generations).toHaveLength(1);
			expect(runs).toBe(2);
			const expected = `This item is the Running row of generation ${id} (${field === 'veoWait' ? 'it carries veoWait' : 'its status is "queued" and it has runTotals'}), which keeps running at the API`;
			if (onError === 'stop') {
				expect(result.status).toBe('error');
				expect(errorText(result)).toContain(expected);
				expect(errorText(result)).toContain('not back into Generate Video');
				return;
			}
			expect(result.status).toBe('success');
			// One row for the one item in the round that refused it: on Done, or on the error output.
			const last = result.run.data.resultData.runData[GENERATE][1].data?.main ?? [];
			expect((last[0] ?? []).length + (last[1] ?? []).length + (last[2] ?? []).length).toBe(1);
			expect(failures).toHaveLength(1);
			const failure = failures[0].json;
			const message = String(failure.error);
			expect(message).toContain(expected);
			expect(
				onError === 'error output' ? result.items('Failed') : result.items('Done'),
			).toHaveLength(1);
			// The node shows no cost for the refused item (on the error output n8n adds the input item's own fields).
			expect(
				onError === 'error output' ? (failure.details as { cost?: unknown }).cost : failure.cost,
			).toBeUndefined();
		},
	);

	it('rows of finished generations still go on into Generate Video (Veo into Veo): one POST each', async () => {
		sim.setOptions({ progress: { polls: 1 } });
		const next = veoNode(
			'Next',
			generateParams({ prompt: 'and then it flies off', downloadVideo: false }),
		);
		const wf = workflow(
			[{ prompt: 'a heron' }],
			[veoNode(GENERATE, generateParams({ downloadVideo: false }, { pollInterval: 1 })), next],
		);
		const result = await driven(
			runWorkflow({
				workflow: wf,
				credentials: credentials(),
				nodeTypes: { [AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clock) },
			}),
		);
		expect(result.status).toBe('success');
		expect(result.items(GENERATE)[0].json).toMatchObject({
			status: 'completed',
			runTotals: { videos: 1 },
		});
		expect(result.items('Next')[0].json.status).toBe('completed');
		expect(apiCalls('POST')).toBe(2);
	});
});

/** Generate Video (split, Max Wait 600 s) → Running → Wait 90 s → [Set] → Check Generations (split) → Running → Wait … */
const checkLoop = (
	path: WorkflowNodeJson[],
	extra: Partial<WorkflowNodeJson> = { onError: 'continueRegularOutput' },
) =>
	loopWorkflow(
		splitGenerate({ maxWait: 600 }),
		extra,
		[waitNode(), ...path],
		'check',
		splitCheck({ maxWait: 600 }),
	);

/** When the loop ended, in seconds after the submit, and what its last row said. */
function loopEnd(result: RunWorkflowResult) {
	const ended = allRows(result, CHECK, 0);
	return { rounds: result.runCount(CHECK), seconds: (clock.time - 1_000_000) / 1000, ended };
}

describe('the deadline cannot be escaped', () => {
	it('an API that answers about another generation: never adopted, the loop ends at the original deadline', async () => {
		sim.setOptions({ progress: 'manual', faults: { pollOtherIdShare: 1 } });
		const result = await driven(runLoop(checkLoop([])));
		const { rounds, seconds, ended } = loopEnd(result);
		const id = sim.generations[0].id;
		report.push([
			'status answers about another generation',
			'continue',
			'1',
			String(apiCalls('POST')),
			String(apiCalls('GET')),
			String(rounds),
			String(ended.length),
			`timed out ${seconds} s after the submit (Max Wait 600 s)`,
		]);
		expect(result.status).toBe('success');
		expect(apiCalls('POST')).toBe(1);
		expect(ended).toHaveLength(1);
		expect(String(ended[0].json.error)).toContain(
			`Generation ${id} did not finish within "Max Wait"`,
		);
		expect(String(ended[0].json.description)).toContain(
			`The API answered about generation ${otherIdOf(id)} when asked about generation ${id}`,
		);
		expect(ended[0].json.id).toBe(id);
		// Every round's Running row kept the id asked and the first deadline.
		const running = allRows(result, CHECK, 1);
		expect(running.map((row) => row.json.id)).toEqual(running.map(() => id));
		expect(
			new Set(running.map((row) => (row.json.veoWait as { deadline: string }).deadline)),
		).toEqual(new Set([new Date(1_000_000 + 600_000).toISOString()]));
		// A round's checks are retried for at most 120 s; the round after the deadline ends the loop.
		expect(rounds).toBe(3);
		expect(seconds).toBeGreaterThanOrEqual(600);
		expect(seconds).toBeLessThanOrEqual(600 + 120 + 1);
	});

	it('waiting in the run, an answer about another generation is retried until Max Wait, naming both ids', async () => {
		sim.setOptions({ progress: 'manual', faults: { pollOtherIdShare: 1 } });
		const wf = workflow(
			[{ prompt: 'a heron' }],
			[
				veoNode(GENERATE, generateParams({}, { maxWait: 60, pollInterval: 5 }), {
					onError: 'continueRegularOutput',
				}),
			],
		);
		const result = await driven(
			runWorkflow({
				workflow: wf,
				credentials: credentials(),
				nodeTypes: { [AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clock) },
			}),
		);
		const [row] = result.items(GENERATE);
		const id = sim.generations[0].id;
		report.push([
			'status answers about another generation, waiting in the run',
			'continue',
			'1',
			String(apiCalls('POST')),
			String(apiCalls('GET')),
			'1',
			'1',
			`timed out at Max Wait (60 s)`,
		]);
		expect(String(row.json.error)).toContain(`Generation ${id} did not finish within "Max Wait"`);
		expect(String(row.json.description)).toContain(
			`The API answered about generation ${otherIdOf(id)} when asked about generation ${id}`,
		);
		expect(row.json.id).toBe(id);
		expect(apiCalls('GET')).toBeGreaterThan(1);
	});

	const year = 365 * 86_400_000;
	const edits: Array<[string, (veoWait: Record<string, unknown>) => unknown, string]> = [
		[
			'deadline in the year 9999',
			(w) => ({ ...w, deadline: '9999-12-31T23:59:59.000Z' }),
			'a loop lasts at most 86400 s',
		],
		[
			'deadline 30 days after the start',
			(w) => ({
				...w,
				deadline: new Date(Date.parse(w.startedAt as string) + 30 * 86_400_000).toISOString(),
			}),
			'a loop lasts at most 86400 s',
		],
		[
			'checks: -5',
			(w) => ({ ...w, checks: -5 }),
			'veoWait.checks must be a whole number of 0 or more, got -5',
		],
		[
			'start a year ahead',
			(w) => ({
				...w,
				startedAt: new Date(Date.parse(w.startedAt as string) + year).toISOString(),
				deadline: new Date(Date.parse(w.deadline as string) + year).toISOString(),
			}),
			'lies in the future',
		],
		['{}', () => ({}), 'veoWait.id must be'],
		[
			'the state of another generation',
			(w) => ({ ...w, id: 'another-generation' }),
			'veoWait is the state of generation another-generation',
		],
	];

	it.each(edits)(
		'an edited veoWait (%s) is refused before any request, naming veoWait, with no cost shown',
		async (name, edit, reason) => {
			const first = await runWorkflow({
				workflow: workflow([{ prompt: 'a heron' }], [veoNode(GENERATE, splitGenerate())]),
				credentials: credentials(),
				nodeTypes: { [AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clock) },
			});
			const carried = first.items(GENERATE, 1)[0].json;
			const before = sim.requests.length;
			clock.time += WAIT_S * 1000;
			const edited = { ...carried, veoWait: edit(carried.veoWait as Record<string, unknown>) };
			const check = (extra = {}) =>
				runWorkflow({
					workflow: workflow([edited], [veoNode(CHECK, splitCheck(), extra)]),
					credentials: credentials(),
					nodeTypes: { [AIMLAPI_VEO_NODE_TYPE]: veoOnClock(() => clock) },
				});
			const stopped = await check();
			expect(stopped.status).toBe('error');
			expect(errorText(stopped)).toContain(
				"The item's veoWait is not the loop state this node wrote",
			);
			expect(errorText(stopped)).toContain(reason);
			expect(errorText(stopped)).toContain('Field: veoWait');
			const continued = await check({ onError: 'continueRegularOutput' });
			const rows = [...continued.items(CHECK, 0), ...continued.items(CHECK, 1)];
			report.push([
				`veoWait edited: ${name}`,
				'stop / continue',
				'1',
				String(apiCalls('POST')),
				String(sim.requests.length - before),
				'1',
				String(rows.length),
				'refused before any request',
			]);
			expect(sim.requests.length).toBe(before);
			expect(rows).toHaveLength(1);
			expect(String(rows[0].json.error)).toContain(reason);
			expect(rows[0].json.cost).toBeUndefined();
			expect(rowText(rows)).not.toContain('"credits"');
		},
	);

	it('a Set node that drops veoWait every round: the loop still ends by the first deadline Check Generations gave it', async () => {
		const result = await runLoop(checkLoop([keepOnlyId()]));
		const { rounds, seconds, ended } = loopEnd(result);
		const id = sim.generations[0].id;
		report.push([
			'veoWait dropped every round by a Set node',
			'continue',
			'1',
			String(apiCalls('POST')),
			String(apiCalls('GET')),
			String(rounds),
			String(ended.length),
			`timed out ${seconds} s after the submit (first check at ${WAIT_S} s + Max Wait 600 s)`,
		]);
		expect(result.status).toBe('success');
		expect(apiCalls('POST')).toBe(1);
		expect(String(ended[0]?.json.error)).toContain(
			`Generation ${id} did not finish within "Max Wait"`,
		);
		// First check at 90 s sets the deadline to 690 s; checks at 90, 180, … 630 find it running, 720 ends it.
		expect(rounds).toBe(8);
		expect(apiCalls('GET')).toBe(8);
		expect(seconds).toBe(720);
		const deadlines = allRows(result, CHECK, 1).map(
			(row) => (row.json.veoWait as { deadline: string }).deadline,
		);
		expect(new Set(deadlines)).toEqual(new Set([new Date(1_000_000 + 690_000).toISOString()]));
	});

	it("the same loop with veoWait passed on ends at the submit's deadline", async () => {
		const result = await runLoop(checkLoop([]));
		const { rounds, seconds, ended } = loopEnd(result);
		report.push([
			'veoWait passed on unchanged (for comparison)',
			'continue',
			'1',
			String(apiCalls('POST')),
			String(apiCalls('GET')),
			String(rounds),
			String(ended.length),
			`timed out ${seconds} s after the submit (Max Wait 600 s)`,
		]);
		expect(apiCalls('POST')).toBe(1);
		expect(rounds).toBe(7);
		expect(seconds).toBe(630);
		expect(String(ended[0]?.json.error)).toContain('did not finish within "Max Wait"');
	});
});

describe('split mode honours Max Concurrent Generations', () => {
	const prompts = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `clip ${i}` }));
	const splitFromItems = (loopOptions: Record<string, unknown>) => ({
		...splitGenerate(loopOptions),
		prompt: '={{ $json.prompt }}',
	});

	it.each([
		['Max Concurrent 10', { maxConcurrent: 10 }, 10],
		['the default (25; never more than 16 requests at once)', {}, 16],
	])(
		'500 prompts, %s: every POST sent once, one row per item, never more requests in flight than the cap',
		async (name, loopOptions, cap) => {
			sim.setOptions({
				progress: 'manual',
				balanceUsd: 1000,
				faults: { postDelayMs: 5, getDelayMs: 5 },
			});
			// 500 prompts → Generate Video (split) → Running → Wait → Check Generations (split), once round.
			const wf = workflow(prompts(500), [
				veoNode(GENERATE, splitFromItems(loopOptions)),
				waitNode(),
				veoNode(CHECK, splitCheck(loopOptions)),
			]);
			(wf.connections as Record<string, unknown>)[GENERATE] = { main: [[], ...to('Wait')] };
			const result = await runLoop(wf);
			expect(result.status).toBe('success');
			const submitsInFlight = inFlightBefore[0];
			const inFlight = sim.counters().maxInFlight;
			const running = result.items(GENERATE, 1);
			const checked = result.items(CHECK, 1);
			report.push([
				`500 prompts, ${name}`,
				'stop',
				'500',
				String(apiCalls('POST')),
				String(apiCalls('GET')),
				'1',
				`${running.length} + ${checked.length}`,
				`at most ${submitsInFlight} submits, then ${inFlight} requests in flight at once`,
			]);
			expect(apiCalls('POST')).toBe(500);
			expect(sim.generations).toHaveLength(500);
			expect(running).toHaveLength(500);
			expect(running.map((row) => (row.pairedItem as { item: number }).item)).toEqual(
				Array.from({ length: 500 }, (_, i) => i),
			);
			expect(apiCalls('GET')).toBe(500);
			expect(checked).toHaveLength(500);
			expect(submitsInFlight).toBeLessThanOrEqual(cap);
			expect(inFlight).toBeLessThanOrEqual(cap);
		},
	);

	it('Loop Options → Max Concurrent Generations is checked like the Wait Options one', async () => {
		const result = await runWorkflow({
			workflow: workflow(prompts(1), [veoNode(GENERATE, splitFromItems({ maxConcurrent: 0 }))]),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Max Concurrent Generations must be from 1 to 500, got "0" [item 0]',
		);
		expect(apiCalls('POST')).toBe(0);
	});
});
