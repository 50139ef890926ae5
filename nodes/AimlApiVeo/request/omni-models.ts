/**
 * The Gemini Omni rows of the model table, from the API's two Omni specs: every field as the spec
 * gives it (duration a whole number 3–10, resolution on 1.1 only, lower case, up to 6 reference
 * images). No Veo-only field is offered: the specs list none of them.
 */
import type { VeoModel } from './model-row';

/**
 * What a Gemini Omni generation does, the API's `task` values. The node always sends the task the
 * user chose: the API's inference of a task from the media sent is not documented.
 */
export type OmniTask =
	'text_to_video' | 'image_to_video' | 'reference_to_video' | 'edit' | 'extend';

/** Gemini Omni: one spec per model, with the same fields save resolution and the extend task. */
const OMNI = {
	aspectRatios: ['16:9', '9:16'],
	durations: [3, 4, 5, 6, 7, 8, 9, 10],
};
const OMNI_TASKS: OmniTask[] = ['text_to_video', 'image_to_video', 'reference_to_video', 'edit'];

/** Both rows; models.ts gives them the universal path, the only one their specs document. */
export const OMNI_MODELS: Array<Omit<VeoModel, 'path'>> = [
	{
		id: 'google/gemini-omni-1.1-flash',
		name: 'Gemini Omni 1.1 Flash',
		description:
			"Google's default video model: text, image, first and last frame, reference images, edit and extend; 3–10 s, 360p to 4K",
		options: ['aspectRatio', 'resolution', 'duration', 'previousInteractionId'],
		...OMNI,
		resolutions: ['360p', '720p', '1080p', '4k'],
		resolutionCase: 'lower',
		omni: { tasks: [...OMNI_TASKS, 'extend'], lastFrame: true, maxReferences: 6 },
	},
	{
		id: 'google/gemini-omni-flash-preview',
		name: 'Gemini Omni Flash Preview',
		description:
			'The preview of Gemini Omni: text, image, reference images and edit; 3–10 s, no resolution choice',
		options: ['aspectRatio', 'duration', 'previousInteractionId'],
		...OMNI,
		omni: { tasks: OMNI_TASKS, lastFrame: false, maxReferences: 6 },
	},
];
