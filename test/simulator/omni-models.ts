/**
 * The two Gemini Omni models, written from the API's own specs (gemini-omni-flash-preview.json and
 * gemini-omni-1-1-flash.json in the vendor's api-docs), independently of the node's model table.
 * The specs state no `additionalProperties`; read strictly, as every spec here is, any other key is
 * refused: the Veo fields (negative_prompt, seed, generate_audio, …) among them.
 */
import type { FieldRule, SimulatedModel } from './models';

const PREVIEW_TASKS = ['text_to_video', 'image_to_video', 'reference_to_video', 'edit'] as const;

/** The fields both specs list, with the Preview's task enum. */
const OMNI_FIELDS: Record<string, FieldRule> = {
	prompt: { kind: 'prompt' },
	image_url: { kind: 'imageUrl' },
	image_urls: { kind: 'imageUrlList', max: 6 },
	video_url: { kind: 'videoUrl' },
	audio_url: { kind: 'audioUrl' },
	previous_interaction_id: { kind: 'string' },
	task: { kind: 'enum', values: PREVIEW_TASKS },
	aspect_ratio: { kind: 'enum', values: ['16:9', '9:16'] },
	// An integer enum: the vendor's samples send "8", a string, which the schema refuses.
	duration: { kind: 'intEnum', values: [3, 4, 5, 6, 7, 8, 9, 10] },
	delivery: { kind: 'enum', values: ['uri'] },
};

export const OMNI_MODELS: SimulatedModel[] = [
	{
		id: 'google/gemini-omni-flash-preview',
		upstream: 'gemini-omni-flash-preview',
		documentedPath: '/v2/video/generations',
		required: [],
		fields: OMNI_FIELDS,
	},
	{
		id: 'google/gemini-omni-1.1-flash',
		upstream: 'gemini-omni-1.1-flash',
		documentedPath: '/v2/video/generations',
		required: [],
		fields: {
			...OMNI_FIELDS,
			task: { kind: 'enum', values: [...PREVIEW_TASKS, 'extend'] },
			resolution: { kind: 'enum', values: ['360p', '720p', '1080p', '4k'] },
		},
	},
];
