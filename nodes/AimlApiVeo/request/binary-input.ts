/**
 * Media the node sends inline (images, a video to extend): read from a binary field of the
 * incoming item, with its size checked before the bytes are read, or given as an http(s) URL.
 * Shared by image.ts and video.ts so each input fails the same way, naming its field.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../shared/errors';

export interface MediaKind {
	/** The UI field a problem is reported on, e.g. "Image Binary Field". */
	field: string;
	/** What it is, in a sentence: "the image", "the video". */
	noun: string;
	maxBytes: number;
	/** What to do with a file that is too large. */
	tooLarge: string;
	/** What to put before this node when the item has no binary data. */
	producer: string;
}

function tooLarge(kind: MediaKind, name: string, bytes: number): InputError {
	const limit = `${Math.round(kind.maxBytes / 1024 / 1024)} MB`;
	return new InputError(
		kind.field,
		`${capitalise(kind.noun)} in "${name}" is ${bytes} bytes, over the ${limit} limit`,
		kind.tooLarge,
	);
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The bytes of a binary field of the item, and its declared MIME type; the size is checked first. */
export async function readBinaryField(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	kind: MediaKind,
): Promise<{ bytes: Buffer; declared: string }> {
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	if (!binary[name]) {
		const present = Object.keys(binary);
		throw new InputError(
			kind.field,
			`The item has no binary field "${name}" for ${kind.noun}`,
			present.length
				? `Its binary fields are: ${present.join(', ')}.`
				: `It has no binary data at all: put a node that outputs ${kind.noun} (${kind.producer}) before this one.`,
		);
	}
	const declared = binary[name].mimeType ?? '';
	const size = binary[name].bytes;
	if (size !== undefined && size > kind.maxBytes) throw tooLarge(kind, name, size);
	const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	if (bytes.length > kind.maxBytes) throw tooLarge(kind, name, bytes.length);
	return { bytes, declared };
}

/** A public http(s) URL, or an error naming the field. */
export function httpUrl(value: unknown, field: string, noun: string, hint: string): string {
	const url = typeof value === 'string' ? value.trim() : '';
	if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
		const shown =
			typeof value === 'string'
				? value.trim()
				: value === undefined || value === null
					? ''
					: JSON.stringify(value);
		throw new InputError(field, `The ${noun} URL is not an http(s) URL: "${shown}"`, hint);
	}
	return url;
}

/** A list from a field: an expression's array, or text split at `separators` (binary field names: commas or new lines). */
export function listOf(value: unknown, separators = /[\n,]/): string[] {
	const parts = Array.isArray(value)
		? value.map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
		: typeof value === 'string'
			? value.split(separators)
			: [];
	return parts.map((part) => part.trim()).filter(Boolean);
}

/**
 * URLs from a field: an expression's array, or text with one URL per line. Never split at a comma,
 * which a URL may hold. A comma ending a line is the separator lists once used and is dropped; a line
 * where a comma runs into a second URL is refused, so such a list is not sent as one broken URL.
 */
export function urlListOf(value: unknown, field: string): string[] {
	const lines = listOf(value, /\r?\n/);
	return lines.map((line, index) => {
		if (/,\s*https?:\/\//i.test(line)) {
			throw new InputError(
				field,
				`${field} has two URLs joined by a comma on line ${index + 1}`,
				'Put each URL on its own line (or give a list from an expression); a comma inside a URL is kept as part of it.',
			);
		}
		return Array.isArray(value) ? line : line.replace(/,+$/, '').trim();
	});
}
