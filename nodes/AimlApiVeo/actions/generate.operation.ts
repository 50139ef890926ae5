import type { IExecuteFunctions, INodeProperties, IDataObject } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_MODEL, MODELS } from '../models';
import type { GenerateRequest } from '../request';
import { buildGenerateRequest, optionProperties, resolveModel } from '../request';
import { imageProperties, readFrames } from '../image';
import { budgetProperties } from './budget';
import { waitProperties } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: MODELS.map((model) => ({ name: model.name, value: model.id, description: model.description })),
		default: DEFAULT_MODEL,
		required: true,
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. A red fox runs through fresh snow at dawn, cinematic, slow motion',
		description: 'What the video should show: subject, action, setting, camera, style, sound',
	},
	...imageProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: optionProperties(),
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: ['generate'] } }, properties),
	...waitProperties('generate', true, true),
	...budgetProperties,
];

/** One item's request, checked; throws InputError before anything is sent. */
export async function requestFor(ctx: IExecuteFunctions, itemIndex: number): Promise<GenerateRequest> {
	const modelValue = ctx.getNodeParameter('model', itemIndex);
	const images = await readFrames(ctx, itemIndex, resolveModel(modelValue));
	return buildGenerateRequest(modelValue, ctx.getNodeParameter('prompt', itemIndex, ''), ctx.getNodeParameter('options', itemIndex, {}) as IDataObject, images);
}
