/**
 * The node as an AI agent's tool, on n8n-core's engine against the simulator, both ways n8n runs a
 * tool: invoked through n8n-core's tool machinery (createNodeAsTool, a SupplyDataContext: agents
 * before version 3 and the editor's Tool Executor), and as a plain workflow step of the tool type
 * (how an AI Agent of version 3 has the engine run it). And the plain node, unchanged.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { GENERATE_TOOL_DESCRIPTION } from '../../nodes/AimlApiVeo/actions/tool';
import { DEFAULT_MAX_WAIT_S } from '../../nodes/AimlApiVeo/actions/common';
import { MODELS } from '../../nodes/AimlApiVeo/request/models';
import { PRICES } from '../../nodes/AimlApiVeo/spend/prices';
import type { WorkflowNodeJson } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import { AIMLAPI_VEO_NODE_TYPE } from '../harness/node-types';
import { toolCallNodeTypes, toolCallsWorkflow, toolNode } from '../harness/tool-workflow';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, startSimulator } from '../simulator';
import { CREDENTIAL, VEO, workflow } from './workflows';

const TOOL = 'generate_video';
const PROMPT = "={{ $fromAI('prompt', 'What the video should show', 'string') }}";

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });
const posts = () => sim.requests.filter((r) => r.origin === 'api' && r.method === 'POST');

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 2 } });
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

/** The tool's parameters as a user leaves them: only what the tool needs, every default n8n's. */
function toolParameters(extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		operation: 'generate',
		model: 'google/veo-3.0-fast',
		prompt: PROMPT,
		waitOptions: { pollInterval: 1, maxWait: 60 },
		...extra,
	};
}

type Call = { tool: string; description: string; answer: IDataObject[]; error?: string };

/** Calls the tool once per entry of `calls` in one execution; what each call gave the agent. */
async function callToolInTurn(
	parameters: Record<string, unknown>,
	calls: IDataObject[],
	extra: Partial<WorkflowNodeJson> = {},
) {
	const result = await runWorkflow({
		workflow: toolCallsWorkflow(TOOL, parameters, calls, CREDENTIAL, extra),
		credentials: credentials(),
		nodeTypes: toolCallNodeTypes(),
	});
	expect(result.error?.message).toBeUndefined();
	const toolRuns = (result.run.data.resultData.runData[TOOL] ?? []) as Array<{
		data?: Record<string, INodeExecutionData[][]>;
	}>;
	return { calls: result.items('Tool Caller').map((item) => item.json as Call), toolRuns };
}

async function callTool(
	parameters: Record<string, unknown>,
	args: IDataObject = { prompt: 'a paper boat in the rain' },
	extra: Partial<WorkflowNodeJson> = {},
) {
	const { calls, toolRuns } = await callToolInTurn(parameters, [args], extra);
	expect(calls[0].error).toBeUndefined();
	return { called: calls[0], toolRuns };
}

/** The tool's node as a plain step fed by the items of `rows`, as the engine runs it for an agent of version 3. */
async function runAsStep(
	rows: Array<Record<string, unknown>>,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNodeJson> = {},
) {
	const result = await runWorkflow({
		workflow: workflow(rows, [toolNode(TOOL, parameters, CREDENTIAL, extra)]),
		credentials: credentials(),
		nodeTypes: toolCallNodeTypes(),
	});
	expect(result.error?.message).toBeUndefined();
	const outputs = (result.run.data.resultData.runData[TOOL]?.[0]?.data?.main ??
		[]) as INodeExecutionData[][];
	return { rows: result.items(TOOL), outputs };
}

/** The answer for the one generation of the test, which the simulator ended with its content-policy error. */
function failureAnswer() {
	const { id } = sim.generations[0];
	return {
		error: `Generation ${id} failed: ContentPolicyViolation: The prompt was blocked by the safety filter.`,
		description: expect.stringContaining('rephrase the prompt'),
		id,
		status: 'error',
		cost: charged(id),
	};
}

/** What the simulator charged for a generation, as the node reports a cost. */
function charged(id: unknown) {
	const generation = sim.generations.find((g) => g.id === id);
	return { credits: generation?.credits, usd: generation?.usd };
}

describe('called as a tool (n8n-core createNodeAsTool)', () => {
	it('answers with the video URL, id, status and cost only, and downloads nothing', async () => {
		const { called, toolRuns } = await callTool(toolParameters());
		expect(called.tool).toBe(TOOL);
		const generation = sim.generations[0];
		expect(called.answer).toEqual([
			{
				id: generation.id,
				status: 'completed',
				videoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/.+\.mp4$/),
				videoUrls: [expect.any(String)],
				cost: charged(generation.id),
			},
		]);
		expect(generation.body).toEqual({
			model: 'google/veo-3.0-fast',
			prompt: 'a paper boat in the rain',
		});
		expect(posts()).toHaveLength(1);
		expect(sim.counters().cdnRequests).toBe(0);
		// What n8n-core logged as the tool's output: the same answer, and no file.
		expect(toolRuns).toHaveLength(1);
		expect(toolRuns[0].data?.ai_tool?.[0]?.[0]).toEqual({ json: { response: called.answer } });
	});

	it('a generation with two videos: the answer lists both in videoUrls, videoUrl the first', async () => {
		const { called } = await callTool(toolParameters(), { prompt: 'two boats [sim:videos=2]' });
		const [answer] = called.answer as Array<{ videoUrl: string; videoUrls: string[] }>;
		expect(answer.videoUrls).toHaveLength(2);
		expect(new Set(answer.videoUrls).size).toBe(2);
		expect(answer.videoUrl).toBe(answer.videoUrls[0]);
		expect(Object.keys(answer).sort()).toEqual(['cost', 'id', 'status', 'videoUrl', 'videoUrls']);
		expect(sim.counters().cdnRequests).toBe(0);
	});

	it('gives the agent the tool description the node defines, which n8n-core reads from the tool parameters', async () => {
		const { called } = await callTool(toolParameters());
		expect(called.description).toBe(GENERATE_TOOL_DESCRIPTION);
	});

	it('downloads the MP4 when the tool option asks for it, and the agent still gets only the JSON', async () => {
		const { called } = await callTool(toolParameters({ downloadVideo: true }));
		expect(Object.keys(called.answer[0]).sort()).toEqual([
			'cost',
			'id',
			'status',
			'videoUrl',
			'videoUrls',
		]);
		expect(sim.counters().cdnRequests).toBe(1);
	});

	it('uses a description the user wrote instead of the default', async () => {
		const { called } = await callTool(
			toolParameters({ toolDescription: 'Makes an 8 s clip of a product for the shop.' }),
		);
		expect(called.description).toBe('Makes an 8 s clip of a product for the shop.');
	});

	it('answers a failure with the error, what to do and the generation, even when the node is set to an error output', async () => {
		// A tool has one output, its answer: the failure stays in it, with its fields at the top.
		const { called } = await callTool(
			toolParameters(),
			{ prompt: 'blocked [sim:error]' },
			{ onError: 'continueErrorOutput' },
		);
		expect(called.answer).toEqual([failureAnswer()]);
	});
});

describe('run as a workflow step of the tool type (AI Agent version 3)', () => {
	it('outputs the agent fields and no binary by default', async () => {
		const { rows } = await runAsStep([{ prompt: 'a fox in snow' }], toolParameters());
		expect(rows).toHaveLength(1);
		expect(rows[0].binary).toBeUndefined();
		expect(rows[0].json).toEqual({
			id: sim.generations[0].id,
			status: 'completed',
			videoUrl: expect.any(String),
			videoUrls: [expect.any(String)],
			cost: charged(sim.generations[0].id),
		});
		expect(rows[0].pairedItem).toEqual({ item: 0 });
		expect(sim.counters().cdnRequests).toBe(0);
	});

	it('puts the MP4 in the output only when asked', async () => {
		const { rows } = await runAsStep(
			[{ prompt: 'a fox in snow' }],
			toolParameters({ downloadVideo: true }),
		);
		expect(rows[0].binary?.data).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4' });
		expect(Object.keys(rows[0].json).sort()).toEqual([
			'cost',
			'id',
			'status',
			'videoUrl',
			'videoUrls',
		]);
		expect(sim.counters().cdnRequests).toBe(1);
	});

	it('never splits into Done and Running: one answer with the queued generation when waiting is off', async () => {
		const { rows, outputs } = await runAsStep(
			[{ prompt: 'a fox in snow' }],
			toolParameters({ waitForCompletion: false, splitByState: true }),
		);
		expect(outputs).toHaveLength(1);
		expect(rows).toEqual([
			{
				json: { id: sim.generations[0].id, status: 'queued', cost: charged(sim.generations[0].id) },
				pairedItem: { item: 0 },
			},
		]);
		expect(posts()).toHaveLength(1);
	});

	it('keeps a failure in the answer with what the agent needs to know, under Continue On Fail', async () => {
		const { rows } = await runAsStep([{ prompt: 'blocked [sim:error]' }], toolParameters(), {
			onError: 'continueRegularOutput',
		});
		expect(rows.map((row) => row.json)).toEqual([failureAnswer()]);
	});
});

describe('the plain node, not a tool', () => {
	it('still downloads the MP4 by default and outputs the whole generation with the run totals', async () => {
		const parameters = {
			operation: 'generate',
			model: 'google/veo-3.0-fast',
			prompt: '={{ $json.prompt }}',
			waitOptions: { pollInterval: 1, maxWait: 60 },
		};
		const result = await runWorkflow({
			workflow: workflow(
				[{ prompt: 'a fox in snow' }],
				[
					{
						name: VEO,
						type: AIMLAPI_VEO_NODE_TYPE,
						typeVersion: 1,
						position: [600, 0],
						parameters,
						credentials: CREDENTIAL,
					},
				],
			),
			credentials: credentials(),
		});
		const [row] = result.items(VEO);
		expect(row.binary?.data?.mimeType).toBe('video/mp4');
		expect(row.json).toMatchObject({
			status: 'completed',
			video: { url: expect.any(String) },
			videoUrl: expect.any(String),
			runTotals: { videos: 1 },
		});
		expect(sim.counters().cdnRequests).toBe(1);
	});
});

describe('the default tool description', () => {
	it('names the time, the default Max Wait and the cheapest, dearest and default price from the tables', () => {
		const videos = MODELS.flatMap((model) =>
			(model.durations ?? [8]).map((seconds) => PRICES[model.id].usdPerSecond * seconds),
		);
		const usd = (amount: number) => `$${amount.toFixed(2)}`;
		expect(GENERATE_TOOL_DESCRIPTION).toContain(
			`${usd(Math.min(...videos))}–${usd(Math.max(...videos))}`,
		);
		expect(GENERATE_TOOL_DESCRIPTION).toContain(
			`about ${usd(PRICES['google/veo-3.0-fast'].usdPerSecond * 8)}`,
		);
		expect(GENERATE_TOOL_DESCRIPTION).toContain(`${DEFAULT_MAX_WAIT_S} seconds`);
		expect(GENERATE_TOOL_DESCRIPTION).toMatch(/1–3 minutes/);
		expect(GENERATE_TOOL_DESCRIPTION).toMatch(
			/videoUrl \(and videoUrls, [^)]*\), id, status and cost/,
		);
	});
});

describe('a generation a tool call bought is not bought again', () => {
	/** The CDN answers 404 to the first download, then heals: the call fails after the API accepted its generation. */
	function cdnFailsOnce() {
		sim.setOptions({ faults: { cdnStatus: 404 } });
		void sim
			.whenRequest((r) => r.origin === 'cdn' && r.status === 404)
			.then(() => sim.setOptions({ faults: {} }));
	}
	afterEach(() => sim.setOptions({ faults: {} }));

	it("by n8n's Retry On Fail: the next try resumes the generation the failed try had submitted", async () => {
		cdnFailsOnce();
		const { called, toolRuns } = await callTool(
			toolParameters({ downloadVideo: true }),
			{ prompt: 'a slow sunrise' },
			{ retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		);
		// n8n-core ran the tool twice, each try under a run index of its own.
		expect(toolRuns).toHaveLength(2);
		expect(posts()).toHaveLength(1);
		expect(called.answer).toEqual([
			{
				id: sim.generations[0].id,
				status: 'completed',
				videoUrl: expect.any(String),
				videoUrls: [expect.any(String)],
				cost: charged(sim.generations[0].id),
			},
		]);
	});

	it('by the agent calling again with the same arguments after an error: the call picks up the same generation', async () => {
		cdnFailsOnce();
		const { calls } = await callToolInTurn(toolParameters({ downloadVideo: true }), [
			{ prompt: 'a slow sunrise' },
			{ prompt: 'a slow sunrise' },
		]);
		const { id } = sim.generations[0];
		expect(calls[0].error).toContain(id);
		expect(calls[1].answer).toEqual([expect.objectContaining({ id, status: 'completed' })]);
		expect(posts()).toHaveLength(1);
	});

	it('but a call that ended with its video is done: the same arguments again make a new video', async () => {
		const { calls } = await callToolInTurn(toolParameters(), [
			{ prompt: 'a slow sunrise' },
			{ prompt: 'a slow sunrise' },
		]);
		expect(posts()).toHaveLength(2);
		expect(calls.map((call) => call.answer[0].id)).toEqual(
			sim.generations.map((generation) => generation.id),
		);
	});
});
