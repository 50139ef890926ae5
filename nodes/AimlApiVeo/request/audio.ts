/**
 * The audio a Gemini Omni prompt may carry (`audio_url`): a URL, or a sound file in a binary field
 * of the incoming item sent inline as a data URI. Checked by its content, as images and videos are:
 * the declared MIME type is not trusted alone, and a file that is no known audio format is refused
 * before anything is sent.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { httpUrl, readBinaryField } from './binary-input';
import { InputError } from '../shared/errors';

/** Inline, audio grows by a third inside the JSON body; a minute of MP3 is about 1 MB. */
export const MAX_AUDIO_BYTES = 10 * 1024 * 1024;

const ascii = (bytes: Buffer, start: number, end: number) =>
	bytes.length >= end ? bytes.toString('latin1', start, end) : '';

/** The audio type from the file's first bytes: MP3, WAV, OGG, FLAC, AAC or M4A. */
export function sniffAudioType(bytes: Buffer): string | undefined {
	if (ascii(bytes, 0, 3) === 'ID3') return 'audio/mpeg';
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return 'audio/wav';
	if (ascii(bytes, 0, 4) === 'OggS') return 'audio/ogg';
	if (ascii(bytes, 0, 4) === 'fLaC') return 'audio/flac';
	if (ascii(bytes, 4, 8) === 'ftyp' && /^M4[AB] $/.test(ascii(bytes, 8, 12))) return 'audio/mp4';
	if (bytes.length >= 2 && bytes[0] === 0xff) {
		// ADTS (AAC): 12 sync bits and layer 0; an MPEG audio frame (MP3): 11 sync bits, layer III.
		if ((bytes[1] & 0xf6) === 0xf0) return 'audio/aac';
		if ((bytes[1] & 0xe6) === 0xe2) return 'audio/mpeg';
	}
	return undefined;
}

const URL_HINT = 'Enter a public https link to an MP3, WAV, OGG, FLAC, AAC or M4A file.';

/** The item's audio, or undefined when Audio Source is "No Audio". */
export async function readAudio(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<string | undefined> {
	const source = ctx.getNodeParameter('audioSource', itemIndex, 'none') as string;
	if (source === 'none') return undefined;
	if (source === 'url')
		return httpUrl(ctx.getNodeParameter('audioUrl', itemIndex, ''), 'Audio URL', 'audio', URL_HINT);
	const name = String(ctx.getNodeParameter('audioBinaryProperty', itemIndex, 'audio')).trim();
	const { bytes, declared } = await readBinaryField(ctx, itemIndex, name, {
		field: 'Audio Binary Field',
		noun: 'the audio',
		maxBytes: MAX_AUDIO_BYTES,
		tooLarge: 'Shorten or compress it, or pass it as a URL.',
		producer: 'HTTP Request, Read Files, a text-to-speech node',
	});
	const type = sniffAudioType(bytes);
	if (!type) {
		throw new InputError(
			'Audio Binary Field',
			`The audio in "${name}" is not an MP3, WAV, OGG, FLAC, AAC or M4A file (it is "${declared || 'of unknown type'}")`,
			'Convert it to MP3 or WAV first.',
		);
	}
	return `data:${type};base64,${bytes.toString('base64')}`;
}
