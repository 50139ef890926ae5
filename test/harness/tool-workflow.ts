// A workflow that calls the node as an AI agent's tool once per entry of `calls`, in one
// execution, the way n8n's Tool Executor does (see tool.ts), and the node types it needs.
import type { IDataObject } from 'n8n-workflow';

import type { WorkflowJson, WorkflowNodeJson } from './engine';
import { loadDefaultNodeTypes } from './engine';
import { AIMLAPI_VEO_NODE_TYPE } from './node-types';
import { TOOL_CALLER_TYPE, ToolCaller, toolVariantOf } from './tool';
import { startNode } from './workflow-json';

export const TOOL_TYPE = `${AIMLAPI_VEO_NODE_TYPE}Tool`;

type Credentials = Record<string, { id: string; name: string }>;

/** The node's tool variant, named `toolName` (`extra`: settings such as Retry On Fail). */
export function toolNode(
	toolName: string,
	parameters: Record<string, unknown>,
	credentials: Credentials,
	extra: Partial<WorkflowNodeJson> = {},
): WorkflowNodeJson {
	return {
		name: toolName,
		type: TOOL_TYPE,
		typeVersion: 1,
		position: [200, 200],
		parameters,
		credentials,
		...extra,
	};
}

/**
 * Manual Trigger → Tool Caller (one call per entry of `calls`), with the node as the tool `toolName`
 * on the caller's ai_tool input.
 */
export function toolCallsWorkflow(
	toolName: string,
	parameters: Record<string, unknown>,
	calls: IDataObject[],
	credentials: Credentials,
	extra: Partial<WorkflowNodeJson> = {},
): WorkflowJson {
	return {
		name: 'tool calls',
		nodes: [
			startNode(),
			{
				name: 'Tool Caller',
				type: TOOL_CALLER_TYPE,
				typeVersion: 1,
				position: [200, 0],
				parameters: { calls: JSON.stringify(calls) },
			},
			toolNode(toolName, parameters, credentials, extra),
		],
		connections: {
			Start: { main: [[{ node: 'Tool Caller', type: 'main', index: 0 }]] },
			[toolName]: { ai_tool: [[{ node: 'Tool Caller', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** The node types a tool-call workflow runs with: the tool variant of the node and the caller. */
export function toolCallNodeTypes() {
	return {
		[TOOL_TYPE]: toolVariantOf(loadDefaultNodeTypes()[AIMLAPI_VEO_NODE_TYPE] as never),
		[TOOL_CALLER_TYPE]: new ToolCaller(),
	};
}
