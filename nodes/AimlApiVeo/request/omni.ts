/**
 * A Gemini Omni request: the task the user chose, the media that task takes, and the options the
 * model's spec lists. Every combination the specs rule out, and every one they leave open that
 * could waste a paid generation, is refused here, before anything is sent.
 *
 * What the specs leave open, and what the node does:
 * - `task` is optional at the API, which infers it from the media in a way it does not document; the
 *   node always sends the task the user chose.
 * - Image to video sends one image as `image_url`; a first and a last frame (1.1) as the two
 *   `image_urls` the spec asks for. `image_url` and `image_urls` are never sent together.
 * - `<IMAGE_REF_n>` tags count from 0 over the images the request sends; a tag naming an image that is
 *   not there is refused. Images the prompt does not tag are sent all the same (as references in
 *   general); a tag written in another case is refused rather than sent unbound.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import type { GenerateRequest } from './build';
import { buildGenerateRequest } from './build';
import { textField } from './value-checks';
import type { VeoModel } from './model-row';
import { REFERENCE_FIELD, VIDEO_FIELD } from './model-row';
import type { OmniTask } from './omni-models';

export const AUDIO_FIELD = 'audio_url';
const IMAGE_FIELD = 'image_url';

/** The media of one Omni item, already turned into URLs or data URIs (see omni-inputs.ts). */
export interface OmniInputs {
	/** The first frame, then the last frame where there is one (image to video). */
	frames?: string[];
	references?: string[];
	video?: string;
	audio?: string;
}

export const TASK_NAMES: Record<OmniTask, string> = {
	text_to_video: 'Text to Video',
	image_to_video: 'Image to Video',
	reference_to_video: 'Reference Images to Video',
	edit: 'Edit Video',
	extend: 'Extend Video',
};

export function omniTask(model: VeoModel, value: unknown): OmniTask {
	const task = textField('Task', value) || 'text_to_video';
	const tasks = model.omni?.tasks ?? [];
	if (!tasks.includes(task as OmniTask)) {
		throw new InputError(
			'Task',
			`Task "${task}" is not available for ${model.name}`,
			`Use one of: ${tasks.join(', ')}.${task === 'extend' ? ' Extending a video needs Gemini Omni 1.1 Flash.' : ''}`,
		);
	}
	return task as OmniTask;
}

/** The media the task needs, and none it does not take. */
function checkMedia(model: VeoModel, task: OmniTask, inputs: OmniInputs): void {
	const frames = inputs.frames ?? [];
	const references = inputs.references ?? [];
	const name = `${model.name} (${TASK_NAMES[task]})`;
	if (task === 'image_to_video' && frames.length === 0)
		throw new InputError('Image', `${name} needs an image`, 'Choose a binary field or a URL.');
	if (frames.length > 1 && !model.omni?.lastFrame)
		throw new InputError(
			'Last Frame',
			`${name} takes one image, not a first and a last frame`,
			'Choose Gemini Omni 1.1 Flash for a video between two frames.',
		);
	if (task === 'reference_to_video') {
		const max = model.omni?.maxReferences ?? 0;
		if (references.length < 1 || references.length > max)
			throw new InputError(
				'Reference Images',
				`${name} takes 1 to ${max} reference images, got ${references.length}`,
				`List 1 to ${max} binary fields, or 1 to ${max} image URLs.`,
			);
	}
	if ((task === 'edit' || task === 'extend') && !inputs.video)
		throw new InputError(
			'Video',
			`${name} needs a video to ${task}`,
			'Choose a binary field holding an MP4, or a URL (the videoUrl an earlier node returned).',
		);
	const stray =
		(task !== 'image_to_video' && frames.length > 0) ||
		(task !== 'reference_to_video' && references.length > 0) ||
		(task !== 'edit' && task !== 'extend' && inputs.video !== undefined);
	if (stray)
		throw new InputError('Task', `${name} was given media it does not take`, 'Check the Task.');
}

const TAG = /<IMAGE_REF_(\d+)>/g;
const LOOSE_TAG = /<\s*image[_ ]?ref[_ ]?(\d*)\s*>/gi;

/** Every `<IMAGE_REF_n>` of the prompt names one of the `count` images sent, counted from 0. */
export function checkImageTags(prompt: string, count: number, model: VeoModel): void {
	for (const [tag] of prompt.matchAll(LOOSE_TAG)) {
		if (!/^<IMAGE_REF_\d+>$/.test(tag))
			throw new InputError(
				'Prompt',
				`The prompt has the tag "${tag}", which the API does not read as an image tag`,
				'Write image tags exactly as <IMAGE_REF_0>, <IMAGE_REF_1>, …',
			);
	}
	for (const [tag, number] of prompt.matchAll(TAG)) {
		if (Number(number) < count) continue;
		throw new InputError(
			'Prompt',
			count === 0
				? `The prompt names ${tag}, but ${model.name} is sent no images for this task`
				: `The prompt names ${tag}, but only ${count} image${count === 1 ? '' : 's'} ${count === 1 ? 'is' : 'are'} sent (tags count from <IMAGE_REF_0>)`,
			'Add the image, or correct the tag.',
		);
	}
}

/** The body fields of the task's media, in the API's names. */
function mediaBody(inputs: OmniInputs): Record<string, string | string[]> {
	const media: Record<string, string | string[]> = {};
	const frames = inputs.frames ?? [];
	if (frames.length === 1) media[IMAGE_FIELD] = frames[0];
	if (frames.length > 1) media[REFERENCE_FIELD] = frames;
	if (inputs.references?.length) media[REFERENCE_FIELD] = inputs.references;
	if (inputs.video !== undefined) media[VIDEO_FIELD] = inputs.video;
	if (inputs.audio !== undefined) media[AUDIO_FIELD] = inputs.audio;
	return media;
}

/**
 * A resolution asked of the Preview, which has none: refused rather than dropped, since the video
 * would come in another size than asked. In n8n the option is hidden for the Preview and n8n drops
 * a hidden option before the node reads it; this guards a request that reaches here some other way.
 */
function checkResolution(model: VeoModel, options: IDataObject): void {
	const asked = options.resolution;
	if (asked === undefined || asked === null || asked === '' || model.options.includes('resolution'))
		return;
	throw new InputError(
		'Resolution',
		`${model.name} has no resolution choice, got "${String(asked)}"`,
		'Remove the Resolution option, or choose Gemini Omni 1.1 Flash for 360p to 4k.',
	);
}

/** One Omni item's request; throws InputError before anything is sent. */
export function buildOmniRequest(
	model: VeoModel,
	promptValue: unknown,
	taskValue: unknown,
	options: IDataObject,
	inputs: OmniInputs,
): GenerateRequest {
	const task = omniTask(model, taskValue);
	checkMedia(model, task, inputs);
	checkResolution(model, options);
	const media = mediaBody(inputs);
	const request = buildGenerateRequest(model, promptValue, options, media);
	const { model: id, prompt, ...rest } = request.body;
	const images = [media[IMAGE_FIELD] ?? [], media[REFERENCE_FIELD] ?? []].flat().length;
	checkImageTags(String(prompt), images, model);
	const body: IDataObject = { model: id, prompt, task, ...rest };
	const interaction = textField('Previous Interaction ID', options.previousInteractionId);
	if (interaction !== '') body.previous_interaction_id = interaction;
	return { ...request, body };
}
