/**
 * The fields of a Gemini Omni model: its Task, and the media inputs that task takes, each shown
 * only for the models and tasks that take it. The inputs keep the names the Veo rows use (Image
 * Source, Video Source, …) so a value set for one model stays when the user switches to another.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { OmniTask } from './omni-models';
import { MODELS } from './models';
import { modelsWithoutOption, omniModels } from './model-ids';
import { TASK_NAMES } from './omni';

const TASK_DESCRIPTIONS: Record<OmniTask, string> = {
	text_to_video: 'A video from the prompt alone',
	image_to_video:
		'Animate an image (the first frame); on 1.1, optionally towards a last frame as well',
	reference_to_video:
		'A video that keeps the look of 1 to 6 images, bound in the prompt by <IMAGE_REF_0>, <IMAGE_REF_1>, …',
	edit: 'Change a video as the prompt says, e.g. the video an earlier node made',
	extend: 'Continue a video, e.g. the video an earlier node made',
};

/** One Task field per Omni model, with the tasks its spec lists. */
const taskProperties: INodeProperties[] = MODELS.filter((model) => model.omni).map((model) => ({
	displayName: 'Task',
	name: 'task',
	type: 'options',
	options: (model.omni?.tasks ?? []).map((task) => ({
		name: TASK_NAMES[task],
		value: task,
		description: TASK_DESCRIPTIONS[task],
	})),
	default: 'text_to_video',
	displayOptions: { show: { operation: ['generate'], model: [model.id] } },
}));

interface Source {
	label: string;
	names: { source: string; binary: string; url: string };
	/** The models and tasks it shows for. */
	models: string[];
	tasks?: OmniTask[];
	/** Optional inputs offer "No …", and start on it. */
	none?: string;
	defaultBinary: string;
	binaryHint: string;
	urlDescription: string;
	urlDefault?: string;
}

/** Source, binary field and URL of one input, shown for its models and tasks. */
function sourceFields(input: Source): INodeProperties[] {
	const show = {
		operation: ['generate'],
		model: input.models,
		...(input.tasks ? { task: input.tasks } : {}),
	};
	const none = input.none ? [{ name: input.none, value: 'none' }] : [];
	const fields: INodeProperties[] = [
		{
			displayName: `${input.label} Source`,
			name: input.names.source,
			type: 'options',
			options: [
				{ name: 'Binary Field of the Input Item', value: 'binary' },
				...none,
				{ name: 'URL', value: 'url' },
			],
			default: 'binary',
			displayOptions: { show },
		},
		{
			displayName: `${input.label} Binary Field`,
			name: input.names.binary,
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { ...show, [input.names.source]: ['binary'] } },
			hint: input.binaryHint,
		},
		{
			displayName: `${input.label} URL`,
			name: input.names.url,
			type: 'string',
			default: '',
			description: input.urlDescription,
			displayOptions: { show: { ...show, [input.names.source]: ['url'] } },
		},
	];
	// Optional inputs start on "No …"; the defaults differ by input.
	fields[0].default = input.none ? 'none' : 'binary';
	fields[1].default = input.defaultBinary;
	fields[2].default = input.urlDefault ?? '';
	return fields;
}

const IMAGE_HINT = 'PNG, JPEG or WebP up to 10 MB, sent inline as base64';

const referenceFields: INodeProperties[] = sourceFields({
	label: 'Reference Images',
	names: { source: 'referenceSource', binary: 'referenceBinaryProperties', url: 'referenceUrls' },
	models: omniModels('reference_to_video'),
	tasks: ['reference_to_video'],
	defaultBinary: 'data',
	binaryHint: `1 to 6 binary field names, separated by commas; the first is <IMAGE_REF_0> in the prompt. Each ${IMAGE_HINT}.`,
	urlDescription:
		'1 to 6 public http(s) links, one per line (or an expression giving a list); the first is <IMAGE_REF_0> in the prompt',
}).map((field) =>
	field.name === 'referenceBinaryProperties'
		? { ...field, displayName: 'Reference Image Binary Fields' }
		: field.name === 'referenceUrls'
			? { ...field, displayName: 'Reference Image URLs', typeOptions: { rows: 3 } }
			: field,
);

export const omniProperties: INodeProperties[] = [
	...taskProperties,
	...sourceFields({
		label: 'Image',
		names: { source: 'imageSource', binary: 'imageBinaryProperty', url: 'imageUrl' },
		models: omniModels('image_to_video'),
		tasks: ['image_to_video'],
		defaultBinary: 'data',
		binaryHint: `The first frame: ${IMAGE_HINT}`,
		urlDescription: 'A public http(s) link to the first frame (PNG, JPEG or WebP)',
	}),
	...sourceFields({
		label: 'Last Frame',
		names: { source: 'lastFrameSource', binary: 'lastFrameBinaryProperty', url: 'lastFrameUrl' },
		models: MODELS.filter((model) => model.omni?.lastFrame).map((model) => model.id),
		tasks: ['image_to_video'],
		none: 'No Last Frame',
		defaultBinary: 'lastFrame',
		binaryHint: `The image the video ends on: ${IMAGE_HINT}`,
		urlDescription: 'A public http(s) link to the last frame (PNG, JPEG or WebP)',
	}),
	...referenceFields,
	...sourceFields({
		label: 'Video',
		names: { source: 'videoSource', binary: 'videoBinaryProperty', url: 'videoUrl' },
		models: omniModels('edit'),
		tasks: ['edit', 'extend'],
		defaultBinary: 'data',
		binaryHint: 'An MP4 up to 20 MB, sent inline as base64 (this node puts its MP4 in "data")',
		urlDescription:
			'A public http(s) link to the MP4; by default the videoUrl of the incoming item',
		urlDefault: '={{ $json.videoUrl }}',
	}),
	...sourceFields({
		label: 'Audio',
		names: { source: 'audioSource', binary: 'audioBinaryProperty', url: 'audioUrl' },
		models: omniModels(),
		none: 'No Audio',
		defaultBinary: 'audio',
		binaryHint: 'MP3, WAV, OGG, FLAC, AAC or M4A up to 10 MB, sent inline as base64',
		urlDescription: 'A public http(s) link to a sound file the prompt may refer to',
	}),
];

/** Previous Interaction ID, in the Options collection of the models that take it. */
export const previousInteractionProperty: INodeProperties = {
	displayName: 'Previous Interaction ID',
	name: 'previousInteractionId',
	type: 'string',
	default: '',
	description:
		"The Gemini Interactions API's ID of an earlier Gemini Omni generation, to edit as a conversation. The API documents no answer field that carries one; to edit a video, give it as the Video instead.",
	displayOptions: { hide: { '/model': modelsWithoutOption('previousInteractionId') } },
};
