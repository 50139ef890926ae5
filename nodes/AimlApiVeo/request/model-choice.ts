/**
 * The Model field, in its two versions, and how an item's model is read.
 *
 * Version 1 (workflows saved before the picker) keeps a drop-down whose value is the plain id, so
 * those workflows load and run unchanged. Version 2 has a resource locator: "From List" (searchable,
 * each entry with its description) or "By ID", for a Veo model the table does not know yet.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult, INodeProperties } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import { healthOfModel, listMark, readHealthForList } from './model-list';
import type { VeoModel } from './model-row';
import { DEFAULT_MODEL, findModel, MODELS, unknownModel } from './models';

export const modelProperties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: MODELS.map((model) => ({
			name: model.name,
			value: model.id,
			description: model.description,
		})),
		default: DEFAULT_MODEL,
		required: true,
		displayOptions: { show: { '@version': [1] } },
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'resourceLocator',
		default: { mode: 'list', value: DEFAULT_MODEL },
		required: true,
		displayOptions: { show: { '@version': [2] } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchModels', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. google/veo-3.1-t2v-fast',
				hint: 'Any model id of the AI/ML API. One the node does not list is sent to /v2/video/generations with the prompt, the options you add and Additional Body Fields.',
			},
		],
	},
];

/**
 * The list the picker shows: every model of the table, filtered by name, id or description, with
 * the health the API's deprecation feed gives it: a deprecated model is marked with its shutdown
 * date, a withdrawn one is left out. Without the feed (unreachable, or no credential yet), the
 * table's list as it is.
 */
export async function searchModels(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const phrase = (filter ?? '').trim().toLowerCase();
	const health = await readHealthForList(this);
	const results = MODELS.filter((model) =>
		[model.name, model.id, ...(model.aliases ?? []), model.description].some((text) =>
			text.toLowerCase().includes(phrase),
		),
	).flatMap((model) => {
		const entry = health ? healthOfModel(health, model) : undefined;
		if (entry?.status === 'withdrawn') return [];
		const mark = entry ? listMark(entry) : undefined;
		return [
			{
				name: mark ? `${model.name} (${mark.short})` : model.name,
				value: model.id,
				description: mark ? `${mark.long} ${model.description}` : model.description,
			},
		];
	});
	return { results };
}

interface ModelValue {
	id: string;
	/** 'id' only when chosen By ID; a plain string (version 1) counts as a choice from the list. */
	byId: boolean;
}

function readValue(value: unknown): ModelValue {
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
		const locator = value as { mode?: unknown; value?: unknown };
		return { id: idText(locator.value), byId: locator.mode === 'id' };
	}
	return { id: idText(value), byId: false };
}

function idText(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (value === undefined || value === null) return '';
	throw new InputError(
		'Model',
		`Model must be a model id, got ${typeof value === 'object' ? JSON.stringify(value) : `"${String(value)}"`}`,
	);
}

/**
 * The item's model: a row of the table (by id or alias), or, chosen By ID, a model the table does
 * not know. An id from the list (or from an expression there) that the table does not know is an
 * error, so a typo is caught before anything is sent.
 */
export function readModel(value: unknown): VeoModel {
	const { id, byId } = readValue(value);
	if (id === '')
		throw new InputError(
			'Model',
			'No model is chosen',
			'Pick a model from the list, or enter its id By ID.',
		);
	const known = findModel(id);
	if (known) return known;
	if (byId) return unknownModel(id);
	throw new InputError(
		'Model',
		`Unknown model "${id}"`,
		`Use one of: ${MODELS.map((model) => model.id).join(', ')}; for a model the node does not list, choose Model → By ID (node version 2).`,
	);
}
