/**
 * Running the node's AI tool in real n8n without a language model: the way n8n's editor runs a tool
 * on its own. Asked to run a tool node, n8n (manual-execution.service, n8n-core's rewireGraph)
 * replaces the agent the tool feeds with its hidden Tool Executor node
 * (`@n8n/n8n-nodes-langchain.toolExecutor`), which takes the tool from its `ai_tool` input and calls
 * it once. The answer is what an agent would get: the items' JSON. Its parameters: in n8n 2.x
 * `query`, the tool's arguments keyed by tool name as JSON, `toolName` and `node`, the tool node's
 * name; in n8n 1.x `query`, the arguments themselves, and `toolName`.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

import type { Simulator } from '../simulator';
import {
	instance,
	nodeOf,
	readExample,
	REPO_ROOT,
	type N8nInstall,
	type RunData,
	type Workflow,
} from './support';

export const TOOL_EXECUTOR_TYPE = '@n8n/n8n-nodes-langchain.toolExecutor';
const TRIGGER = {
	name: 'When clicking ‘Execute workflow’',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

type WorkflowNode = Workflow['nodes'][number];

/** What an agent gets of a tool node of an example, by n8n's own code (test/e2e/rig/tool-schema.js), in the user folder of `env`. */
export function toolAsAgentSeesIt(
	n8n: N8nInstall,
	env: NodeJS.ProcessEnv,
	example: string,
	nodeName: string,
) {
	const script = path.join(REPO_ROOT, 'test', 'e2e', 'rig', 'tool-schema.js');
	const result = spawnSync(
		n8n.node,
		[script, n8n.dir, path.join(REPO_ROOT, 'examples', example), nodeName],
		{ encoding: 'utf8', env },
	);
	if (result.status !== 0)
		throw new Error(`tool-schema.js exited with ${result.status}: ${result.stderr}`);
	return {
		stderr: result.stderr,
		...(JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as {
			name: string;
			description: string;
			schema: Record<string, unknown>;
		}),
	};
}

/** The AI Agent example's tool node as it is, polling every second (the simulator is quick). */
export function exampleTool(): WorkflowNode {
	const tool = nodeOf(readExample('ai-agent-tool.json'), 'generate_video');
	tool.parameters.waitOptions = { ...(tool.parameters.waitOptions as object), pollInterval: 1 };
	return tool;
}

/** A manual trigger into `root`, the tool on `root`'s `ai_tool` input. */
function toolFeeding(name: string, root: WorkflowNode, tool: WorkflowNode): Omit<Workflow, 'id'> {
	return {
		name,
		nodes: [TRIGGER, root, tool],
		connections: {
			[TRIGGER.name]: { main: [[{ node: root.name, type: 'main', index: 0 }]] },
			[tool.name]: { ai_tool: [[{ node: root.name, type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** What the editor holds: the example's AI Agent with the tool. */
export function agentWithTool(tool: WorkflowNode): Omit<Workflow, 'id'> {
	return toolFeeding(
		'AI Agent with the Veo tool',
		nodeOf(readExample('ai-agent-tool.json'), 'AI Agent'),
		tool,
	);
}

/** The graph n8n makes of `agentWithTool` to run the tool on its own, written out for `n8n execute`. */
export function toolExecutorWorkflow(
	n8nVersion: string,
	tool: WorkflowNode,
	args: Record<string, unknown>,
): Omit<Workflow, 'id'> {
	const parameters = n8nVersion.startsWith('1.')
		? { query: JSON.stringify(args), toolName: tool.name }
		: { query: JSON.stringify({ [tool.name]: args }), toolName: tool.name, node: tool.name };
	return toolFeeding(
		'The Veo tool run on its own',
		{
			name: 'Tool Executor',
			type: TOOL_EXECUTOR_TYPE,
			typeVersion: 1,
			position: [220, 0],
			parameters,
		},
		tool,
	);
}

type RunEntry = { data?: Record<string, Array<RunData[] | null> | undefined> };

/** The tool's answer as n8n recorded it (`{ response }` on its `ai_tool` output), and how many items of the run carry binary data. */
export function toolAnswer(
	runData: Record<string, unknown>,
	toolName: string,
): { answer: Array<Record<string, unknown>>; binaryItems: number } {
	const runs = (runData[toolName] ?? []) as RunEntry[];
	const response = runs[0]?.data?.ai_tool?.[0]?.[0]?.json?.response;
	if (!Array.isArray(response))
		throw new Error(
			`the tool ${toolName} recorded no answer: ${JSON.stringify(runs).slice(0, 2000)}`,
		);
	let binaryItems = 0;
	for (const entries of Object.values(runData) as RunEntry[][]) {
		for (const entry of entries) {
			for (const output of Object.values(entry.data ?? {})) {
				for (const item of (output ?? []).flat()) if (item?.binary) binaryItems++;
			}
		}
	}
	return { answer: response as Array<Record<string, unknown>>, binaryItems };
}

/** What reached the simulator: its POSTs so far, the generations of one prompt, and downloads of one video. */
export function simulatorSaw(simulator: Simulator, prompt: string, videoUrl: unknown) {
	const videoPath = typeof videoUrl === 'string' ? new URL(videoUrl).pathname : undefined;
	return {
		posts: simulator.requests.filter(
			(request) => request.origin === 'api' && request.method === 'POST',
		).length,
		generations: simulator.generations.filter((generation) => generation.prompt === prompt),
		downloads: simulator.requests.filter(
			(request) => request.origin === 'cdn' && request.path === videoPath,
		).length,
	};
}

/**
 * Runs the tool node of a saved workflow as the editor's "Execute step" does: `POST
 * /rest/workflows/:id/run` with the node as destination and the tool's arguments as the agent
 * request, then waits for the execution and reads its run data.
 */
export async function runToolLikeTheEditor(
	n8n: N8nInstall,
	url: string,
	cookie: string,
	workflowId: string,
	toolName: string,
	args: Record<string, unknown>,
) {
	const started = await instance.rest<{ executionId?: string }>(
		url,
		cookie,
		'POST',
		`/workflows/${workflowId}/run`,
		{
			destinationNode: { nodeName: toolName, mode: 'inclusive' },
			agentRequest: { query: { [toolName]: args }, tool: { name: toolName } },
		},
	);
	if (!started?.executionId)
		throw new Error(`n8n started no execution: ${JSON.stringify(started)}`);
	const read = await instance.waitForExecution(
		n8n,
		url,
		cookie,
		started.executionId,
		undefined,
		120_000,
	);
	return {
		status: read.status,
		runData: read.runData as Record<string, unknown>,
		error: read.error as { message?: string } | undefined,
	};
}
