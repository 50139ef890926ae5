/**
 * Builders of a workflow's JSON as n8n's editor exports it: a node, the Manual Trigger a test
 * workflow starts from, and a node's wires. Positions only place nodes on the canvas.
 */
import type { WorkflowNodeJson } from './engine';

/** A node of type version 1 at the canvas's origin unless `extra` says otherwise. */
export const workflowNode = (
	name: string,
	type: string,
	parameters: Record<string, unknown> = {},
	extra: Partial<WorkflowNodeJson> = {},
): WorkflowNodeJson => ({ name, type, typeVersion: 1, position: [0, 0], parameters, ...extra });

/** The Manual Trigger named Start. */
export const startNode = (): WorkflowNodeJson =>
	workflowNode('Start', 'n8n-nodes-base.manualTrigger');

/** A node's outputs, one target each, in order (output 0 to the first name). */
export const to = (...names: string[]) =>
	names.map((name) => [{ node: name, type: 'main', index: 0 }]);
