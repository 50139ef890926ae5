/**
 * What the engine tests of the durable loop share: the node on the test's clock and its parameters for
 * the loop (split by state, no in-run wait). Its nodes and wires are built with workflow-json.ts.
 * Each test keeps its own Wait node, since what happens between rounds is what it tests.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { AimlApiVeo } from '../../nodes/AimlApiVeo/AimlApiVeo.node';
import { executeItems } from '../../nodes/AimlApiVeo/run/execute';
import type { Clock } from '../../nodes/AimlApiVeo/transport/deadline';

/**
 * The node, its sleeps and deadlines on the clock `clockOf` gives when a run starts (a test makes a
 * new clock for each case). n8n calls `execute` with the execution context as `this`, so the clock
 * is read through the closure, not the instance.
 */
export function veoOnClock(clockOf: () => Clock): INodeType {
	class VeoOnClock extends AimlApiVeo {
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return await executeItems(this, clockOf());
		}
	}
	return new VeoOnClock();
}

/** A node's parameters for the durable loop: split by state, with these Loop Options, no in-run wait. */
export function splitParams(
	parameters: Record<string, unknown>,
	loopOptions: Record<string, unknown> = {},
): Record<string, unknown> {
	const { waitOptions: _unused, ...rest } = parameters;
	return { ...rest, waitForCompletion: false, splitByState: true, loopOptions };
}
