/**
 * Additional Body Fields (JSON): for a model the node's table does not know, the fields the node
 * cannot know about. Parsed and checked before anything is sent. They add to the request and never
 * replace what the node sets: `model` and `prompt` come from their own fields, and a key an option
 * already sets is refused rather than silently won by one side.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import { knownIds } from './model-ids';

const FIELD = 'Additional Body Fields';

/**
 * API request bodies are a few levels deep; the bound keeps every walk of the body (these checks,
 * the redactor, JSON text for the request, n8n's own copies) far from the stack's limit.
 */
export const MAX_BODY_FIELDS_DEPTH = 32;
/**
 * Room for the largest media the node itself sends inline (a 20 MB video is about 27 MB as base64),
 * since such a model takes its images and videos here as data URIs; larger text is a mistake (an
 * expression that pulled in a whole data set), refused before it is held once per item.
 */
export const MAX_BODY_FIELDS_BYTES = 32 * 1024 * 1024;
/** JavaScript's own object internals: no API field is named so, and a body holding them is a prototype-pollution attempt. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const additionalFieldsProperty: INodeProperties = {
	displayName: 'Additional Body Fields (JSON)',
	name: 'additionalFields',
	type: 'json',
	default: '{}',
	// Only for a model chosen By ID that the node does not list: a listed model sends exactly its documented fields.
	displayOptions: { hide: { '/model': knownIds() } },
	description:
		'A JSON object of further request fields for a model the node does not list, e.g. {"image_url": "https://…"}. It may not set "model" or "prompt", nor a field an option above already sets (compared ignoring case and spaces around the name), nor use the keys "__proto__", "constructor" or "prototype"; at most 32 levels deep and 32 MB.',
};

const SHAPE_HINT = 'Enter a JSON object such as {"field": "value"}.';
const mebibytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

function tooLarge(): InputError {
	return new InputError(
		FIELD,
		`${FIELD} is larger than ${mebibytes(MAX_BODY_FIELDS_BYTES)}`,
		"Send large images and videos as URLs, or through the node's own image and video fields.",
	);
}

function parse(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return {};
	if (Buffer.byteLength(value, 'utf8') > MAX_BODY_FIELDS_BYTES) throw tooLarge();
	let problem = '';
	try {
		return JSON.parse(value) as unknown;
	} catch (error) {
		problem = (error as Error).message;
	}
	throw new InputError(FIELD, `${FIELD} is not valid JSON: ${problem}`, SHAPE_HINT);
}

const DEPTH_HINT =
	'API request fields are a few levels deep at most: check the JSON, or the expression that builds it.';

function tooDeep(where: string): InputError {
	return new InputError(
		FIELD,
		`${FIELD} is nested deeper than ${MAX_BODY_FIELDS_DEPTH} levels (${where})`,
		DEPTH_HINT,
	);
}

/**
 * Generate Video's Options, read for one item. n8n copies an expression's value before the node
 * sees it, recursively: a value nested thousands deep exhausts the stack there. Only Additional Body
 * Fields can hold such a value, so that is the field the error names.
 */
export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	try {
		return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	} catch (error) {
		if (error instanceof RangeError && /call stack/i.test(error.message))
			throw tooDeep('so deep that n8n could not read it');
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	}
}

/** Where a key sits, for a message: `image.__proto__`. */
const pathOf = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

/**
 * Walks the value without recursion (a value from an expression may be nested thousands deep, or
 * share one object many times over): refuses it past the depth or size bound, or when a key at any
 * depth is one of JavaScript's object internals. The size is the value's length as JSON text.
 */
function checkShape(value: object): void {
	const stack: Array<{ value: unknown; depth: number; path: string }> = [
		{ value, depth: 1, path: '' },
	];
	let bytes = 0;
	while (stack.length > 0) {
		const { value: current, depth, path } = stack.pop() as (typeof stack)[number];
		if (typeof current === 'string') bytes += Buffer.byteLength(current, 'utf8') + 2;
		else if (current === null || typeof current !== 'object') bytes += String(current).length;
		else {
			if (depth > MAX_BODY_FIELDS_DEPTH) {
				throw tooDeep(`at "${path}"`);
			}
			const entries = Array.isArray(current)
				? current.map((entry, index) => [String(index), entry] as const)
				: Object.entries(current);
			bytes += 2 + entries.length;
			for (const [key, entry] of entries) {
				if (!Array.isArray(current)) bytes += Buffer.byteLength(key, 'utf8') + 3;
				if (!Array.isArray(current) && FORBIDDEN_KEYS.has(key)) {
					throw new InputError(
						FIELD,
						`${FIELD} uses the key "${key}" (at "${pathOf(path, key)}"), which is refused`,
						'"__proto__", "constructor" and "prototype" name JavaScript\'s own object internals: no API field is called so, and a body holding them can change how the objects that read it behave. Remove or rename the key.',
					);
				}
				stack.push({ value: entry, depth: depth + 1, path: pathOf(path, key) });
			}
		}
		if (bytes > MAX_BODY_FIELDS_BYTES) throw tooLarge();
	}
}

/** A field name as the API would likely read it: the case and spaces around it do not make another field. */
const normalised = (key: string) => key.trim().toLowerCase();

/** Refuses a key that is `model`, `prompt`, a field the body already holds, or another key of its own, in another spelling. */
function checkKeys(fields: object, body: IDataObject): void {
	const taken = new Map(Object.keys(body).map((key) => [normalised(key), key]));
	for (const key of Object.keys(fields)) {
		const name = normalised(key);
		const same = taken.get(name);
		const spelled = same !== undefined && same !== key ? ` (the same field as "${same}")` : '';
		if (name === 'model' || name === 'prompt') {
			throw new InputError(
				FIELD,
				`${FIELD} may not set "${key}"${spelled}`,
				`Set it in the ${name === 'model' ? 'Model' : 'Prompt'} field instead. Field names are compared ignoring case and spaces around them.`,
			);
		}
		if (same !== undefined && Object.prototype.hasOwnProperty.call(body, same)) {
			throw new InputError(
				FIELD,
				`${FIELD} sets "${key}"${spelled}, which an option already sets`,
				`Remove "${key}" from ${FIELD}, or remove the option. Field names are compared ignoring case and spaces around them.`,
			);
		}
		if (same !== undefined) {
			throw new InputError(
				FIELD,
				`${FIELD} sets "${same}" and "${key}", one field in two spellings`,
				'Keep one of them. Field names are compared ignoring case and spaces around them.',
			);
		}
		taken.set(name, key);
	}
}

/** The extra fields, checked against what the body already holds; nothing of the body is overridden. */
export function checkAdditionalFields(value: unknown, body: IDataObject): IDataObject {
	if (value === undefined || value === null) return {};
	const parsed = parse(value);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		const got = Array.isArray(parsed) ? 'a list' : parsed === null ? 'null' : `"${String(parsed)}"`;
		throw new InputError(FIELD, `${FIELD} must be a JSON object, got ${got}`, SHAPE_HINT);
	}
	checkShape(parsed);
	checkKeys(parsed, body);
	return parsed as IDataObject;
}
