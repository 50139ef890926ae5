/**
 * A Gemini Omni item's request: its task, and the media that task takes read from the item (binary
 * fields) or from URLs, each checked by content and size before anything is sent.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readAudio } from './audio';
import type { GenerateRequest } from './build';
import { readFrame, readReferences } from './image';
import type { VeoModel } from './model-row';
import type { OmniInputs } from './omni';
import { buildOmniRequest, omniTask } from './omni';
import { readVideoSource } from './video';

async function readFrames(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: VeoModel,
): Promise<string[]> {
	const first = await readFrame(ctx, itemIndex, model, 'first', true);
	const last = model.omni?.lastFrame
		? await readFrame(ctx, itemIndex, model, 'last', false)
		: undefined;
	return [first, last].filter((image): image is string => image !== undefined);
}

/** Only the inputs of the chosen task are read: a field hidden for it is never looked at. */
export async function omniRequestFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: VeoModel,
	options: IDataObject,
): Promise<GenerateRequest> {
	const taskValue = ctx.getNodeParameter('task', itemIndex, 'text_to_video');
	const task = omniTask(model, taskValue);
	const inputs: OmniInputs = {};
	if (task === 'image_to_video') inputs.frames = await readFrames(ctx, itemIndex, model);
	if (task === 'reference_to_video') inputs.references = await readReferences(ctx, itemIndex);
	if (task === 'edit' || task === 'extend') inputs.video = await readVideoSource(ctx, itemIndex);
	inputs.audio = await readAudio(ctx, itemIndex);
	return buildOmniRequest(
		model,
		ctx.getNodeParameter('prompt', itemIndex, ''),
		task,
		options,
		inputs,
	);
}
