/**
 * The model table (Veo and Gemini Omni). One row per model: where it is sent and which request
 * fields it takes.
 * Adding a model is adding a row; the UI, the request builder and the validation read this table.
 * Every fact comes from the API's per-model specs (see the project's HTTP contract). A row's shape
 * is in model-row.ts; the id lists the UI reads off the table in model-ids.ts.
 */
import type { Frame, OptionName, VeoModel } from './model-row';
import { OMNI_MODELS } from './omni-models';

/** The API's two submit/poll paths. The Veo 3.0 family is documented on the Google path. */
export const GOOGLE_PATH = '/v2/generate/video/google/generation';
export const UNIVERSAL_PATH = '/v2/video/generations';

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
