/** Workflows for engine tests: Manual Trigger → (pinned items) → AIML API Veo [→ more nodes]. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { RunWorkflowResult, WorkflowJson, WorkflowNodeJson } from '../harness/engine';
import { AIMLAPI_VEO_NODE_TYPE } from '../harness/node-types';
import { startNode } from '../harness/workflow-json';

export const VEO = 'AIML API Veo';
export const CREDENTIAL = {
	aimlVeoApi: { id: 'aimlapi-veo-credential', name: 'AIML API account' },
};

export function veoNode(
	name: string,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNodeJson> = {},
): WorkflowNodeJson {
	return {
		name,
		type: AIMLAPI_VEO_NODE_TYPE,
		typeVersion: 1,
		position: [600, 0],
		parameters,
		credentials: CREDENTIAL,
		...extra,
	};
}

/**
 * Manual Trigger → Rows → each node of `chain` in turn. Rows is an Edit Fields node whose output is
 * pinned to one item per row, so parameters of the first chained node can map them with expressions.
 */
export function workflow(
	rows: Array<Record<string, unknown>>,
	chain: WorkflowNodeJson[],
): WorkflowJson {
	const nodes: WorkflowNodeJson[] = [
		startNode(),
		{
			name: 'Rows',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: {},
		},
		...chain,
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		name: 'engine test',
		nodes,
		connections,
		pinData: { Rows: rows.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

/** One of examples/*.json, as saved. */
export function readExample(file: string): WorkflowJson {
	return JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8'),
	) as WorkflowJson;
}

/** Pins a node's output, as n8n's editor does: the node hands on these items and does not run. */
export function pin(
	workflow: WorkflowJson,
	nodeName: string,
	items: Array<IDataObject | INodeExecutionData>,
): WorkflowJson {
	if (!workflow.nodes.some((node) => node.name === nodeName))
		throw new Error(`the workflow has no node "${nodeName}"`);
	const asItem = (item: IDataObject | INodeExecutionData) =>
		('json' in item && typeof item.json === 'object' ? item : { json: item }) as INodeExecutionData;
	workflow.pinData = { ...workflow.pinData, [nodeName]: items.map(asItem) };
	return workflow;
}

/**
 * What an example's Edit Fields node sets, read from its literal values (the examples' Edit Fields
 * nodes hold no expressions): the raw JSON, or one field per assignment.
 */
export function fieldsOf(workflow: WorkflowJson, nodeName: string): IDataObject {
	const parameters = workflow.nodes.find((node) => node.name === nodeName)?.parameters as
		| {
				mode?: string;
				jsonOutput?: string;
				assignments?: { assignments: Array<{ name: string; value: unknown }> };
		  }
		| undefined;
	if (parameters === undefined) throw new Error(`the workflow has no node "${nodeName}"`);
	if (parameters.mode === 'raw') return JSON.parse(String(parameters.jsonOutput)) as IDataObject;
	const fields: IDataObject = {};
	for (const { name, value } of parameters.assignments?.assignments ?? []) {
		if (typeof value === 'string' && value.startsWith('='))
			throw new Error(`"${nodeName}" sets ${name} with an expression`);
		fields[name] = value as IDataObject[string];
	}
	return fields;
}

/** The bytes where an MP4 says "ftyp", in the first item a node (a Save MP4 node, say) received. */
export async function mp4Header(
	result: RunWorkflowResult,
	nodeName: string,
	property = 'data',
): Promise<string> {
	const [item] = result.items(nodeName);
	if (item === undefined) throw new Error(`"${nodeName}" received nothing`);
	return (await result.binaryBuffer(item, property)).toString('latin1', 4, 8);
}

/** Generate Video parameters: prompt from the item, short waits for the simulator. */
export function generateParams(
	overrides: Record<string, unknown> = {},
	waitOptions: Record<string, unknown> = {},
): Record<string, unknown> {
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

export function getParams(
	overrides: Record<string, unknown> = {},
	waitOptions: Record<string, unknown> = {},
): Record<string, unknown> {
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
