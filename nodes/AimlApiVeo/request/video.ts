/**
 * The video an extend model continues: a URL (by default the `videoUrl` of the incoming item, which
 * is what a Generate Video or an earlier Extend returned), or an MP4 in a binary field of the item
 * (what they downloaded), sent inline as a data URI, as the API's `video_url` accepts. Checked
 * before any request: the size first, then that the bytes are a whole MP4.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { httpUrl, readBinaryField } from './binary-input';
import { InputError } from '../shared/errors';
import type { VeoModel } from './model-row';
import { VIDEO_FIELD } from './model-row';
import { modelsWithVideo } from './model-ids';
import { Mp4Check } from '../transport/mp4';

/** Inline, a video grows by a third inside the JSON body; a Veo 720p clip is a few MB. */
export const MAX_INPUT_VIDEO_BYTES = 20 * 1024 * 1024;

export const videoProperties: INodeProperties[] = [
	{
		displayName: 'Video Source',
		name: 'videoSource',
		type: 'options',
		options: [
			{
				name: 'Binary Field of the Input Item',
				value: 'binary',
				description: 'The MP4 an earlier node output, e.g. the video Generate Video downloaded',
			},
			{
				name: 'URL',
				value: 'url',
				description: 'A public link to the video, e.g. the videoUrl Generate Video returned',
			},
		],
		default: 'binary',
		displayOptions: { show: { operation: ['generate'], model: modelsWithVideo() } },
	},
	{
		displayName: 'Video Binary Field',
		name: 'videoBinaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: {
			show: { operation: ['generate'], model: modelsWithVideo(), videoSource: ['binary'] },
		},
		hint: 'An MP4 up to 20 MB, sent inline as base64 (Generate Video puts its MP4 in "data")',
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		default: '={{ $json.videoUrl }}',
		placeholder: 'e.g. https://cdn.aimlapi.com/…/output.mp4',
		description:
			'A public http(s) link to the MP4 to extend; by default the videoUrl of the incoming item',
		displayOptions: {
			show: { operation: ['generate'], model: modelsWithVideo(), videoSource: ['url'] },
		},
	},
];

/** Whether the bytes are a whole MP4, by their box structure (the same check as for downloads). */
function mp4Problem(bytes: Buffer): string | undefined {
	const check = new Mp4Check();
	const problem = check.push(bytes);
	if (problem) return problem;
	const verdict = check.finish();
	return verdict.ok ? undefined : verdict.reason;
}

async function videoDataUri(ctx: IExecuteFunctions, itemIndex: number): Promise<string> {
	const name = String(ctx.getNodeParameter('videoBinaryProperty', itemIndex, 'data')).trim();
	const { bytes, declared } = await readBinaryField(ctx, itemIndex, name, {
		field: 'Video Binary Field',
		noun: 'the video',
		maxBytes: MAX_INPUT_VIDEO_BYTES,
		tooLarge:
			'Pass it as a URL instead (Video Source → URL; Generate Video returns it as videoUrl).',
		producer: 'Generate Video with Download Video on, HTTP Request, Read Files',
	});
	const problem = mp4Problem(bytes);
	if (problem) {
		throw new InputError(
			'Video Binary Field',
			`The video in "${name}" is not a usable MP4: ${problem} (declared "${declared || 'of unknown type'}")`,
			'Pass an MP4 video, e.g. the one Generate Video downloaded.',
		);
	}
	return `data:video/mp4;base64,${bytes.toString('base64')}`;
}

/** The model's video input for one item, by API field. */
export async function readVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: VeoModel,
): Promise<Record<string, string>> {
	if (!model.videoInput) return {};
	return { [VIDEO_FIELD]: await readVideoSource(ctx, itemIndex) };
}

/** The video of the item's Video Source (an extend, or a Gemini Omni edit or extend). */
export async function readVideoSource(ctx: IExecuteFunctions, itemIndex: number): Promise<string> {
	const source = ctx.getNodeParameter('videoSource', itemIndex, 'binary') as string;
	if (source === 'url') {
		const hint =
			'Enter a public https link to an MP4, or map the videoUrl of an earlier node of this kind.';
		return httpUrl(ctx.getNodeParameter('videoUrl', itemIndex, ''), 'Video URL', 'video', hint);
	}
	return await videoDataUri(ctx, itemIndex);
}
