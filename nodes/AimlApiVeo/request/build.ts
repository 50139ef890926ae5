/**
 * From an item's parameters to the body the chosen model accepts: only the options the user set,
 * only those the model takes, in the form and case the API expects. Values that come from
 * expressions are checked here, before any paid request (each option's check in option-fields.ts,
 * the value checks in value-checks.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import type { VeoModel } from './model-row';
import { frameField, REFERENCE_FIELD, VIDEO_FIELD } from './model-row';
import { findModel, MODELS } from './models';
import { checkAdditionalFields } from './body-fields';
import { OPTION_SPECS } from './option-fields';
import { text, textField } from './value-checks';

export function resolveModel(value: unknown): VeoModel {
	// Already a model (a table row, or an unknown one chosen By ID; see model-choice.ts).
	if (typeof value === 'object' && value !== null && 'path' in value && 'options' in value)
		return value as VeoModel;
	const id = text(value);
	const model = findModel(id);
	if (!model) {
		throw new InputError(
			'Model',
			`Unknown model "${id}"`,
			`Use one of: ${MODELS.map((known) => known.id).join(', ')}; or, in a node of version 2, choose Model → By ID for a model the node does not list.`,
		);
	}
	return model;
}

export interface GenerateRequest {
	model: VeoModel;
	path: string;
	body: IDataObject;
}

/** What the node reads from the item for the model's inputs, by API field (see image.ts, video.ts). */
export type MediaInputs = Record<string, string | string[]>;

/** The model's image and video inputs, each required one present. */
function mediaFields(model: VeoModel, inputs: MediaInputs, body: IDataObject): void {
	for (const frame of model.frames ?? []) {
		if (!inputs[frameField(model, frame)])
			throw new InputError(
				frame === 'first' ? 'Image' : 'Last Frame',
				`${model.name} needs ${frame === 'first' ? 'an image' : 'a last-frame image'}`,
			);
	}
	if (model.videoInput && !inputs[VIDEO_FIELD])
		throw new InputError('Video', `${model.name} needs a video to extend`);
	const references = inputs[REFERENCE_FIELD];
	if (model.referenceImages) {
		const { min, max } = model.referenceImages;
		const count = Array.isArray(references) ? references.length : 0;
		if (count < min || count > max) {
			throw new InputError(
				'Reference Images',
				`${model.name} takes ${min} to ${max} reference images, got ${count}`,
				'List one to three binary fields, or one to three image URLs.',
			);
		}
	}
	for (const [field, value] of Object.entries(inputs)) body[field] = value;
}

/** A rule the API states in words: with a last frame, only one duration. */
function checkFrameRules(model: VeoModel, body: IDataObject): void {
	const rule = model.lastFrameDuration;
	if (
		rule === undefined ||
		body[frameField(model, 'last')] === undefined ||
		body.duration === undefined ||
		body.duration === rule
	)
		return;
	throw new InputError(
		'Duration',
		`${model.name} makes only ${rule} s videos when it has a last frame, got ${String(body.duration)}`,
		`Choose ${rule} s, or leave Duration out.`,
	);
}

/**
 * `inputs` holds the image and video inputs already turned into what the API takes (URLs or data
 * URIs), by API field (`image_url`, `image_urls`, `video_url` …); see image.ts and video.ts.
 * `model` is a table row (or an unknown model chosen By ID), or a model id.
 */
export function buildGenerateRequest(
	modelValue: unknown,
	promptValue: unknown,
	options: IDataObject,
	inputs: MediaInputs = {},
): GenerateRequest {
	const model = resolveModel(modelValue);
	const prompt = textField('Prompt', promptValue);
	if (prompt === '') {
		throw new InputError(
			'Prompt',
			'The prompt is empty',
			'Describe the video to generate; if the prompt comes from an expression, check that it gives text for this item.',
		);
	}
	const body: IDataObject = { model: model.id, prompt };
	mediaFields(model, inputs, body);
	for (const spec of OPTION_SPECS) {
		const value = options[spec.name];
		// Not set, or not taken by this model: never sent.
		if (value === undefined || value === null || !model.options.includes(spec.name)) continue;
		if (spec.name === 'negativePrompt' && textField('Negative Prompt', value) === '') continue;
		body[spec.apiName] = spec.toApi(value, model) as IDataObject[string];
	}
	checkFrameRules(model, body);
	if (model.unknown) Object.assign(body, checkAdditionalFields(options.additionalFields, body));
	return { model, path: model.path, body };
}
