import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readOptions } from '../request/body-fields';
import { imageProperties, readImages } from '../request/image';
import { modelProperties, readModel } from '../request/model-choice';
import type { GenerateRequest } from '../request/build';
import { buildGenerateRequest } from '../request/build';
import { optionProperties } from '../request/option-fields';
import { readVideo, videoProperties } from '../request/video';
import { omniProperties, previousInteractionProperty } from '../request/omni-fields';
import { omniRequestFor } from '../request/omni-inputs';
import { budgetProperties } from '../spend/options';
import { waitProperties } from './common';

const properties: INodeProperties[] = [
	...modelProperties,
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
	...omniProperties,
	...videoProperties,
	...imageProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...optionProperties(), previousInteractionProperty],
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: ['generate'] } }, properties),
	...waitProperties('generate', true, true),
	...budgetProperties,
];

/** One item's request, checked; throws InputError before anything is sent. */
export async function requestFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<GenerateRequest> {
	const model = readModel(ctx.getNodeParameter('model', itemIndex));
	if (model.omni) return await omniRequestFor(ctx, itemIndex, model, readOptions(ctx, itemIndex));
	const inputs = {
		...(await readVideo(ctx, itemIndex, model)),
		...(await readImages(ctx, itemIndex, model)),
	};
	return buildGenerateRequest(
		model,
		ctx.getNodeParameter('prompt', itemIndex, ''),
		readOptions(ctx, itemIndex),
		inputs,
	);
}
