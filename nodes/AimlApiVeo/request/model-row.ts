/**
 * The shape of a row of the model table: the request fields a model takes, its allowed values and
 * its inputs; and what a single row answers (which API field takes a frame). The rows are in
 * models.ts and omni-models.ts.
 */
import type { OmniTask } from './omni-models';

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

/** The API field a model takes a frame in. */
export function frameField(model: VeoModel, frame: Frame): string {
	return model.frameFields?.[frame] ?? FRAME_FIELD[frame];
}

export function takesFrame(model: VeoModel, frame: Frame): boolean {
	return Boolean(model.frames?.includes(frame) || model.optionalFrames?.includes(frame));
}
