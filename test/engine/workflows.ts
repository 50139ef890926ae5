/** Workflows for engine tests: Manual Trigger → (items) → AIML API Veo [→ more nodes]. */
import type { WorkflowJson, WorkflowNodeJson } from '../harness/engine';
import { AIMLAPI_VEO_NODE_TYPE } from '../harness/node-types';

export const VEO = 'AIML API Veo';
export const CREDENTIAL = { aimlVeoApi: { id: 'aimlapi-veo-credential', name: 'AIML API account' } };

export function veoNode(name: string, parameters: Record<string, unknown>, extra: Partial<WorkflowNodeJson> = {}): WorkflowNodeJson {
	return { name, type: AIMLAPI_VEO_NODE_TYPE, typeVersion: 1, position: [600, 0], parameters, credentials: CREDENTIAL, ...extra };
}

/**
 * Manual Trigger → Set (one item per row) → each node of `chain` in turn. Rows become the
 * items the first chained node receives, so parameters can map them with expressions.
 */
export function workflow(rows: Array<Record<string, unknown>>, chain: WorkflowNodeJson[]): WorkflowJson {
	const nodes: WorkflowNodeJson[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			name: 'Rows',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }), options: {} },
		},
		{ name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
		...chain,
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name: 'engine test', nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Generate Video parameters: prompt from the item, short waits for the simulator. */
export function generateParams(overrides: Record<string, unknown> = {}, waitOptions: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		operation: 'generate',
		model: 'google/veo-3.0-fast',
		prompt: '={{ $json.prompt }}',
		options: {},
		waitForCompletion: true,
		downloadVideo: true,
		binaryPropertyName: 'data',
		waitOptions: { pollInterval: 1, maxWait: 60, ...waitOptions },
		...overrides,
	};
}

export function getParams(overrides: Record<string, unknown> = {}, waitOptions: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		operation: 'get',
		generationId: '={{ $json.id }}',
		waitForCompletion: true,
		downloadVideo: true,
		binaryPropertyName: 'data',
		waitOptions: { pollInterval: 1, maxWait: 60, ...waitOptions },
		...overrides,
	};
}
