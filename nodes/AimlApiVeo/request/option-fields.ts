/**
 * The Options collection of Generate Video: for each option, its field, the API's name for it and
 * how a value is checked and put in the form and case the API expects. An option shows only for
 * the models that take it.
 */
import type { INodeProperties } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import type { OptionName, VeoModel } from './model-row';
import { MODELS } from './models';
import { modelsWithoutOption } from './model-ids';
import { additionalFieldsProperty } from './body-fields';
import { oneOf, text, textField, toBoolean } from './value-checks';

export interface OptionSpec {
	name: OptionName;
	apiName: string;
	property: INodeProperties;
	toApi(value: unknown, model: VeoModel): unknown;
}

/** Union of a per-model enum across the table, in table order, for the option's drop-down. */
function allValues<T>(pick: (model: VeoModel) => T[] | undefined): T[] {
	const values: T[] = [];
	for (const model of MODELS) {
		for (const value of pick(model) ?? []) {
			if (!values.includes(value)) values.push(value);
		}
	}
	return values;
}

const ASPECT_NAMES: Record<string, string> = {
	'16:9': '16:9 (Landscape)',
	'9:16': '9:16 (Portrait)',
	auto: 'Auto (as the Input Video)',
};

/** Veo's seed is an unsigned 32-bit number. */
const MAX_SEED = 4_294_967_295;

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

export const OPTION_SPECS: OptionSpec[] = [
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
