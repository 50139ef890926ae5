/**
 * The budget at its edges, on n8n's engine against the simulator: submits whose answer was lost,
 * costs reported as 0, negative, missing or not a number, a status answer that reports another
 * cost than the submit, and one budget over a whole execution however often the node runs in it
 * (an agent's tool called again and again, a node run once per item of a loop, Retry On Fail).
 * Each case counts the POSTs the simulator received; a table of them is printed at the end.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { runWorkflow } from '../harness/engine';
import { toolCallNodeTypes, toolCallsWorkflow } from '../harness/tool-workflow';
import type { Simulator, SimulatorFaults } from '../simulator';
import { DEFAULT_API_KEY, MARKER_ERROR, startSimulator } from '../simulator';
import { printFaultTable } from './fault-table';
import { CREDENTIAL, VEO, generateParams, veoNode, workflow } from './workflows';

const FAST = 'google/veo-3.0-fast';
/** What the node's price table says an 8 s Veo 3 Fast video costs; the simulator charges the same. */
const TABLE_USD = 1.2;

let sim: Simulator;
const report: string[][] = [];
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });
const posts = () => sim.requests.filter((r) => r.origin === 'api' && r.method === 'POST').length;
const prompts = (label: string, n: number) =>
	Array.from({ length: n }, (_, i) => ({ prompt: `${label} ${i}` }));
const params = (budget: Record<string, unknown>, waitOptions: Record<string, unknown> = {}) =>
	generateParams({ downloadVideo: false, budget }, { maxConcurrent: 10, ...waitOptions });
/** The API's figures on a row (its `cost` without the node's estimate), 0 where it reported none. */
const costOf = (row: INodeExecutionData) => {
	const cost = row.json.cost as { credits?: number; usd?: number } | undefined;
	return { credits: cost?.credits ?? 0, usd: cost?.usd ?? 0 };
};

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 2 } });
});
afterAll(async () => {
	await sim.close();
	printFaultTable(
		'Budget edges',
		['case', 'POSTs', 'rows', 'runTotals.videos', 'possiblyAccepted', 'notSubmittedForBudget'],
		report,
	);
});
beforeEach(() => {
	sim.reset();
	sim.setOptions({
		progress: { polls: 2 },
		prices: { [FAST]: TABLE_USD },
		balanceUsd: 1000,
		faults: {},
	});
});

function record(name: string, rows: INodeExecutionData[]): void {
	const totals = (rows.at(-1)?.json.runTotals ?? {}) as IDataObject;
	report.push([
		name,
		String(posts()),
		String(rows.length),
		String(totals.videos),
		String(totals.possiblyAccepted),
		String(totals.notSubmittedForBudget),
	]);
}

async function runOnce(items: Array<Record<string, unknown>>, parameters: Record<string, unknown>) {
	const result = await runWorkflow({
		workflow: workflow(items, [veoNode(VEO, parameters, { onError: 'continueRegularOutput' })]),
		credentials: credentials(),
	});
	expect(result.error?.message).toBeUndefined();
	return result.items(VEO);
}

describe('a submit whose answer was lost counts against the budget', () => {
	it.each<[string, SimulatorFaults, Record<string, unknown>]>([
		[
			'each submit accepted, then answered 500',
			{ postFailAfterAcceptShare: 1, postFailAfterAcceptStatus: 500 },
			{},
		],
		['each submit accepted, then the connection dropped', { postDropAfterAcceptShare: 1 }, {}],
		[
			'each submit accepted, then never answered (timeout)',
			{ postHangAfterAcceptShare: 1 },
			{ maxWait: 3 },
		],
	])(
		'Max Videos 2, 5 prompts, %s: at most 2 POSTs, and the totals say so',
		async (name, faults, waitOptions) => {
			sim.setOptions({ faults });
			const rows = await runOnce(prompts(name, 5), params({ maxVideos: 2 }, waitOptions));
			record(`Max Videos 2, 5 prompts, ${name}`, rows);
			expect(posts()).toBeGreaterThanOrEqual(1);
			expect(posts()).toBeLessThanOrEqual(2);
			expect(sim.generations).toHaveLength(posts());
			expect(rows).toHaveLength(5);
			expect(rows.filter((row) => row.json.generationMayExist === true)).toHaveLength(posts());
			for (const row of rows) {
				expect(row.json.runTotals).toMatchObject({
					videos: 0,
					credits: 0,
					possiblyAccepted: posts(),
				});
			}
			if (posts() === 2) {
				expect(
					rows.filter((row) =>
						String(row.json.error).startsWith(
							"Not submitted: this execution's budget of 2 videos was reached",
						),
					),
				).toHaveLength(3);
				expect(rows[0].json.runTotals).toMatchObject({ notSubmittedForBudget: 3 });
			}
		},
	);
});

describe('a reported cost that is not usable never lowers the estimate for the rest of the batch', () => {
	it.each<[string, SimulatorFaults]>([
		['cost 0 in the body', { postReportedCost: 0 }],
		['cost 0 in the headers', { postUsage: 'headers', postReportedCost: 0 }],
		['a negative cost', { postReportedCost: -2_400_000 }],
		['no cost at all', { postUsage: 'none' }],
		['a cost that is not a number (body)', { postReportedCost: 'NaN' }],
		['a cost that is not a number (headers)', { postUsage: 'headers', postReportedCost: 'NaN' }],
	])('Max Spend $3 at $1.20 a video, %s: 2 videos', async (name, faults) => {
		sim.setOptions({ faults });
		const rows = await runOnce(prompts(name, 5), params({ maxSpendUsd: 3 }));
		record(`Max Spend $3 at $1.20, 5 prompts, ${name}`, rows);
		expect(posts()).toBe(2);
		expect(rows.filter((row) => row.json.status === 'completed')).toHaveLength(2);
		expect(
			rows.filter((row) =>
				String(row.json.error).startsWith(
					"Not submitted: this execution's budget of $3.00 was reached",
				),
			),
		).toHaveLength(3);
		// The rows show what the API said (0, or nothing where it said nothing usable); the totals are their sum.
		const credits = rows.reduce((sum, row) => sum + costOf(row).credits, 0);
		expect(rows[0].json.runTotals).toMatchObject({
			videos: 2,
			credits,
			possiblyAccepted: 0,
			notSubmittedForBudget: 3,
		});
	});
});

describe('row costs and runTotals come from the same figure', () => {
	it.each([
		['a status answer reports more than the submit', 3_000_000],
		['a status answer reports less than the submit', 1_000_000],
		['a status answer reports 0 for the completed generation', 0],
	])('%s: the rows show the status figure, and runTotals are their sum', async (name, credits) => {
		sim.setOptions({ faults: { pollReportedCredits: credits } });
		const rows = await runOnce(prompts(name, 3), params({}));
		record(`3 prompts, ${name}`, rows);
		expect(posts()).toBe(3);
		for (const row of rows) expect(costOf(row)).toEqual({ credits, usd: credits / 2_000_000 });
		const sum = rows.reduce(
			(total, row) => ({
				credits: total.credits + costOf(row).credits,
				usd: total.usd + costOf(row).usd,
			}),
			{ credits: 0, usd: 0 },
		);
		for (const row of rows)
			expect(row.json.runTotals).toMatchObject({
				videos: 3,
				credits: sum.credits,
				usd: sum.usd,
				costNotReported: 0,
			});
	});

	it('a status figure below the estimate settles the generation, so the budget buys what the API says it cost', async () => {
		// Submits report nothing usable; status answers $0.50. Max Spend $3: the first video is counted at
		// $1.20 until its status says $0.50; each next one then fits beside the ones settled before it.
		sim.setOptions({ faults: { postUsage: 'none', pollReportedCredits: 1_000_000 } });
		const rows = await runOnce(
			prompts('settled by status', 5),
			params({ maxSpendUsd: 3 }, { maxConcurrent: 1 }),
		);
		record('Max Spend $3, submit cost missing, status $0.50', rows);
		expect(rows[0].json.runTotals).toMatchObject({ credits: posts() * 1_000_000, videos: posts() });
		// $0.50 × 3 + $1.20 for the fourth = $2.70 fits; a fifth ($2.00 + $1.20) does not.
		expect(posts()).toBe(4);
	});
});

describe('a budget covers one execution of the workflow', () => {
	const TOOL = 'generate_video';

	/** Calls the tool once per entry of `calls`, in one execution, as n8n's Tool Executor does; what each call answered. */
	async function callTool(calls: IDataObject[], budget: Record<string, unknown>) {
		const parameters = {
			operation: 'generate',
			model: FAST,
			prompt: "={{ $fromAI('prompt', 'What the video should show', 'string') }}",
			waitOptions: { pollInterval: 1, maxWait: 60 },
			budget,
		};
		const wf = toolCallsWorkflow(TOOL, parameters, calls, CREDENTIAL);
		const nodeTypes = toolCallNodeTypes();
		const result = await runWorkflow({ workflow: wf, credentials: credentials(), nodeTypes });
		return result.items('Tool Caller').map((item) => item.json);
	}

	it("an agent's tool called 20 times in one execution under Max Videos 1 buys 1 video", async () => {
		const answers = await callTool(
			Array.from({ length: 20 }, (_, i) => ({ prompt: `tool call ${i}` })),
			{ maxVideos: 1 },
		);
		report.push([
			'an agent calls the tool 20 times, Max Videos 1',
			String(posts()),
			String(answers.length),
			'1',
			'0',
			'19',
		]);
		expect(answers).toHaveLength(20);
		expect(posts()).toBe(1);
		expect(
			answers.filter((answer) =>
				String(answer.error).includes("this execution's budget of 1 video"),
			),
		).toHaveLength(19);
	});

	it('the same tool call made again after its video came counts as a new video: Max Videos 2, three calls, 2 videos', async () => {
		const answers = await callTool(Array(3).fill({ prompt: 'the same paper boat' }), {
			maxVideos: 2,
		});
		report.push([
			'an agent asks 3 times for the same video, Max Videos 2',
			String(posts()),
			String(answers.length),
			'2',
			'0',
			'1',
		]);
		expect(posts()).toBe(2);
		expect(answers.slice(0, 2).map((answer) => (answer.answer as IDataObject[])[0].status)).toEqual(
			['completed', 'completed'],
		);
		expect(String(answers[2].error)).toContain("this execution's budget of 2 videos");
	});

	it('a node run once per item of a loop (run index 0..4) under Max Videos 1 buys 1 video', async () => {
		const wf = workflow(prompts('loop round', 5), [
			{ name: 'Loop', type: ONE_AT_A_TIME, typeVersion: 1, position: [500, 0], parameters: {} },
			veoNode(VEO, params({ maxVideos: 1 }), { onError: 'continueRegularOutput' }),
		]);
		wf.connections.Loop = { main: [[], [{ node: VEO, type: 'main', index: 0 }]] };
		wf.connections[VEO] = { main: [[{ node: 'Loop', type: 'main', index: 0 }]] };
		const result = await runWorkflow({
			workflow: wf,
			credentials: credentials(),
			nodeTypes: { [ONE_AT_A_TIME]: new OneAtATime() },
		});
		expect(result.error?.message).toBeUndefined();
		const runs = (result.run.data.resultData.runData[VEO] ?? []).map(
			(run) => run.data?.main?.[0]?.[0] as INodeExecutionData,
		);
		record('a node run once per item of a loop (5 runs), Max Videos 1', runs);
		expect(runs).toHaveLength(5);
		expect(posts()).toBe(1);
		expect(runs[0].json.status).toBe('completed');
		for (const row of runs.slice(1))
			expect(String(row.json.error)).toContain("this execution's budget of 1 video was reached");
		expect(runs[4].json.runTotals).toMatchObject({
			videos: 1,
			possiblyAccepted: 0,
			notSubmittedForBudget: 4,
		});
	});

	it('Retry On Fail after a partial batch counts every generation once', async () => {
		// Item 0 ends at the API with its documented, uncharged error, which n8n retries (its row is an
		// error row) and which a retry may buy anew; items 1 to 3 are resumed by each retry, not bought or
		// counted again. Every generation of every try is in the totals once: each try alone would say 4.
		const items = [{ prompt: `retry 0 ${MARKER_ERROR}` }, ...prompts('retry', 4).slice(1)];
		const result = await runWorkflow({
			workflow: workflow(items, [
				veoNode(VEO, params({ maxVideos: 10 }), {
					onError: 'continueRegularOutput',
					retryOnFail: true,
					maxTries: 3,
					waitBetweenTries: 10,
				}),
			]),
			credentials: credentials(),
		});
		const rows = result.items(VEO);
		record(`Retry On Fail (${result.runCount(VEO)} tries), 1 of 4 items failing at the API`, rows);
		expect(result.runCount(VEO)).toBeGreaterThan(1);
		expect(posts()).toBe(3 + result.runCount(VEO));
		const charged = sim.generations.reduce((sum, generation) => sum + generation.credits, 0);
		expect(rows[0].json.runTotals).toMatchObject({
			videos: posts(),
			credits: charged,
			possiblyAccepted: 0,
		});
	});
});

/**
 * Loop Over Items with a batch size of 1, as n8n's Split In Batches v3 does it: the first run takes
 * the items, each later run (fed back by the looped node) puts out the next one on "loop", and
 * "done" once none is left. The looped node thus runs once per item, with run index 0, 1, 2, …
 */
const ONE_AT_A_TIME = 'harness.oneAtATime';

class OneAtATime implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'One At A Time',
		name: 'oneAtATime',
		group: ['transform'],
		version: 1,
		description: 'Puts out its items one per run',
		defaults: { name: 'One At A Time' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['done', 'loop'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const context = this.getContext('node');
		if (context.left === undefined) context.left = this.getInputData().map((item) => item.json);
		const left = context.left as IDataObject[];
		const next = left.shift();
		return next ? [[], [{ json: next }]] : [[{ json: { done: true } }], []];
	}
}
