/**
 * The Veo model table. One row per model: where it is sent and which request fields it takes.
 * Adding a model is adding a row; the UI, the request builder and the validation read this table.
 * Every fact comes from the API's per-model specs (see the project's HTTP contract).
 */

/** The API's two submit/poll paths. The Veo 3.0 family is documented on the Google path. */
export const GOOGLE_PATH = '/v2/generate/video/google/generation';
export const UNIVERSAL_PATH = '/v2/video/generations';

/** Option fields the node knows how to send (the keys of the Options collection). */
export type OptionName =
	| 'aspectRatio'
	| 'resolution'
	| 'duration'
	| 'negativePrompt'
	| 'seed'
	| 'enhancePrompt'
	| 'generateAudio';

export interface VeoModel {
	/** The `model` value sent to the API. */
	id: string;
	/** Shown in the Model drop-down. */
	name: string;
	description: string;
	/** Submit and poll path (the same path serves both). */
	path: string;
	/** The options this model accepts; any other option is never sent. */
	options: OptionName[];
	/** Allowed values where the model restricts an option. */
	aspectRatios?: string[];
	durations?: number[];
	/** The resolutions (as shown, lower case) and the case the API expects. */
	resolutions?: string[];
	resolutionCase?: 'upper' | 'lower';
}

const VEO_30_OPTIONS: OptionName[] = [
	'aspectRatio',
	'resolution',
	'duration',
	'negativePrompt',
	'seed',
	'enhancePrompt',
	'generateAudio',
];

export const MODELS: VeoModel[] = [
	{
		id: 'google/veo-3.0-fast',
		name: 'Veo 3 Fast (Text to Video)',
		description: 'Faster and cheaper Veo 3: 4–8 s, 720p or 1080p, with audio',
		path: GOOGLE_PATH,
		options: VEO_30_OPTIONS,
		aspectRatios: ['16:9', '9:16'],
		durations: [4, 6, 8],
		resolutions: ['720p', '1080p'],
		resolutionCase: 'upper',
	},
	{
		id: 'google/veo3',
		name: 'Veo 3 (Text to Video)',
		description: 'Highest-quality Veo 3: 4–8 s, 720p or 1080p, with audio',
		path: GOOGLE_PATH,
		options: VEO_30_OPTIONS,
		aspectRatios: ['16:9', '9:16'],
		durations: [4, 6, 8],
		resolutions: ['720p', '1080p'],
		resolutionCase: 'upper',
	},
];

export const DEFAULT_MODEL = 'google/veo-3.0-fast';

export function findModel(id: string): VeoModel | undefined {
	return MODELS.find((model) => model.id === id);
}

/** Model ids that accept a given option; drives `displayOptions` so the UI shows only those. */
export function modelsWithOption(option: OptionName): string[] {
	return MODELS.filter((model) => model.options.includes(option)).map((model) => model.id);
}

/** Union of a per-model enum across the table, in table order, for the option's drop-down. */
export function allValues<T>(pick: (model: VeoModel) => T[] | undefined): T[] {
	const values: T[] = [];
	for (const model of MODELS) {
		for (const value of pick(model) ?? []) {
			if (!values.includes(value)) values.push(value);
		}
	}
	return values;
}
