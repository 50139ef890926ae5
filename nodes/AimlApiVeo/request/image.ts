/**
 * Image inputs: the first and last frames, and the reference images of reference-to-video. Each is
 * a URL, or an image in a binary field of the incoming item (what an earlier node produced), sent
 * as a base64 data URI. Checked before any request.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MediaKind } from './binary-input';
import { httpUrl, listOf, readBinaryField, urlListOf } from './binary-input';
import { InputError } from '../shared/errors';
import type { Frame, VeoModel } from './model-row';
import { frameField, REFERENCE_FIELD, takesFrame } from './model-row';
import { MODELS } from './models';
import { modelsWithFrame, modelsWithReferences } from './model-ids';

/** Larger images are better passed as a URL: base64 grows them by a third inside the JSON body. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const LABEL: Record<Frame, string> = { first: 'Image', last: 'Last Frame' };
const PARAM: Record<Frame, { source: string; binary: string; url: string; defaultBinary: string }> =
	{
		first: {
			source: 'imageSource',
			binary: 'imageBinaryProperty',
			url: 'imageUrl',
			defaultBinary: 'data',
		},
		last: {
			source: 'lastFrameSource',
			binary: 'lastFrameBinaryProperty',
			url: 'lastFrameUrl',
			defaultBinary: 'lastFrame',
		},
	};
const URL_HINT = 'Enter a public https link to a PNG, JPEG or WebP image.';

const imageKind = (field: string, noun: string): MediaKind => ({
	field,
	noun,
	maxBytes: MAX_IMAGE_BYTES,
	tooLarge: 'Resize it, or pass it as a URL.',
	producer: 'HTTP Request, Read Files, an image generator',
});

/** Model ids (aliases too) for which the frame is required, or optional. */
function frameModels(frame: Frame, required: boolean): string[] {
	const ids = modelsWithFrame(frame);
	const optional = MODELS.filter((model) => model.optionalFrames?.includes(frame)).flatMap(
		(model) => [model.id, ...(model.aliases ?? [])],
	);
	return required ? ids.filter((id) => !optional.includes(id)) : optional;
}

function sourceProperty(frame: Frame, required: boolean): INodeProperties {
	const label = LABEL[frame];
	const what =
		frame === 'first' ? 'the image the video starts from' : 'the image the video ends on';
	const none = { name: 'No Image', value: 'none', description: `Generate without ${what}` };
	const property: INodeProperties = {
		displayName: `${label} Source`,
		name: PARAM[frame].source,
		type: 'options',
		options: [
			{
				name: 'Binary Field of the Input Item',
				value: 'binary',
				description: `Use ${what} from an earlier node's binary output`,
			},
			...(required ? [] : [none]),
			{ name: 'URL', value: 'url', description: `A public link to ${what}` },
		],
		default: 'binary',
		displayOptions: { show: { operation: ['generate'], model: frameModels(frame, required) } },
	};
	// Where the model does not need the frame, it is left out unless asked for.
	if (!required) property.default = 'none';
	return property;
}

function frameProperties(frame: Frame): INodeProperties[] {
	const models = modelsWithFrame(frame);
	const names = PARAM[frame];
	const label = LABEL[frame];
	const binaryField: INodeProperties = {
		displayName: `${label} Binary Field`,
		name: names.binary,
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: {
			show: { operation: ['generate'], model: models, [names.source]: ['binary'] },
		},
		hint: 'PNG, JPEG or WebP up to 10 MB, sent inline as base64. Veo 3.1 wants 720p or larger.',
	};
	binaryField.default = names.defaultBinary;
	return [
		sourceProperty(frame, true),
		sourceProperty(frame, false),
		binaryField,
		{
			displayName: `${label} URL`,
			name: names.url,
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/frame.png',
			description: `A public http(s) link to ${frame === 'first' ? 'the first frame' : 'the last frame'} (PNG, JPEG or WebP)`,
			displayOptions: { show: { operation: ['generate'], model: models, [names.source]: ['url'] } },
		},
	];
}

const referenceProperties: INodeProperties[] = [
	{
		displayName: 'Reference Images Source',
		name: 'referenceSource',
		type: 'options',
		options: [
			{
				name: 'Binary Fields of the Input Item',
				value: 'binary',
				description: "Images from an earlier node's binary output",
			},
			{ name: 'URLs', value: 'url', description: 'Public links to the images' },
		],
		default: 'binary',
		displayOptions: { show: { operation: ['generate'], model: modelsWithReferences() } },
	},
	{
		displayName: 'Reference Image Binary Fields',
		name: 'referenceBinaryProperties',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, face, product',
		displayOptions: {
			show: { operation: ['generate'], model: modelsWithReferences(), referenceSource: ['binary'] },
		},
		hint: '1 to 3 binary field names, separated by commas. Each PNG, JPEG or WebP up to 10 MB, sent inline as base64.',
	},
	{
		displayName: 'Reference Image URLs',
		name: 'referenceUrls',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. https://example.com/face.png',
		description:
			'1 to 3 public http(s) links, one per line (or an expression giving a list). A comma is part of a URL, never a separator.',
		displayOptions: {
			show: { operation: ['generate'], model: modelsWithReferences(), referenceSource: ['url'] },
		},
	},
];

export const imageProperties: INodeProperties[] = [
	...frameProperties('first'),
	...frameProperties('last'),
	...referenceProperties,
];

/** The image type from the file's first bytes; the declared MIME type is not trusted alone. */
export function sniffImageType(bytes: Buffer): string | undefined {
	if (
		bytes.length >= 8 &&
		bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
	)
		return 'image/png';
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
		return 'image/jpeg';
	if (
		bytes.length >= 12 &&
		bytes.toString('latin1', 0, 4) === 'RIFF' &&
		bytes.toString('latin1', 8, 12) === 'WEBP'
	)
		return 'image/webp';
	return undefined;
}

/** An image of a binary field as a data URI, checked to be PNG, JPEG or WebP by its content. */
async function imageDataUri(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	kind: MediaKind,
): Promise<string> {
	const { bytes, declared } = await readBinaryField(ctx, itemIndex, name, kind);
	const type = sniffImageType(bytes);
	if (!type) {
		throw new InputError(
			kind.field,
			`${kind.noun.replace(/^the/, 'The')} in "${name}" is not a PNG, JPEG or WebP image (it is "${declared || 'of unknown type'}")`,
			'Convert it to PNG or JPEG first.',
		);
	}
	return `data:${type};base64,${bytes.toString('base64')}`;
}

/**
 * One frame, or undefined when the model does not need it and the user chose "No Image". A Gemini
 * Omni model says by its task whether it needs the frame.
 */
export async function readFrame(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: VeoModel,
	frame: Frame,
	required = model.frames?.includes(frame) ?? false,
): Promise<string | undefined> {
	const names = PARAM[frame];
	const label = LABEL[frame];
	const source = ctx.getNodeParameter(
		names.source,
		itemIndex,
		required ? 'binary' : 'none',
	) as string;
	if (source === 'none') {
		if (required)
			throw new InputError(
				`${label} Source`,
				`${model.name} needs ${frame === 'first' ? 'an image' : 'a last-frame image'}`,
				'Choose a binary field or a URL.',
			);
		return undefined;
	}
	if (source === 'url')
		return httpUrl(
			ctx.getNodeParameter(names.url, itemIndex, ''),
			`${label} URL`,
			label.toLowerCase(),
			URL_HINT,
		);
	const field = String(ctx.getNodeParameter(names.binary, itemIndex, names.defaultBinary)).trim();
	return await imageDataUri(
		ctx,
		itemIndex,
		field,
		imageKind(`${label} Binary Field`, `the ${label.toLowerCase()}`),
	);
}

/** The reference images, as URLs or data URIs; their number is checked with the request. */
export async function readReferences(ctx: IExecuteFunctions, itemIndex: number): Promise<string[]> {
	const source = ctx.getNodeParameter('referenceSource', itemIndex, 'binary') as string;
	if (source === 'url') {
		return urlListOf(
			ctx.getNodeParameter('referenceUrls', itemIndex, ''),
			'Reference Image URLs',
		).map((url) => httpUrl(url, 'Reference Image URLs', 'reference image', URL_HINT));
	}
	const fields = listOf(ctx.getNodeParameter('referenceBinaryProperties', itemIndex, 'data'));
	const images: string[] = [];
	for (const field of fields)
		images.push(
			await imageDataUri(
				ctx,
				itemIndex,
				field,
				imageKind('Reference Image Binary Fields', 'the reference image'),
			),
		);
	return images;
}

/** The model's image inputs for one item, by API field, ready for the request body. */
export async function readImages(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: VeoModel,
): Promise<Record<string, string | string[]>> {
	const images: Record<string, string | string[]> = {};
	for (const frame of ['first', 'last'] as Frame[]) {
		if (!takesFrame(model, frame)) continue;
		const image = await readFrame(ctx, itemIndex, model, frame);
		if (image !== undefined) images[frameField(model, frame)] = image;
	}
	if (model.referenceImages) images[REFERENCE_FIELD] = await readReferences(ctx, itemIndex);
	return images;
}
