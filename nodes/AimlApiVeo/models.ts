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
	| 'generateAudio'
	| 'autoFix'
	| 'provider';

/** Image inputs: the first frame goes in `image_url`, the last frame in `last_image_url`. */
export type Frame = 'first' | 'last';

export const FRAME_FIELD: Record<Frame, string> = { first: 'image_url', last: 'last_image_url' };

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
	/** Required image inputs, in order. */
	frames?: Frame[];
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

const VEO_31_T2V_OPTIONS: OptionName[] = [...VEO_30_OPTIONS, 'autoFix', 'provider'];

const VEO_31_IMAGE_OPTIONS: OptionName[] = ['aspectRatio', 'resolution', 'duration', 'generateAudio', 'provider'];

const VEO_30 = {
	path: GOOGLE_PATH,
	aspectRatios: ['16:9', '9:16'],
	durations: [4, 6, 8],
	resolutions: ['720p', '1080p'],
	resolutionCase: 'upper' as const,
};

/** Veo 3.1 takes the same values on the universal path, with resolution in lower case. */
const VEO_31 = { ...VEO_30, path: UNIVERSAL_PATH, resolutionCase: 'lower' as const };

export const MODELS: VeoModel[] = [
	{
		id: 'google/veo-3.0-fast',
		name: 'Veo 3 Fast (Text to Video)',
		description: 'Faster and cheaper Veo 3: 4–8 s, 720p or 1080p, with audio',
		options: VEO_30_OPTIONS,
		...VEO_30,
	},
	{
		id: 'google/veo3',
		name: 'Veo 3 (Text to Video)',
		description: 'Highest-quality Veo 3: 4–8 s, 720p or 1080p, with audio',
		options: VEO_30_OPTIONS,
		...VEO_30,
	},
	{
		id: 'google/veo-3.0-i2v-fast',
		name: 'Veo 3 Fast (Image to Video)',
		description: 'Animates an image (the first frame) with Veo 3 Fast',
		options: VEO_30_OPTIONS,
		...VEO_30,
		frames: ['first'],
	},
	{
		id: 'google/veo-3.0-i2v',
		name: 'Veo 3 (Image to Video)',
		description: 'Animates an image (the first frame) with Veo 3',
		options: VEO_30_OPTIONS,
		...VEO_30,
		frames: ['first'],
	},
	{
		id: 'google/veo-3.1-t2v-fast',
		name: 'Veo 3.1 Fast (Text to Video)',
		description: 'Veo 3.1, faster and cheaper: 4–8 s, 720p or 1080p, with audio',
		options: VEO_31_T2V_OPTIONS,
		...VEO_31,
	},
	{
		id: 'google/veo-3.1-t2v',
		name: 'Veo 3.1 (Text to Video)',
		description: 'Veo 3.1: 4–8 s, 720p or 1080p, with audio',
		options: VEO_31_T2V_OPTIONS,
		...VEO_31,
	},
	{
		id: 'google/veo-3.1-i2v-fast',
		name: 'Veo 3.1 Fast (Image to Video)',
		description: 'Animates an image (720p or larger) with Veo 3.1 Fast',
		options: VEO_31_IMAGE_OPTIONS,
		...VEO_31,
		frames: ['first'],
	},
	{
		id: 'google/veo-3.1-i2v',
		name: 'Veo 3.1 (Image to Video)',
		description: 'Animates an image (720p or larger) with Veo 3.1',
		options: VEO_31_IMAGE_OPTIONS,
		...VEO_31,
		frames: ['first'],
	},
	{
		id: 'google/veo-3.1-first-last-image-to-video-fast',
		name: 'Veo 3.1 Fast (First and Last Frame)',
		description: 'A video that starts on one image and ends on another, Veo 3.1 Fast',
		options: VEO_31_IMAGE_OPTIONS,
		...VEO_31,
		frames: ['first', 'last'],
	},
	{
		id: 'google/veo-3.1-first-last-image-to-video',
		name: 'Veo 3.1 (First and Last Frame)',
		description: 'A video that starts on one image and ends on another, Veo 3.1',
		options: VEO_31_IMAGE_OPTIONS,
		...VEO_31,
		frames: ['first', 'last'],
	},
];

export const DEFAULT_MODEL = 'google/veo-3.0-fast';

export function findModel(id: string): VeoModel | undefined {
	return MODELS.find((model) => model.id === id);
}

/** Model ids that take a given image input. */
export function modelsWithFrame(frame: Frame): string[] {
	return MODELS.filter((model) => model.frames?.includes(frame)).map((model) => model.id);
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
