/**
 * The model table (Veo and Gemini Omni). One row per model: where it is sent and which request
 * fields it takes.
 * Adding a model is adding a row; the UI, the request builder and the validation read this table.
 * Every fact comes from the API's per-model specs (see the project's HTTP contract).
 */
import type { OmniTask } from './omni-models';
import { OMNI_MODELS } from './omni-models';

export type { OmniTask } from './omni-models';

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
	| 'provider'
	| 'personGeneration'
	| 'previousInteractionId';

/**
 * Image inputs: the first frame goes in `image_url`, the last frame in `last_image_url` (Veo 2 names
 * it `tail_image_url`: see `frameField`).
 */
export type Frame = 'first' | 'last';

export const FRAME_FIELD: Record<Frame, string> = { first: 'image_url', last: 'last_image_url' };

/** Reference images go in `image_urls`, the video to extend in `video_url`. */
export const REFERENCE_FIELD = 'image_urls';
export const VIDEO_FIELD = 'video_url';

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
	/** Image inputs the model takes but does not need (the user may choose "No Image"). */
	optionalFrames?: Frame[];
	/** Where the model's API names a frame differently from FRAME_FIELD. */
	frameFields?: Partial<Record<Frame, string>>;
	/** Reference images (`image_urls`): how many the model takes. */
	referenceImages?: { min: number; max: number };
	/** The model extends a video given in `video_url` (required). */
	videoInput?: boolean;
	/** A frame rule the API states in words: with a last frame, only this duration. */
	lastFrameDuration?: number;
	/**
	 * A Gemini Omni model: one model for every task, the task chosen by the user. Its inputs are read
	 * by task (see omni.ts), not from `frames`, `referenceImages` or `videoInput`.
	 */
	omni?: {
		tasks: OmniTask[];
		/** Image to video from a first and a last frame (two images in `image_urls`). */
		lastFrame: boolean;
		/** The most reference images (`image_urls`, the spec's `maxItems`). */
		maxReferences: number;
	};
	/** Other ids the API's documentation uses for the same model; the request sends `id`. */
	aliases?: string[];
	/**
	 * A model the table does not know, chosen By ID: sent on the universal path with the options
	 * the user set, checked for type but not against any list of values.
	 */
	unknown?: boolean;
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

const VEO_31_IMAGE_OPTIONS: OptionName[] = [
	'aspectRatio',
	'resolution',
	'duration',
	'generateAudio',
	'provider',
];

const VEO_30 = {
	path: GOOGLE_PATH,
	aspectRatios: ['16:9', '9:16'],
	durations: [4, 6, 8],
	resolutions: ['720p', '1080p'],
	resolutionCase: 'upper' as const,
};

/** Veo 3.1 takes the same values on the universal path, with resolution in lower case. */
const VEO_31 = { ...VEO_30, path: UNIVERSAL_PATH, resolutionCase: 'lower' as const };

/** Extend-video: about 7 s more of a video; 720p only; the aspect ratio may follow the video. */
const VEO_31_EXTEND = {
	path: UNIVERSAL_PATH,
	options: [
		'aspectRatio',
		'resolution',
		'duration',
		'generateAudio',
		'autoFix',
		'provider',
	] as OptionName[],
	aspectRatios: ['auto', '16:9', '9:16'],
	durations: [7],
	resolutions: ['720p'],
	resolutionCase: 'lower' as const,
	videoInput: true,
};

/** Veo 3.1 Lite: text to video, or from a first and optionally a last frame. */
const VEO_31_LITE = {
	...VEO_31,
	optionalFrames: ['first', 'last'] as Frame[],
	lastFrameDuration: 8,
};

/** Veo 2: 5–8 s, no resolution or audio choice. */
const VEO_2 = {
	path: UNIVERSAL_PATH,
	options: ['aspectRatio', 'duration', 'negativePrompt', 'seed', 'enhancePrompt'] as OptionName[],
	aspectRatios: ['16:9', '9:16'],
	durations: [5, 6, 7, 8],
};

export const MODELS: VeoModel[] = [
	...OMNI_MODELS.map((model) => ({ ...model, path: UNIVERSAL_PATH })),
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
	{
		id: 'google/veo-3.1-reference-to-video',
		name: 'Veo 3.1 (Reference Images to Video)',
		description:
			'A video that keeps the look of 1–3 reference images (a character, a product, a style); 8 s',
		path: UNIVERSAL_PATH,
		options: ['resolution', 'duration', 'generateAudio', 'provider'],
		durations: [8],
		resolutions: ['720p', '1080p'],
		resolutionCase: 'lower',
		referenceImages: { min: 1, max: 3 },
	},
	{
		id: 'google/veo3-1-fast-extend-video',
		name: 'Veo 3.1 Fast (Extend Video)',
		description: 'Continues a video by about 7 s, Veo 3.1 Fast: chain it after Generate Video',
		...VEO_31_EXTEND,
	},
	{
		id: 'google/veo3-1-extend-video',
		name: 'Veo 3.1 (Extend Video)',
		description: 'Continues a video by about 7 s, Veo 3.1: chain it after Generate Video',
		...VEO_31_EXTEND,
	},
	{
		id: 'google/veo-3-1-lite-generate-preview',
		name: 'Veo 3.1 Lite Preview',
		description: 'The cheapest Veo 3.1: text, or a first (and last) frame, to video; 4–8 s',
		options: ['aspectRatio', 'resolution', 'duration', 'generateAudio', 'provider'],
		...VEO_31_LITE,
	},
	{
		// The API's schema names this model without "google/"; its documentation page with it.
		id: 'veo-3.1-lite-generate-001',
		aliases: ['google/veo-3.1-lite-generate-001'],
		name: 'Veo 3.1 Lite',
		description:
			'Veo 3.1 Lite: text, or a first (and last) frame, to video; 4–8 s, with a person policy',
		options: ['aspectRatio', 'resolution', 'duration', 'generateAudio', 'personGeneration'],
		...VEO_31_LITE,
		resolutionCase: 'upper',
	},
	{
		id: 'veo2',
		name: 'Veo 2 (Text to Video)',
		description: 'The older Veo 2: 5–8 s, no audio',
		...VEO_2,
	},
	{
		id: 'veo2/image-to-video',
		name: 'Veo 2 (Image to Video)',
		description: 'Animates an image with Veo 2, optionally ending on a last frame; 5–8 s, no audio',
		...VEO_2,
		frames: ['first'],
		optionalFrames: ['last'],
		frameFields: { last: 'tail_image_url' },
	},
];

/** Model ids (aliases too) of the Gemini Omni rows; those that take a task. */
export const omniModels = (task?: OmniTask): string[] =>
	knownIds(MODELS.filter((model) => model.omni && (!task || model.omni.tasks.includes(task))));

export const DEFAULT_MODEL = 'google/veo-3.0-fast';

const ALL_OPTIONS: OptionName[] = [...VEO_31_T2V_OPTIONS, 'personGeneration'];

/** A model id the table does not know (a newer Veo): every option may be sent, unchecked against enums. */
export function unknownModel(id: string): VeoModel {
	return {
		id,
		name: `model "${id}"`,
		description: '',
		path: UNIVERSAL_PATH,
		options: ALL_OPTIONS,
		unknown: true,
	};
}

/** A model by its id or one of its aliases. */
export function findModel(id: string): VeoModel | undefined {
	return MODELS.find((model) => model.id === id || model.aliases?.includes(id));
}

/** Every id the table knows, aliases included: the values a field may be shown or hidden for. */
export function knownIds(models: VeoModel[] = MODELS): string[] {
	return models.flatMap((model) => [model.id, ...(model.aliases ?? [])]);
}

/** The API field a model takes a frame in. */
export function frameField(model: VeoModel, frame: Frame): string {
	return model.frameFields?.[frame] ?? FRAME_FIELD[frame];
}

export function takesFrame(model: VeoModel, frame: Frame): boolean {
	return Boolean(model.frames?.includes(frame) || model.optionalFrames?.includes(frame));
}

/** Model ids (aliases too) that take a given image input, required or not. */
export function modelsWithFrame(frame: Frame): string[] {
	return knownIds(MODELS.filter((model) => takesFrame(model, frame)));
}

/** Model ids that take reference images, or a video to extend. */
export const modelsWithReferences = (): string[] =>
	knownIds(MODELS.filter((model) => model.referenceImages));
export const modelsWithVideo = (): string[] => knownIds(MODELS.filter((model) => model.videoInput));

/**
 * Known model ids that do not accept a given option; drives `displayOptions.hide`, so the UI
 * shows an option for the models that take it and for any model the table does not know.
 */
export function modelsWithoutOption(option: OptionName): string[] {
	return knownIds(MODELS.filter((model) => !model.options.includes(option)));
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
