/**
 * Additional Body Fields (JSON): for a model the node's table does not know, the fields the node
 * cannot know about. Parsed and checked before anything is sent. They add to the request and never
 * replace what the node sets: `model` and `prompt` come from their own fields, and a key an option
 * already sets is refused rather than silently won by one side.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from './errors';
import { knownIds } from './models';

const FIELD = 'Additional Body Fields';

export const additionalFieldsProperty: INodeProperties = {
	displayName: 'Additional Body Fields (JSON)',
	name: 'additionalFields',
	type: 'json',
	default: '{}',
	// Only for a model chosen By ID that the node does not list: a listed model sends exactly its documented fields.
	displayOptions: { hide: { '/model': knownIds() } },
	description:
		'A JSON object of further request fields for a model the node does not list, e.g. {"image_url": "https://…"}. It may not set "model" or "prompt", nor a field an option above already sets.',
};

function parse(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return {};
	let problem = '';
	try {
		return JSON.parse(value) as unknown;
	} catch (error) {
		problem = (error as Error).message;
	}
	throw new InputError(FIELD, `${FIELD} is not valid JSON: ${problem}`, 'Enter a JSON object such as {"field": "value"}.');
}

/** The extra fields, checked against what the body already holds; nothing of the body is overridden. */
export function checkAdditionalFields(value: unknown, body: IDataObject): IDataObject {
	if (value === undefined || value === null) return {};
	const parsed = parse(value);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		const got = Array.isArray(parsed) ? 'a list' : parsed === null ? 'null' : `"${String(parsed)}"`;
		throw new InputError(FIELD, `${FIELD} must be a JSON object, got ${got}`, 'Enter a JSON object such as {"field": "value"}.');
	}
	for (const key of Object.keys(parsed)) {
		if (key === 'model' || key === 'prompt') {
			throw new InputError(FIELD, `${FIELD} may not set "${key}"`, `Set it in the ${key === 'model' ? 'Model' : 'Prompt'} field instead.`);
		}
		if (key in body) {
			throw new InputError(FIELD, `${FIELD} sets "${key}", which an option already sets`, `Remove "${key}" from ${FIELD}, or remove the option.`);
		}
	}
	return parsed as IDataObject;
}
