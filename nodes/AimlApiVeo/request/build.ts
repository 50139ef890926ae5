/**
 * From an item's parameters to the body the chosen model accepts: only the options the user set,
 * only those the model takes, in the form and case the API expects. Values that come from
 * expressions are checked here, before any paid request.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import type { OptionName, VeoModel } from './model-row';
import { frameField, REFERENCE_FIELD, VIDEO_FIELD } from './model-row';
import { findModel, MODELS } from './models';
import { allValues, modelsWithoutOption } from './model-ids';
import { additionalFieldsProperty, checkAdditionalFields } from './body-fields';

interface OptionSpec {
	name: OptionName;
	apiName: string;
	property: INodeProperties;
	toApi(value: unknown, model: VeoModel): unknown;
}

const text = (value: unknown) =>
	typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';

/** Text a user typed or an expression gave: a number is fine as text, an object or a list is not. */
export function textField(field: string, value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))
		return String(value).trim();
	throw new InputError(
		field,
		`${field} must be text, got ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `"${String(value)}"`}`,
	);
}

const ASPECT_NAMES: Record<string, string> = {
	'16:9': '16:9 (Landscape)',
	'9:16': '9:16 (Portrait)',
	auto: 'Auto (as the Input Video)',
};

/** Veo's seed is an unsigned 32-bit number. */
const MAX_SEED = 4_294_967_295;

/** A value from the model's list; a model the table does not know has no list, so any value goes. */
function oneOf<T>(field: string, value: T, allowed: T[] | undefined, model: VeoModel): T {
	if (model.unknown) return value;
	if (!allowed || !allowed.includes(value)) {
		throw new InputError(
			field,
			`${field} "${String(value)}" is not available for ${model.name}`,
			`Use one of: ${(allowed ?? []).join(', ')}.`,
		);
	}
	return value;
}

function toBoolean(field: string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new InputError(field, `${field} must be true or false, got "${String(value)}"`);
}

/**
 * An option whose values the API lists the same for every model that takes it (so they are checked
 * even for a model the table does not know).
 */
function choiceOption(
	name: OptionName,
	apiName: string,
	property: Pick<INodeProperties, 'displayName' | 'options' | 'default' | 'description'>,
): OptionSpec {
	const values = (property.options ?? []).map((option) =>
		String((option as { value: unknown }).value),
	);
	return {
		name,
		apiName,
		property: { ...property, name, type: 'options' },
		toApi: (value, model) =>
			oneOf(property.displayName, text(value).toLowerCase(), values, { ...model, unknown: false }),
	};
}

const OPTION_SPECS: OptionSpec[] = [
	{
		name: 'autoFix',
		apiName: 'auto_fix',
		property: {
			displayName: 'Auto Fix Prompt',
			name: 'autoFix',
			type: 'boolean',
			default: true,
			description:
				'Whether the API may rewrite a prompt that fails its content policy or other checks (on by default at the API)',
		},
		toApi: (value) => toBoolean('Auto Fix Prompt', value),
	},
	{
		name: 'aspectRatio',
		apiName: 'aspect_ratio',
		property: {
			displayName: 'Aspect Ratio',
			name: 'aspectRatio',
			type: 'options',
			options: allValues((model) => model.aspectRatios).map((value) => ({
				name: ASPECT_NAMES[value] ?? value,
				value,
			})),
			default: '16:9',
		},
		toApi: (value, model) => oneOf('Aspect Ratio', text(value), model.aspectRatios, model),
	},
	{
		name: 'duration',
		apiName: 'duration',
		property: {
			displayName: 'Duration (Seconds)',
			name: 'duration',
			type: 'options',
			options: allValues((model) => model.durations)
				.sort((a, b) => a - b)
				.map((value) => ({ name: `${value} s`, value })),
			default: 8,
			description: 'Length of the video',
		},
		toApi: (value, model) => {
			const seconds = Number(text(value));
			if (!Number.isInteger(seconds)) {
				throw new InputError(
					'Duration',
					`Duration must be a whole number of seconds, got "${String(value)}"`,
				);
			}
			return oneOf('Duration', seconds, model.durations, model);
		},
	},
	{
		name: 'enhancePrompt',
		apiName: 'enhance_prompt',
		property: {
			displayName: 'Enhance Prompt',
			name: 'enhancePrompt',
			type: 'boolean',
			default: true,
			description:
				'Whether the API rewrites the prompt with AI before generating (the API does this unless told not to)',
		},
		toApi: (value) => toBoolean('Enhance Prompt', value),
	},
	{
		name: 'generateAudio',
		apiName: 'generate_audio',
		property: {
			displayName: 'Generate Audio',
			name: 'generateAudio',
			type: 'boolean',
			default: true,
			description: 'Whether the video gets a soundtrack (on by default at the API)',
		},
		toApi: (value) => toBoolean('Generate Audio', value),
	},
	{
		name: 'negativePrompt',
		apiName: 'negative_prompt',
		property: {
			displayName: 'Negative Prompt',
			name: 'negativePrompt',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'What the video should not show',
		},
		toApi: (value) => textField('Negative Prompt', value),
	},
	choiceOption('provider', 'provider', {
		displayName: 'Provider',
		options: [
			{ name: 'Auto (Google, Then Fal.ai)', value: 'auto' },
			{ name: 'Fal.ai Mirror Only', value: 'fal' },
			{ name: 'Google Only', value: 'google' },
		],
		default: 'auto',
		description:
			'Which upstream the API routes the generation to; Auto falls back from Google to fal.ai',
	}),
	choiceOption('personGeneration', 'person_generation', {
		displayName: 'Person Generation',
		options: [
			{ name: 'Allow Adults', value: 'allow_adult' },
			{ name: "Don't Allow People", value: 'dont_allow' },
		],
		default: 'allow_adult',
		description:
			'Whether the video may show people (adults only); the API allows adults unless told not to',
	}),
	{
		name: 'resolution',
		apiName: 'resolution',
		property: {
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			options: allValues((model) => model.resolutions).map((value) => ({ name: value, value })),
			default: '720p',
		},
		toApi: (value, model) => {
			const chosen = oneOf('Resolution', text(value).toLowerCase(), model.resolutions, model);
			return model.resolutionCase === 'upper' ? chosen.toUpperCase() : chosen;
		},
	},
	{
		name: 'seed',
		apiName: 'seed',
		property: {
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			default: 0,
			description:
				'The same seed and prompt give a similar video; leave the option out for a random one',
		},
		toApi: (value) => {
			const seed = typeof value === 'number' ? value : Number(text(value));
			if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED || text(value) === '') {
				throw new InputError(
					'Seed',
					`Seed must be a whole number from 0 to ${MAX_SEED}, got "${typeof value === 'object' ? JSON.stringify(value) : String(value)}"`,
				);
			}
			return seed;
		},
	},
];

/** The Options collection of Generate Video: each option shows only for the models that take it. */
export function optionProperties(): INodeProperties[] {
	const options = OPTION_SPECS.map((spec) => ({
		...spec.property,
		displayOptions: { hide: { '/model': modelsWithoutOption(spec.name) } },
	}));
	return [...options.slice(0, 1), additionalFieldsProperty, ...options.slice(1)];
}

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
