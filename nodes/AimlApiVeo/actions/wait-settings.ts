/**
 * The shared fields' values for one item, read strictly: a value that is not what its field takes is
 * this item's error, named by the field, before anything is sent. Never a silent default.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import { readBoolean, readNumber } from '../shared/params';
import {
	DEFAULT_DOWNLOAD_LIMIT_S,
	DEFAULT_MAX_CONCURRENT,
	DEFAULT_MAX_VIDEO_MB,
	DEFAULT_MAX_WAIT_S,
	DEFAULT_POLL_INTERVAL_S,
	LIMITS,
	runsAsTool,
	splitsOutputs,
} from './common';

type Timing = Pick<WaitSettings, 'pollIntervalMs' | 'maxWaitMs' | 'onTimeout' | 'maxConcurrent'>;
type Download = Pick<
	WaitSettings,
	'download' | 'binaryProperty' | 'downloadLimitMs' | 'maxVideoBytes'
>;

export interface WaitSettings {
	wait: boolean;
	/** Check once and split the items into Done and Running outputs (the durable loop). */
	split: boolean;
	/** The durable loop holds finished items until none of the batch is running (Hand On Together). */
	together: boolean;
	pollIntervalMs: number;
	maxWaitMs: number;
	onTimeout: 'fail' | 'return';
	maxConcurrent: number;
	download: boolean;
	binaryProperty: string;
	downloadLimitMs: number;
	maxVideoBytes: number;
}

function readOnTimeout(value: unknown): 'fail' | 'return' {
	if (value === undefined || value === null || value === '') return 'fail';
	if (value === 'fail' || value === 'return') return value;
	throw new InputError(
		'On Timeout',
		`On Timeout must be "fail" or "return", got "${String(value)}"`,
	);
}

function readOptions(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	field: string,
): IDataObject {
	const value = ctx.getNodeParameter(name, itemIndex, {});
	if (value === undefined || value === null || value === '') return {};
	if (typeof value !== 'object' || Array.isArray(value))
		throw new InputError(field, `${field} must be a set of options, got "${String(value)}"`);
	return value as IDataObject;
}

export function readWaitSettings(ctx: IExecuteFunctions, itemIndex: number): WaitSettings {
	const wait = readBoolean(
		'Wait for Completion',
		ctx.getNodeParameter('waitForCompletion', itemIndex, false),
		false,
	);
	const split = !wait && splitsOutputs(ctx.getNode().parameters);
	const options = wait
		? readOptions(ctx, 'waitOptions', itemIndex, 'Wait Options')
		: split
			? readOptions(ctx, 'loopOptions', itemIndex, 'Loop Options')
			: {};
	const operation = ctx.getNodeParameter('operation', itemIndex) as string;
	const fetches = operation === 'get' || wait || split;
	const together = split && readBoolean('Hand On Together', options.handOnTogether, false);
	return {
		wait,
		split,
		together,
		...readTiming(options),
		...readDownload(ctx, itemIndex, fetches),
	};
}

/** How often to ask, for how long, what a timeout does, and how much at once (Wait or Loop Options). */
function readTiming(options: IDataObject): Timing {
	return {
		pollIntervalMs:
			readNumber(
				'Poll Interval',
				options.pollInterval,
				DEFAULT_POLL_INTERVAL_S,
				LIMITS.pollInterval,
				false,
				' seconds',
			) * 1000,
		maxWaitMs:
			readNumber(
				'Max Wait',
				options.maxWait,
				DEFAULT_MAX_WAIT_S,
				LIMITS.maxWait,
				false,
				' seconds',
			) * 1000,
		onTimeout: readOnTimeout(options.onTimeout),
		maxConcurrent: readNumber(
			'Max Concurrent Generations',
			options.maxConcurrent,
			DEFAULT_MAX_CONCURRENT,
			LIMITS.maxConcurrent,
			true,
		),
	};
}

/** Whether the video is downloaded (only where the run ends with one), into which field, within which limits. */
function readDownload(ctx: IExecuteFunctions, itemIndex: number, fetches: boolean): Download {
	// n8n fills in the default of the copy of Download Video it shows: off in the tool variant.
	const downloadByDefault = !runsAsTool(ctx);
	const download =
		fetches &&
		readBoolean(
			'Download Video',
			ctx.getNodeParameter('downloadVideo', itemIndex, downloadByDefault),
			downloadByDefault,
		);
	const rawProperty = download
		? ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')
		: 'data';
	const binaryProperty = typeof rawProperty === 'string' ? rawProperty.trim() : '';
	if (download && binaryProperty === '') {
		throw new InputError(
			'Put Video in Field',
			'The binary field name for the video is empty or not text',
			'Enter a name such as "data".',
		);
	}
	const downloadOptions = download
		? readOptions(ctx, 'downloadOptions', itemIndex, 'Download Options')
		: {};
	return {
		download,
		binaryProperty,
		downloadLimitMs:
			readNumber(
				'Download Time Limit',
				downloadOptions.timeLimit,
				DEFAULT_DOWNLOAD_LIMIT_S,
				LIMITS.downloadLimit,
				false,
				' seconds',
			) * 1000,
		maxVideoBytes: Math.floor(
			readNumber(
				'Max Video Size',
				downloadOptions.maxSizeMb,
				DEFAULT_MAX_VIDEO_MB,
				LIMITS.maxVideoMb,
				false,
				' MB',
			) *
				1024 *
				1024,
		),
	};
}
