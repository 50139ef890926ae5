/**
 * Fields both operations share: the wait loop and the video hand-off. Built by factories so each
 * operation shows them under its own conditions, without copying field definitions around.
 */
import type { IExecuteFunctions, INodeParameters, INodeProperties } from 'n8n-workflow';

export const DEFAULT_POLL_INTERVAL_S = 10;
export const DEFAULT_MAX_WAIT_S = 1000;
export const DEFAULT_MAX_CONCURRENT = 25;
export const DEFAULT_DOWNLOAD_LIMIT_S = 600;
export const DEFAULT_MAX_VIDEO_MB = 500;

/**
 * Upper bounds: every wait stays far inside what a timer can hold (about 24.8 days), and a
 * generation that has not finished in a day will not.
 */
export const LIMITS = {
	pollInterval: { min: 1, max: 3600 },
	maxWait: { min: 1, max: 86_400 },
	maxConcurrent: { min: 1, max: 500 },
	downloadLimit: { min: 1, max: 3600 },
	maxVideoMb: { min: 1, max: 10_240 },
} as const;

/** The conditions under which a field is shown. */
type Show = NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>;

/**
 * Shown only in the tool variant n8n derives from `usableAsTool`, or only in the plain node: n8n
 * evaluates `@tool` from the node type's name, so a field may differ between the two.
 */
export const AS_TOOL: Show = { '@tool': [true] };
export const NOT_AS_TOOL: Show = { '@tool': [false] };

/**
 * Whether this run is a tool call. n8n's `isToolExecution()` is true only when a tool is invoked
 * through a sub-node context (agents before version 3, the editor's Tool Executor); an AI Agent
 * of version 3 runs the tool as a plain workflow step where it says false, and n8n 1.x has no such
 * method. What every tool call shares is the node's type: the tool variant's name ends in "Tool",
 * the very test n8n's `@tool` display option makes, and this node's own name does not.
 */
export function runsAsTool(ctx: Pick<IExecuteFunctions, 'getNode'>): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/** A setting of the whole batch, not of an item: the run reads it once, from the first item. */
const maxConcurrentProperty = (description: string): INodeProperties => ({
	displayName: 'Max Concurrent Generations',
	name: 'maxConcurrent',
	type: 'number',
	typeOptions: { minValue: LIMITS.maxConcurrent.min, maxValue: LIMITS.maxConcurrent.max },
	default: DEFAULT_MAX_CONCURRENT,
	description,
	hint: "Read from the first item: an expression that differs per item counts only the first item's value.",
});

const maxWaitProperty = (description: string): INodeProperties => ({
	displayName: 'Max Wait (Seconds)',
	name: 'maxWait',
	type: 'number',
	typeOptions: { minValue: LIMITS.maxWait.min, maxValue: LIMITS.maxWait.max },
	default: DEFAULT_MAX_WAIT_S,
	description,
});

const onTimeoutProperty: INodeProperties = {
	displayName: 'On Timeout',
	name: 'onTimeout',
	type: 'options',
	options: [
		{
			name: 'Fail the Item',
			value: 'fail',
			description: 'The error names the generation ID, so it can be collected later',
		},
		{
			name: 'Return the Pending Generation',
			value: 'return',
			description:
				'Output the latest status with timedOut: true; collect it later with Get Generation',
		},
	],
	default: 'fail',
};

/** Download Video in the plain node: on, since the next node usually wants the file. */
const DOWNLOAD_FOR_NODE: INodeProperties = {
	displayName: 'Download Video',
	name: 'downloadVideo',
	type: 'boolean',
	default: true,
	description:
		'Whether to download the finished video into the item as binary data, ready for an upload or file step',
};

/**
 * Download Video in the tool variant: off. An agent gets only the JSON of a tool's answer (n8n
 * drops binary data before the model sees it), so the MP4 would be fetched, 3–20 MB of it, for
 * nobody; with an AI Agent of version 3 n8n keeps the tool's output, file included, in the
 * execution's data, which is the one reason to turn it on.
 */
const DOWNLOAD_FOR_TOOL: INodeProperties = {
	...DOWNLOAD_FOR_NODE,
	default: false,
	description:
		"Whether to also download the finished video as binary data. The agent never receives the file (n8n passes an agent only the JSON: videoUrl, id, status, cost); an AI Agent of version 3 keeps it in the execution's data.",
};

/** Where the finished video goes: shown wherever the node may end with a finished video. */
function downloadProperties(show: Show, download = DOWNLOAD_FOR_NODE): INodeProperties[] {
	return [
		{ ...download, displayOptions: { show } },
		{
			displayName: 'Put Video in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { ...show, downloadVideo: [true] } },
			hint: 'The name of the binary field the MP4 is written to',
		},
		{
			displayName: 'Download Options',
			name: 'downloadOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { ...show, downloadVideo: [true] } },
			options: [
				{
					displayName: 'Download Time Limit (Seconds)',
					name: 'timeLimit',
					type: 'number',
					typeOptions: { minValue: LIMITS.downloadLimit.min, maxValue: LIMITS.downloadLimit.max },
					default: DEFAULT_DOWNLOAD_LIMIT_S,
					description:
						'The most time one video download may take in all, however slowly the video host sends it (each video of a generation that has several is one download)',
				},
				{
					displayName: 'Max Video Size (MB)',
					name: 'maxSizeMb',
					type: 'number',
					typeOptions: { minValue: LIMITS.maxVideoMb.min, maxValue: LIMITS.maxVideoMb.max },
					default: DEFAULT_MAX_VIDEO_MB,
					description:
						'A download that grows past this size is stopped and fails (a Veo video is usually 3–20 MB). n8n has its own limit for stored files: in queue mode 512 MB by default (N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE); a video over it fails as refused by n8n.',
				},
			],
		},
	];
}

/**
 * Whether the node has the Done and Running outputs. Decided by the node's own settings, not per
 * item, exactly as OUTPUTS_EXPRESSION decides it in the editor: an item may never be routed to an
 * output the node does not have. (Wait for Completion defaults to on for Generate Video, off for
 * Get Generation.)
 */
export function splitsOutputs(parameters: INodeParameters): boolean {
	const waitOff =
		parameters.operation === 'get'
			? parameters.waitForCompletion !== true
			: parameters.waitForCompletion === false;
	return parameters.splitByState === true && waitOff;
}

/** The node's outputs, as n8n evaluates them from its parameters (same rule as splitsOutputs). */
export const OUTPUTS_EXPRESSION =
	'={{ $parameter.splitByState === true && ($parameter.operation === "get" ? $parameter.waitForCompletion !== true : $parameter.waitForCompletion === false) ? [{ "type": "main", "displayName": "Done" }, { "type": "main", "displayName": "Running" }] : ["main"] }}';

/**
 * The durable loop: without waiting in the run, the node checks once and splits its items by state,
 * so still-running generations can go round n8n's Wait node back into Get Generation.
 */
function splitProperties(show: Show): INodeProperties[] {
	const whenSplit = { ...show, waitForCompletion: [false], splitByState: [true] };
	return [
		{
			displayName: 'Split Outputs by State',
			name: 'splitByState',
			type: 'boolean',
			default: false,
			// The outputs follow this switch, so it must be a plain value, never an expression. A tool
			// has one answer for its agent, so the tool variant never splits.
			noDataExpression: true,
			displayOptions: { show: { ...show, ...NOT_AS_TOOL, waitForCompletion: [false] } },
			description:
				'Whether finished videos leave by a "Done" output and still-running generations by a "Running" output. Loop "Running" through a Wait node (over 65 seconds) into Get Generation: the wait holds no worker and survives n8n restarts.',
		},
		{
			// The loop's two traps, where the loop is set up: wiring Running back into Generate Video,
			// and a node on the way round that drops or edits veoWait.
			displayName:
				"Loop Running → Wait → Get Generation (Split Outputs by State on, Generation ID mapped from the item), never back into Generate Video: it refuses those items. Pass veoWait on unchanged: it holds the loop's deadline. An edited veoWait is refused; without it, Get Generation keeps the first deadline it gave the generation in this execution.",
			name: 'loopNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: whenSplit },
		},
		{
			displayName: 'Loop Options',
			name: 'loopOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: whenSplit },
			options: [
				maxConcurrentProperty(
					'The most requests of this node to the API at once, submits and status checks alike (and never more than 16). Nothing waits in the run, so this does not cap how many generations run at the API: every item is submitted, this many at a time. A "Too Many Requests" answer to a submit is retried for up to two minutes. One setting for the whole batch, read from the first item.',
				),
				maxWaitProperty(
					'How long the loop may go round for one generation, counted from its submit (or its first check); the deadline rides in the item as veoWait.deadline. At most 86400 (a day).',
				),
				onTimeoutProperty,
				{
					displayName: 'Hand On Together',
					name: 'handOnTogether',
					type: 'boolean',
					default: false,
					description:
						'Whether to keep finished generations in the loop until no generation of the batch (the items this check receives) is still running, then hand every item on at once: videos on Done, failures as On Error says. Finished ones go round on Running marked veoWait.held and are not checked again until then; their videos are fetched at the end, from a URL the API gives then. One setting for the whole batch, read from the first item.',
				},
			],
		},
	];
}

export function waitProperties(
	operation: string,
	waitByDefault: boolean,
	withConcurrency: boolean,
): INodeProperties[] {
	const show = { operation: [operation] };
	const waitOptions: INodeProperties[] = [
		...(withConcurrency
			? [
					maxConcurrentProperty(
						'The most generations of this run at the API at once; the rest wait for a free slot. If the account\'s own limit is lower, the node notices the API\'s "Too Many Requests" answer and waits for its own generations to finish. One setting for the whole batch, read from the first item.',
					),
				]
			: []),
		maxWaitProperty(
			'How long to wait for the video before giving up (see On Timeout); at most 86400 (a day). Every request to the API ends by then too. A Veo video usually takes 1–3 minutes.',
		),
		onTimeoutProperty,
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: LIMITS.pollInterval.min, maxValue: LIMITS.pollInterval.max },
			default: DEFAULT_POLL_INTERVAL_S,
			description: 'How often to ask the API whether the video is ready (1 to 3600 seconds)',
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
	// Generate Video downloads only when it ends with a video: waiting, or split by state. The
	// copies share one name and value; n8n shows the one whose conditions hold, and fills in its
	// default, so the tool variant's copy is off unless the user turns it on.
	const asNode = { ...show, ...NOT_AS_TOOL };
	const asTool = { ...show, ...AS_TOOL };
	const downloads =
		operation === 'generate'
			? [
					...downloadProperties({ ...asNode, waitForCompletion: [true] }),
					...downloadProperties({ ...asNode, waitForCompletion: [false], splitByState: [true] }),
					...downloadProperties({ ...asTool, waitForCompletion: [true] }, DOWNLOAD_FOR_TOOL),
				]
			: [...downloadProperties(asNode), ...downloadProperties(asTool, DOWNLOAD_FOR_TOOL)];
	return [
		waitField,
		...splitProperties(show),
		...downloads,
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
