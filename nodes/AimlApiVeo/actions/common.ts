/**
 * Fields both operations share: the wait loop and the video hand-off. Built by factories so each
 * operation shows them under its own conditions, without copying field definitions around.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../errors';

export const DEFAULT_POLL_INTERVAL_S = 10;
export const DEFAULT_MAX_WAIT_S = 1000;
export const DEFAULT_MAX_CONCURRENT = 25;

export function waitProperties(operation: string, waitByDefault: boolean, withConcurrency: boolean): INodeProperties[] {
	const show = { operation: [operation] };
	const waitOptions: INodeProperties[] = [
		...(withConcurrency
			? [
					{
						displayName: 'Max Concurrent Generations',
						name: 'maxConcurrent',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 500 },
						default: DEFAULT_MAX_CONCURRENT,
						description:
							'The most generations of this run at the API at once; the rest wait for a free slot. If the account\'s own limit is lower, the node notices the API\'s "Too Many Requests" answer and waits for its own generations to finish.',
					} as INodeProperties,
				]
			: []),
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWait',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_WAIT_S,
			description: 'How long to wait for the video before giving up (see On Timeout). A Veo video usually takes 1–3 minutes.',
		},
		{
			displayName: 'On Timeout',
			name: 'onTimeout',
			type: 'options',
			options: [
				{ name: 'Fail the Item', value: 'fail', description: 'The error names the generation ID, so it can be collected later' },
				{
					name: 'Return the Pending Generation',
					value: 'return',
					description: 'Output the latest status with timedOut: true; collect it later with Get Generation',
				},
			],
			default: 'fail',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_POLL_INTERVAL_S,
			description: 'How often to ask the API whether the video is ready (at least 1 second)',
		},
	];
	const waitField: INodeProperties = {
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		displayOptions: { show },
		description: 'Whether to wait until the video is ready before passing the item on',
	};
	waitField.default = waitByDefault;
	return [
		waitField,
		{
			displayName: 'Download Video',
			name: 'downloadVideo',
			type: 'boolean',
			default: true,
			displayOptions: { show: operation === 'generate' ? { ...show, waitForCompletion: [true] } : show },
			description: 'Whether to download the finished video into the item as binary data, ready for an upload or file step',
		},
		{
			displayName: 'Put Video in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: {
				show: operation === 'generate' ? { ...show, waitForCompletion: [true], downloadVideo: [true] } : { ...show, downloadVideo: [true] },
			},
			hint: 'The name of the binary field the MP4 is written to',
		},
		{
			displayName: 'Wait Options',
			name: 'waitOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { ...show, waitForCompletion: [true] } },
			options: waitOptions,
		},
	];
}

export interface WaitSettings {
	wait: boolean;
	pollIntervalMs: number;
	maxWaitMs: number;
	onTimeout: 'fail' | 'return';
	maxConcurrent: number;
	download: boolean;
	binaryProperty: string;
}

function positive(field: string, value: unknown, fallback: number, floor: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number <= 0) {
		throw new InputError(field, `${field} must be a positive number of seconds, got "${String(value)}"`);
	}
	return Math.max(floor, number);
}

export function readWaitSettings(ctx: IExecuteFunctions, itemIndex: number): WaitSettings {
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, false) as boolean;
	const options = (wait ? ctx.getNodeParameter('waitOptions', itemIndex, {}) : {}) as IDataObject;
	const operation = ctx.getNodeParameter('operation', itemIndex) as string;
	const download = (operation === 'get' || wait) && (ctx.getNodeParameter('downloadVideo', itemIndex, true) as boolean);
	const binaryProperty = download ? String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim() : 'data';
	if (download && binaryProperty === '') {
		throw new InputError('Put Video in Field', 'The binary field name for the video is empty', 'Enter a name such as "data".');
	}
	const maxConcurrent = Number(options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
	return {
		wait,
		pollIntervalMs: positive('Poll Interval', options.pollInterval, DEFAULT_POLL_INTERVAL_S, 1) * 1000,
		maxWaitMs: positive('Max Wait', options.maxWait, DEFAULT_MAX_WAIT_S, 1) * 1000,
		onTimeout: options.onTimeout === 'return' ? 'return' : 'fail',
		maxConcurrent: Number.isFinite(maxConcurrent) && maxConcurrent >= 1 ? Math.floor(maxConcurrent) : DEFAULT_MAX_CONCURRENT,
		download,
		binaryProperty,
	};
}
