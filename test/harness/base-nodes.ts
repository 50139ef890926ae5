// The n8n-nodes-base node types the in-process engine tests still need. n8n-nodes-base is not a
// dependency: the real nodes run in the e2e tests, in both n8n versions. Here a workflow gives the
// nodes that only shape the Veo node's input (Set, Split Out, HTTP Request, Merge) pinned output,
// as a user testing a workflow in n8n's editor does, and those nodes load as `pinnedOnly` types.
// What is left has to run: a workflow starts from a trigger, a test reads what reached its end
// node, and a loop goes round a Wait node with new items each time, which a pin cannot give.
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { WorkflowJson } from './engine';
import type { NodeTypeMap } from './node-types';

function descriptionOf(name: string, inputs: number, outputs: number): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: `In-process stand-in for n8n's ${name} node`,
		defaults: { name },
		inputs: Array.from({ length: inputs }, () => NodeConnectionTypes.Main),
		outputs: Array.from({ length: outputs }, () => NodeConnectionTypes.Main),
		properties: [],
	};
}

/**
 * Manual Trigger and Schedule Trigger as a manual run sees them: one empty item, emitted when
 * n8n-core asks for it.
 */
export class TriggerStandIn implements INodeType {
	description: INodeTypeDescription = { ...descriptionOf('trigger', 0, 1), group: ['trigger'] };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray([{}])]);
		};
		return { manualTriggerFunction };
	}
}

/**
 * No Operation, and the capture a test reads a workflow's end through: its output is what it
 * received. Read/Write Files loads as one too, so a test sees the MP4 a Write File node was given
 * (the real node writing it to disk is an e2e case).
 */
export class CaptureStandIn implements INodeType {
	description: INodeTypeDescription = descriptionOf('capture', 1, 1);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/**
 * A node whose output the workflow pins: n8n-core hands on the pinned items and never runs it. It
 * declares as many inputs as the workflow connects to it (a Merge node has two). Run unpinned, it
 * says so instead of inventing what n8n's node would have done.
 */
export function pinnedOnly(type: string, inputs = 1): INodeType {
	return {
		description: descriptionOf(type, inputs, 1),
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			throw new NodeOperationError(
				this.getNode(),
				`${type} does not run in the engine tests: pin its output (pinData)`,
			);
		},
	};
}

/** What a test's Wait node does as it lets items through: move its clock, count; false stops the loop. */
export type OnWait = (seconds: number, items: INodeExecutionData[]) => boolean | void;

const SECONDS_PER_UNIT: Record<string, number> = {
	seconds: 1,
	minutes: 60,
	hours: 3600,
	days: 86400,
};

/**
 * n8n's Wait node (Resume: After Time Interval) as a loop sees it: the items come out unchanged,
 * after `onWait` moved the test's clock. (In n8n a wait over 65 s saves the execution and ends it;
 * the resume carries on from there, as the e2e tests show.)
 */
export function waitStandIn(onWait: OnWait): INodeType {
	return {
		description: {
			...descriptionOf('wait', 1, 1),
			properties: [
				{ displayName: 'Amount', name: 'amount', type: 'number', default: 1 },
				{ displayName: 'Unit', name: 'unit', type: 'string', default: 'hours' },
			],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const unit = this.getNodeParameter('unit', 0) as string;
			const seconds = (this.getNodeParameter('amount', 0) as number) * SECONDS_PER_UNIT[unit];
			const items = this.getInputData();
			return onWait(seconds, items) === false ? [[]] : [items];
		},
	};
}

/** The stand-ins by the type names n8n gives the real nodes. */
export function baseNodeTypes(): NodeTypeMap {
	return {
		'n8n-nodes-base.manualTrigger': new TriggerStandIn(),
		'n8n-nodes-base.scheduleTrigger': new TriggerStandIn(),
		'n8n-nodes-base.noOp': new CaptureStandIn(),
		'n8n-nodes-base.readWriteFile': new CaptureStandIn(),
		// Canvas annotations: loaded with the workflow, never run.
		'n8n-nodes-base.stickyNote': { description: descriptionOf('stickyNote', 0, 0) },
	};
}

/** A `pinnedOnly` type for each pinned node whose type the run does not know otherwise. */
export function pinnedNodeTypes(workflow: WorkflowJson, known: NodeTypeMap): NodeTypeMap {
	const types: NodeTypeMap = {};
	for (const node of workflow.nodes) {
		if (workflow.pinData?.[node.name] === undefined || node.type in known) continue;
		types[node.type] = pinnedOnly(node.type, connectedInputs(workflow, node.name));
	}
	return types;
}

function connectedInputs(workflow: WorkflowJson, nodeName: string): number {
	type Link = { node: string; index: number } | null;
	let inputs = 1;
	for (const source of Object.values(workflow.connections) as Array<{ main?: Link[][] }>) {
		for (const link of (source.main ?? []).flat()) {
			if (link?.node === nodeName) inputs = Math.max(inputs, link.index + 1);
		}
	}
	return inputs;
}
