/**
 * The node's output schemas as a running n8n serves and shows them: where the editor asks for a
 * schema, the files it should get, and a workflow in which the AIML API Veo node has never run
 * and feeds an Edit Fields node, whose input panel then previews the fields of the schema.
 */
import * as fs from 'fs';
import * as path from 'path';

import { REPO_ROOT, type Workflow } from './support';

export type Operation = 'generate' | 'get';

/** The schema file the package ships for a node version and an operation. */
export function shippedSchema(version: number, operation: Operation): unknown {
	return JSON.parse(
		fs.readFileSync(
			path.join(
				REPO_ROOT,
				'nodes',
				'AimlApiVeo',
				'__schema__',
				`v${version}.0.0`,
				`${operation}.json`,
			),
			'utf8',
		),
	);
}

/**
 * Where n8n's editor asks for a node's output schema: the version padded to three parts, then the
 * operation (a node without a `resource` parameter has only the operation after the version).
 */
export function schemaRoute(nodeType: string, version: number, operation: Operation): string {
	return `/schemas/${nodeType}/${version}.0.0/${operation}.json`;
}

export const PREVIEW_NEXT_NODE = 'Edit Fields';

/** Manual Trigger → AIML API Veo (Generate Video, never run) → Edit Fields, which maps two of its fields. */
export function previewWorkflow(
	nodeType: string,
	credentials: Record<string, unknown>,
): Omit<Workflow, 'id'> {
	return {
		name: 'Output schema preview',
		nodes: [
			{
				id: 'b0000000-0000-4000-8000-000000000001',
				name: 'When clicking ‘Execute workflow’',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'b0000000-0000-4000-8000-000000000002',
				name: 'AIML API Veo',
				type: nodeType,
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					operation: 'generate',
					model: {
						__rl: true,
						mode: 'list',
						value: 'google/veo-3.0-fast',
						cachedResultName: 'Veo 3 Fast (Text to Video)',
					},
					prompt: 'A red fox trots through fresh snow at dawn, cinematic slow motion',
				},
				credentials,
			},
			{
				id: 'b0000000-0000-4000-8000-000000000003',
				name: PREVIEW_NEXT_NODE,
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [440, 0],
				parameters: {
					assignments: {
						assignments: [
							{
								id: 'c0000000-0000-4000-8000-000000000001',
								name: 'video',
								value: '={{ $json.videoUrl }}',
								type: 'string',
							},
							{
								id: 'c0000000-0000-4000-8000-000000000002',
								name: 'spentUsd',
								value: '={{ $json.cost.usd }}',
								type: 'number',
							},
						],
					},
					options: {},
				},
			},
		],
		connections: {
			'When clicking ‘Execute workflow’': {
				main: [[{ node: 'AIML API Veo', type: 'main', index: 0 }]],
			},
			'AIML API Veo': { main: [[{ node: PREVIEW_NEXT_NODE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
