/**
 * Image inputs of the image-to-video models: a URL, or an image in a binary field of the incoming
 * item (what an earlier node produced), sent as a base64 data URI. Checked before any request.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from './errors';
import type { Frame, VeoModel } from './models';
import { FRAME_FIELD, modelsWithFrame } from './models';

/** Larger images are better passed as a URL: base64 grows them by a third inside the JSON body. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const LABEL: Record<Frame, string> = { first: 'Image', last: 'Last Frame' };
const PARAM: Record<Frame, { source: string; binary: string; url: string; defaultBinary: string }> = {
	first: { source: 'imageSource', binary: 'imageBinaryProperty', url: 'imageUrl', defaultBinary: 'data' },
	last: { source: 'lastFrameSource', binary: 'lastFrameBinaryProperty', url: 'lastFrameUrl', defaultBinary: 'lastFrame' },
};

function frameProperties(frame: Frame): INodeProperties[] {
	const models = modelsWithFrame(frame);
	const names = PARAM[frame];
	const label = LABEL[frame];
	const what = frame === 'first' ? 'the image the video starts from' : 'the image the video ends on';
	const binaryField: INodeProperties = {
		displayName: `${label} Binary Field`,
		name: names.binary,
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { operation: ['generate'], model: models, [names.source]: ['binary'] } },
		hint: 'PNG, JPEG or WebP up to 10 MB, sent inline as base64. Veo 3.1 wants 720p or larger.',
	};
	binaryField.default = names.defaultBinary;
	return [
		{
			displayName: `${label} Source`,
			name: names.source,
			type: 'options',
			options: [
				{ name: 'Binary Field of the Input Item', value: 'binary', description: `Use ${what} from an earlier node's binary output` },
				{ name: 'URL', value: 'url', description: `A public link to ${what}` },
			],
			default: 'binary',
			displayOptions: { show: { operation: ['generate'], model: models } },
		},
		binaryField,
		{
			displayName: `${label} URL`,
			name: names.url,
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/frame.png',
			description: `A public http(s) link to ${what} (PNG, JPEG or WebP)`,
			displayOptions: { show: { operation: ['generate'], model: models, [names.source]: ['url'] } },
		},
	];
}

export const imageProperties: INodeProperties[] = [...frameProperties('first'), ...frameProperties('last')];

/** The image type from the file's first bytes; the declared MIME type is not trusted alone. */
export function sniffImageType(bytes: Buffer): string | undefined {
	if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
	if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
	return undefined;
}

async function readFrame(ctx: IExecuteFunctions, itemIndex: number, frame: Frame): Promise<string> {
	const names = PARAM[frame];
	const label = LABEL[frame];
	const source = ctx.getNodeParameter(names.source, itemIndex, 'binary') as string;
	if (source === 'url') {
		const url = String(ctx.getNodeParameter(names.url, itemIndex, '')).trim();
		if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
			throw new InputError(`${label} URL`, `The ${label.toLowerCase()} URL is not an http(s) URL: "${url}"`, 'Enter a public https link to a PNG, JPEG or WebP image.');
		}
		return url;
	}
	const field = String(ctx.getNodeParameter(names.binary, itemIndex, names.defaultBinary)).trim();
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	if (!binary[field]) {
		const present = Object.keys(binary);
		throw new InputError(
			`${label} Binary Field`,
			`The item has no binary field "${field}" for the ${label.toLowerCase()}`,
			present.length ? `Its binary fields are: ${present.join(', ')}.` : 'It has no binary data at all: put a node that outputs the image (HTTP Request, Read Files, an image generator) before this one.',
		);
	}
	const declared = binary[field].mimeType ?? '';
	if (binary[field].bytes !== undefined && binary[field].bytes > MAX_IMAGE_BYTES) {
		throw new InputError(`${label} Binary Field`, `The ${label.toLowerCase()} in "${field}" is ${binary[field].bytes} bytes, over the 10 MB limit`, 'Resize it, or pass it as a URL.');
	}
	const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, field);
	if (bytes.length > MAX_IMAGE_BYTES) {
		throw new InputError(`${label} Binary Field`, `The ${label.toLowerCase()} in "${field}" is ${bytes.length} bytes, over the 10 MB limit`, 'Resize it, or pass it as a URL.');
	}
	const type = sniffImageType(bytes);
	if (!type) {
		throw new InputError(
			`${label} Binary Field`,
			`The ${label.toLowerCase()} in "${field}" is not a PNG, JPEG or WebP image (it is "${declared || 'of unknown type'}")`,
			'Convert it to PNG or JPEG first.',
		);
	}
	return `data:${type};base64,${bytes.toString('base64')}`;
}

/** The model's image inputs for one item, by API field, ready for the request body. */
export async function readFrames(ctx: IExecuteFunctions, itemIndex: number, model: VeoModel): Promise<Record<string, string>> {
	const images: Record<string, string> = {};
	for (const frame of model.frames ?? []) images[FRAME_FIELD[frame]] = await readFrame(ctx, itemIndex, frame);
	return images;
}
