// Stand-ins for the few n8n-nodes-base node types the project's example workflows use.
// n8n-nodes-base itself is not a dependency (the real nodes are exercised against a real
// n8n elsewhere). Each stand-in keeps the real node's type name, version and parameter
// names, and implements only the subset of behaviour the examples rely on, following what
// the real node does for that subset.
import { constants as fsConstants } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

import type {
	AssignmentCollectionValue,
	FieldType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IPairedItemData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	JsonObject,
	ResolvedFilePath,
} from 'n8n-workflow';
import {
	BINARY_ENCODING,
	deepCopy,
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	validateFieldType,
} from 'n8n-workflow';

import type { NodeTypeMap } from './node-types';

// ---------------------------------------------------------------- Manual Trigger (v1)

export class ManualTriggerStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger', 'input'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		maxNodes: 1,
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'This node is where the workflow execution starts',
				name: 'notice',
				type: 'notice',
				default: '',
			},
		],
	};

	// In manual mode n8n-core calls trigger() and waits for the first emit(); in any other
	// mode it passes the start item through without calling it.
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return emitOneEmptyItem.call(this);
	}
}

/** A start node's manual run: one empty item, emitted when n8n-core asks for it. */
async function emitOneEmptyItem(this: ITriggerFunctions): Promise<ITriggerResponse> {
	const manualTriggerFunction = async () => {
		this.emit([this.helpers.returnJsonArray([{}])]);
	};
	return { manualTriggerFunction };
}

// ------------------------------------------------------------- Schedule Trigger (v1.x)

/** Only as a workflow's start node: a manual run emits one empty item. */
export class ScheduleTriggerStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Schedule Trigger',
		name: 'scheduleTrigger',
		group: ['trigger', 'schedule'],
		version: [1, 1.1, 1.2, 1.3],
		description: 'Triggers the workflow on a given schedule',
		eventTriggerDescription: '',
		defaults: { name: 'Schedule Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Trigger Rules',
				name: 'rule',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: { interval: [{ field: 'days' }] },
				options: [
					{
						name: 'interval',
						displayName: 'Trigger Interval',
						values: [
							{
								displayName: 'Trigger Interval',
								name: 'field',
								type: 'options',
								default: 'days',
								options: [
									{ name: 'Seconds', value: 'seconds' },
									{ name: 'Minutes', value: 'minutes' },
									{ name: 'Hours', value: 'hours' },
									{ name: 'Days', value: 'days' },
									{ name: 'Weeks', value: 'weeks' },
									{ name: 'Months', value: 'months' },
									{ name: 'Custom (Cron)', value: 'cronExpression' },
								],
							},
						],
					},
				],
			},
		],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return emitOneEmptyItem.call(this);
	}
}

// -------------------------------------------------------------------- No Operation (v1)

export class NoOpStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

// --------------------------------------------------------------------- Sticky Note (v1)

/** Canvas annotation; exported workflows often carry some. Never executed. */
export class StickyNoteStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sticky Note',
		name: 'stickyNote',
		group: ['input'],
		version: 1,
		description: 'Make your workflow easier to understand',
		defaults: { name: 'Sticky Note' },
		inputs: [],
		outputs: [],
		properties: [
			{ displayName: 'Content', name: 'content', type: 'string', default: '' },
			{ displayName: 'Height', name: 'height', type: 'number', default: 160 },
			{ displayName: 'Width', name: 'width', type: 'number', default: 240 },
			{ displayName: 'Color', name: 'color', type: 'number', default: 1 },
		],
	};
}

// --------------------------------------------------------------- Edit Fields (Set) v3.4

const SET_VERSIONS = [3.3, 3.4];

const setProperties: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Manual Mapping', value: 'manual' },
			{ name: 'JSON', value: 'raw' },
		],
		default: 'manual',
	},
	{
		displayName: 'JSON',
		name: 'jsonOutput',
		type: 'json',
		default: '{\n  "my_field_1": "value",\n  "my_field_2": 1\n}\n',
		displayOptions: { show: { mode: ['raw'] } },
	},
	{
		displayName: 'Fields to Set',
		name: 'assignments',
		type: 'assignmentCollection',
		default: {},
		displayOptions: { show: { mode: ['manual'] } },
	},
	{
		displayName: 'Include Other Input Fields',
		name: 'includeOtherFields',
		type: 'boolean',
		default: false,
	},
	{
		displayName: 'Input Fields to Include',
		name: 'include',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'All', value: 'all' },
			{ name: 'Selected', value: 'selected' },
			{ name: 'All Except', value: 'except' },
		],
		displayOptions: { hide: { '/includeOtherFields': [false] } },
	},
	{
		displayName: 'Fields to Include',
		name: 'includeFields',
		type: 'string',
		default: '',
		displayOptions: { show: { include: ['selected'], '/includeOtherFields': [true] } },
	},
	{
		displayName: 'Fields to Exclude',
		name: 'excludeFields',
		type: 'string',
		default: '',
		displayOptions: { show: { include: ['except'], '/includeOtherFields': [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Strip Binary Data',
				name: 'stripBinary',
				type: 'boolean',
				default: true,
				displayOptions: {
					show: { '@version': [{ _cnd: { gte: 3.4 } }], '/includeOtherFields': [true] },
				},
			},
			{
				displayName: 'Ignore Type Conversion Errors',
				name: 'ignoreConversionErrors',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/mode': ['manual'] } },
			},
			{
				displayName: 'Support Dot Notation',
				name: 'dotNotation',
				type: 'boolean',
				default: true,
			},
		],
	},
];

interface SetOptions {
	include: 'all' | 'none' | 'selected' | 'except';
	stripBinary?: boolean;
	ignoreConversionErrors?: boolean;
	dotNotation?: boolean;
}

/**
 * `mode: 'raw'` (JSON, may be an expression) and `mode: 'manual'` (assignments) of Edit
 * Fields 3.3/3.4, including "Include Other Input Fields", dot notation and type validation.
 */
export class SetStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Edit Fields (Set)',
		name: 'set',
		group: ['input'],
		version: SET_VERSIONS,
		description: 'Modify, add, or remove item fields',
		defaults: { name: 'Edit Fields' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: setProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const node = this.getNode();
		const mode = this.getNodeParameter('mode', 0) as 'manual' | 'raw';
		// Like the real node, a JSON field written as an expression is resolved piece by
		// piece: each {{ }} is evaluated and its result pasted into the text as is (objects
		// as JSON), and the text is parsed afterwards. A string value therefore needs
		// quotes around its {{ }} in the template.
		let rawTemplate: string | undefined;
		if (mode === 'raw') {
			const unresolved = this.getNodeParameter('jsonOutput', 0, '', { rawExpressions: true });
			if (typeof unresolved === 'string' && unresolved.startsWith('=')) {
				rawTemplate = unresolved.replace(/^=+/, '');
			}
		}

		const returnData: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const includeOtherFields = this.getNodeParameter('includeOtherFields', i, false) as boolean;
			const include = this.getNodeParameter('include', i, 'all') as SetOptions['include'];
			const options = {
				...(this.getNodeParameter('options', i, {}) as IDataObject),
				include: includeOtherFields ? include : 'none',
			} as SetOptions;
			try {
				let newFields: IDataObject;
				if (mode === 'raw') {
					const text =
						rawTemplate === undefined
							? (this.getNodeParameter('jsonOutput', i) as string | IDataObject)
							: resolveTemplate.call(this, rawTemplate, i);
					newFields = parseJsonOutput(text, i);
				} else {
					const collection = this.getNodeParameter('assignments', i, {}) as AssignmentCollectionValue;
					newFields = {};
					for (const assignment of collection.assignments ?? []) {
						if (assignment.type === 'binary') {
							throw new Error('Binary assignments are not supported by this stand-in');
						}
						newFields[assignment.name] = validateAssignment(
							assignment.name,
							(assignment.type ?? 'string') as FieldType,
							assignment.value,
							i,
							options.ignoreConversionErrors === true,
						);
					}
				}
				returnData.push(composeItem.call(this, i, items[i], newFields, options, node.typeVersion));
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw new NodeOperationError(node, error as Error, { itemIndex: i });
			}
		}
		return [returnData];
	}
}

function resolveTemplate(this: IExecuteFunctions, template: string, itemIndex: number): string {
	let text = template;
	for (const piece of template.match(/{{[\s\S]*?}}/g) ?? []) {
		const value = this.evaluateExpression(piece, itemIndex);
		const replacement =
			typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
		text = text.replace(piece, () => replacement);
	}
	return text;
}

function parseJsonOutput(text: string | IDataObject, itemIndex: number): IDataObject {
	let parsed: unknown = text;
	if (typeof text === 'string') {
		try {
			parsed = JSON.parse(text);
		} catch {
			// The real node retries once with a few common slips repaired: single quotes,
			// unquoted keys, trailing commas.
			const repaired = text
				.replace(/'/g, '"')
				.replace(/(['"])?([a-zA-Z0-9_]+)(['"])?:/g, '"$2":')
				.replace(/,\s*([\]}])/g, '$1')
				.replace(/,+$/, '');
			try {
				parsed = JSON.parse(repaired);
			} catch {
				throw new Error(`The 'JSON Output' in item ${itemIndex} contains invalid JSON`);
			}
		}
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new Error(`The 'JSON Output' in item ${itemIndex} does not contain a valid JSON object`);
	}
	return parsed as IDataObject;
}

function validateAssignment(
	name: string,
	type: FieldType,
	value: unknown,
	itemIndex: number,
	ignoreErrors: boolean,
): IDataObject[string] {
	// From 3.2 an empty value is stored as null whatever the declared type.
	if (value === undefined || value === null) return null;
	let candidate = value;
	if (type === 'string') {
		candidate = typeof value === 'object' ? JSON.stringify(value) : String(value);
	}
	const result = validateFieldType(name, candidate, type);
	if (!result.valid) {
		if (ignoreErrors) return (candidate ?? null) as IDataObject[string];
		throw new Error(`${result.errorMessage} [item ${itemIndex}]`);
	}
	return (result.newValue ?? null) as IDataObject[string];
}

function composeItem(
	this: IExecuteFunctions,
	itemIndex: number,
	input: INodeExecutionData,
	newFields: IDataObject,
	options: SetOptions,
	typeVersion: number,
): INodeExecutionData {
	const item: INodeExecutionData = { json: {}, pairedItem: { item: itemIndex } };
	// From 3.4 binary data goes along only when other fields are included and
	// "Strip Binary Data" is off (the option is absent unless added in the editor).
	const keepBinary = typeVersion >= 3.4 && options.stripBinary !== true && options.include !== 'none';
	if (keepBinary && input.binary !== undefined) item.binary = { ...input.binary };
	const dotted = options.dotNotation !== false;
	const fieldList = (name: string) =>
		(this.getNodeParameter(name, itemIndex, '') as string)
			.split(',')
			.map((field) => field.trim())
			.filter((field) => field);

	if (options.include === 'all') {
		item.json = deepCopy(input.json);
	} else if (options.include === 'selected') {
		for (const field of fieldList('includeFields')) {
			const value = dotted ? getPath(input.json, field) : input.json[field];
			const key = dotted && field.includes('.') ? (field.split('.').pop() as string) : field;
			writeField(item.json, key, value, dotted);
		}
	} else if (options.include === 'except') {
		item.json = deepCopy(input.json);
		for (const field of fieldList('excludeFields')) {
			if (dotted) unsetPath(item.json, field);
			else delete item.json[field];
		}
	}
	for (const [key, value] of Object.entries(newFields)) writeField(item.json, key, value, dotted);
	return item;
}

function writeField(target: IDataObject, key: string, value: unknown, dotted: boolean): void {
	if (dotted) setPath(target, key, value);
	else target[key] = value as IDataObject[string];
}

// ----------------------------------------------------------------------- Split Out (v1)

export class SplitOutStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Split Out',
		name: 'splitOut',
		group: ['transform'],
		version: 1,
		description: 'Turn a list inside item(s) into separate items',
		defaults: { name: 'Split Out' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Fields To Split Out',
				name: 'fieldToSplitOut',
				type: 'string',
				default: '',
				required: true,
			},
			{
				displayName: 'Include',
				name: 'include',
				type: 'options',
				options: [
					{ name: 'No Other Fields', value: 'noOtherFields' },
					{ name: 'All Other Fields', value: 'allOtherFields' },
				],
				default: 'noOtherFields',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: [
					{
						displayName: 'Disable Dot Notation',
						name: 'disableDotNotation',
						type: 'boolean',
						default: false,
					},
					{
						displayName: 'Destination Field Name',
						name: 'destinationFieldName',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Include Binary',
						name: 'includeBinary',
						type: 'boolean',
						default: false,
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const fields = (this.getNodeParameter('fieldToSplitOut', i) as string)
				.split(',')
				.map((field) => field.trim().replace(/^\$json\./, ''));
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const include = this.getNodeParameter('include', i, 'noOtherFields') as string;
			const dotted = options.disableDotNotation !== true;
			const destinations = String(options.destinationFieldName ?? '')
				.split(',')
				.map((field) => field.trim())
				.filter((field) => field);
			if (destinations.length && destinations.length !== fields.length) {
				throw new NodeOperationError(
					this.getNode(),
					'If multiple fields to split out are given, the same number of destination fields must be given',
				);
			}
			const source = { ...items[i].json };
			const split: INodeExecutionData[] = [];
			fields.forEach((field, fieldIndex) => {
				const destination = destinations[fieldIndex] ?? '';
				let value: unknown = dotted ? getPath(source, field) : source[field];
				// A missing field splits into nothing (n8n adds a hint in the editor).
				if (value === undefined) value = [];
				if (typeof value !== 'object' || value === null) value = [value];
				const elements = Array.isArray(value) ? value : Object.values(value as IDataObject);
				elements.forEach((element: unknown, elementIndex) => {
					split[elementIndex] ??= { json: {}, pairedItem: { item: i } };
					const target = split[elementIndex];
					const spread =
						typeof element === 'object' &&
						element !== null &&
						include === 'noOtherFields' &&
						destination === '' &&
						fields.length === 1;
					if (spread) target.json = { ...target.json, ...(element as IDataObject) };
					else target.json[destination || field] = element as IDataObject[string];
				});
			});
			for (const entry of split) {
				if (include === 'allOtherFields') {
					const rest = deepCopy(source);
					for (const field of fields) {
						if (dotted) unsetPath(rest, field);
						else delete rest[field];
					}
					entry.json = { ...rest, ...entry.json };
				}
				if (options.includeBinary === true && items[i].binary && !entry.binary) {
					entry.binary = items[i].binary;
				}
				returnData.push(entry);
			}
		}
		return [returnData];
	}
}

// ----------------------------------------------------- Read/Write Files from Disk (v1)

/**
 * `operation: 'write'` only. Like the real node it writes through n8n-core's file-system
 * helpers, so n8n's file-access rules apply (N8N_RESTRICT_FILE_ACCESS_TO, which defaults to
 * ~/.n8n-files, and the blocked n8n folders), and it does not create missing folders.
 * Binary data stored by id (filesystem mode) is streamed from the store, not buffered.
 */
export class ReadWriteFileStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Read/Write Files from Disk',
		name: 'readWriteFile',
		group: ['input'],
		version: 1,
		description: 'Read or write files from the computer that runs n8n',
		defaults: { name: 'Read/Write Files from Disk' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Read File(s) From Disk', value: 'read' },
					{ name: 'Write File to Disk', value: 'write' },
				],
				default: 'read',
			},
			{
				displayName: 'File Path and Name',
				name: 'fileName',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { operation: ['write'] } },
			},
			{
				displayName: 'Input Binary Field',
				name: 'dataPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				displayOptions: { show: { operation: ['write'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { operation: ['write'] } },
				options: [{ displayName: 'Append', name: 'append', type: 'boolean', default: false }],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0, 'read');
		if (operation !== 'write') {
			throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not part of this stand-in`);
		}
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			let fileName: string | undefined;
			try {
				const property = this.getNodeParameter('dataPropertyName', itemIndex, 'data') as string;
				fileName = this.getNodeParameter('fileName', itemIndex) as string;
				const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
				const flag = options.append
					? fsConstants.O_APPEND
					: fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC;
				const item = items[itemIndex];
				const binary = this.helpers.assertBinaryData(itemIndex, property);
				const content: Buffer | Readable = binary.id
					? await this.helpers.getBinaryStream(binary.id)
					: Buffer.from(binary.data, BINARY_ENCODING);
				await this.helpers.writeContentToFile(await resolveTargetPath(fileName), content, flag);
				const written: INodeExecutionData = {
					json: { ...item.json, fileName },
					pairedItem: { item: itemIndex },
				};
				if (item.binary !== undefined) written.binary = { ...item.binary };
				returnData.push(written);
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({
						json: { error: writeErrorMessage(error as Error, fileName) },
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
			}
		}
		return [returnData];
	}
}

/**
 * What `this.helpers.resolvePath` does: the real path of the file, or of its folder when the
 * file does not exist yet (so the folder must exist). n8n-core's version recognises the
 * "does not exist" case with `instanceof Error`, which fails for fs errors inside jest's
 * sandbox, so the stand-in resolves the path itself.
 */
async function resolveTargetPath(path: string): Promise<ResolvedFilePath> {
	try {
		return (await realpath(path)) as ResolvedFilePath;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		return join(await realpath(dirname(path)), basename(path)) as ResolvedFilePath;
	}
}

function writeErrorMessage(error: Error, fileName?: string): string {
	if (typeof error.message === 'string' && error.message.includes('EACCES')) {
		const path = (error as NodeJS.ErrnoException).path ?? fileName;
		return `You don't have the permissions to write the file ${path}`;
	}
	return error.message;
}

/**
 * HTTP Request (n8n-nodes-base.httpRequest 4.2), the subset the examples use: a GET whose
 * response is kept as a file (Options → Response → Response Format: File) in a binary field.
 */
export class HttpRequestFileStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HTTP Request',
		name: 'httpRequest',
		group: ['output'],
		version: [4, 4.1, 4.2],
		description: 'Makes an HTTP request and returns the response data',
		defaults: { name: 'HTTP Request' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Method', name: 'method', type: 'options', options: [{ name: 'GET', value: 'GET' }], default: 'GET' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '', required: true },
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [
					{
						displayName: 'Response',
						name: 'response',
						type: 'fixedCollection',
						default: { response: { responseFormat: 'autodetect' } },
						options: [
							{
								displayName: 'Response',
								name: 'response',
								values: [
									{
										displayName: 'Response Format',
										name: 'responseFormat',
										type: 'options',
										options: [
											{ name: 'Autodetect', value: 'autodetect' },
											{ name: 'File', value: 'file' },
										],
										default: 'autodetect',
									},
									{ displayName: 'Put Output in Field', name: 'outputPropertyName', type: 'string', default: 'data' },
								],
							},
						],
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const url = this.getNodeParameter('url', itemIndex) as string;
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const response = ((options.response as IDataObject | undefined)?.response ?? {}) as IDataObject;
			if (response.responseFormat !== 'file') {
				throw new NodeOperationError(this.getNode(), 'This stand-in only keeps responses as files (Response Format: File)', { itemIndex });
			}
			const property = String(response.outputPropertyName ?? 'data');
			const answer = (await this.helpers.httpRequest({ method: 'GET', url, encoding: 'arraybuffer', returnFullResponse: true })) as {
				body: ArrayBuffer | Buffer;
				headers: Record<string, string>;
			};
			const body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
			const fileName = new URL(url).pathname.split('/').pop() || 'file';
			const binary = await this.helpers.prepareBinaryData(body, fileName, answer.headers['content-type']?.split(';')[0]);
			out.push({ json: {}, binary: { [property]: binary }, pairedItem: { item: itemIndex } });
		}
		return [out];
	}
}

// ------------------------------------------------------------------- Merge (v3.x)

/**
 * Merge (n8n-nodes-base.merge 3.2), the subset the examples use: Combine → By Position with two
 * inputs and no clash handling. Like the real node, the i-th items of both inputs become one item
 * whose JSON and binary fields are those of both (input 2 wins a clash), paired with both.
 */
export class MergeByPositionStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Merge',
		name: 'merge',
		group: ['transform'],
		version: [3, 3.1, 3.2],
		description: 'Merges data of multiple streams once data from both is available',
		defaults: { name: 'Merge' },
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'options', options: [{ name: 'Combine', value: 'combine' }], default: 'combine' },
			{
				displayName: 'Combine By',
				name: 'combineBy',
				type: 'options',
				options: [{ name: 'Position', value: 'combineByPosition' }],
				default: 'combineByPosition',
			},
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const mode = this.getNodeParameter('mode', 0) as string;
		const combineBy = this.getNodeParameter('combineBy', 0) as string;
		if (mode !== 'combine' || combineBy !== 'combineByPosition') {
			throw new NodeOperationError(this.getNode(), 'This stand-in only combines by position');
		}
		const [first, second] = [this.getInputData(0), this.getInputData(1)];
		const pairs = Math.min(first.length, second.length);
		const out: INodeExecutionData[] = [];
		for (let index = 0; index < pairs; index++) {
			const [a, b] = [first[index], second[index]];
			out.push({
				json: { ...deepCopy(a.json), ...deepCopy(b.json) },
				binary: { ...a.binary, ...b.binary },
				pairedItem: [a.pairedItem, b.pairedItem].flat().flatMap(asPairedItem),
			});
		}
		return [out];
	}
}

/** n8n writes a pairing as an index, one pairing or a list of them; Merge passes on pairings. */
function asPairedItem(pairing: IPairedItemData | number | undefined): IPairedItemData[] {
	if (pairing === undefined) return [];
	return [typeof pairing === 'number' ? { item: pairing } : pairing];
}

// -------------------------------------------------------------------------- registry

/** The stand-ins by the node type names n8n uses for the real nodes. */
export function baseNodeTypes(): NodeTypeMap {
	return {
		'n8n-nodes-base.manualTrigger': new ManualTriggerStandIn(),
		'n8n-nodes-base.scheduleTrigger': new ScheduleTriggerStandIn(),
		'n8n-nodes-base.set': new SetStandIn(),
		'n8n-nodes-base.splitOut': new SplitOutStandIn(),
		'n8n-nodes-base.readWriteFile': new ReadWriteFileStandIn(),
		'n8n-nodes-base.noOp': new NoOpStandIn(),
		'n8n-nodes-base.httpRequest': new HttpRequestFileStandIn(),
		'n8n-nodes-base.merge': new MergeByPositionStandIn(),
		'n8n-nodes-base.stickyNote': new StickyNoteStandIn(),
	};
}

// ------------------------------------------------------------------- path helpers

function pathSegments(path: string): string[] {
	return path
		.replace(/\[(\d+)\]/g, '.$1')
		.split('.')
		.filter((segment) => segment !== '');
}

function getPath(source: IDataObject, path: string): unknown {
	let current: unknown = source;
	for (const segment of pathSegments(path)) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}

function setPath(target: IDataObject, path: string, value: unknown): void {
	const segments = pathSegments(path);
	let current = target as Record<string, unknown>;
	segments.forEach((segment, index) => {
		if (index === segments.length - 1) {
			current[segment] = value;
			return;
		}
		const next = current[segment];
		if (next === null || typeof next !== 'object') {
			current[segment] = /^\d+$/.test(segments[index + 1]) ? [] : {};
		}
		current = current[segment] as Record<string, unknown>;
	});
}

function unsetPath(target: IDataObject, path: string): void {
	const segments = pathSegments(path);
	const last = segments.pop();
	const parent = segments.length ? getPath(target, segments.join('.')) : target;
	if (last !== undefined && parent !== null && typeof parent === 'object') {
		delete (parent as Record<string, unknown>)[last];
	}
}
