/**
 * Every Gemini Omni request body the node builds, for each model and task, with inputs as data URIs
 * (what the node makes of a binary field) and as URLs, against the simulator's copy of the Omni
 * specs, written separately from the node's table; and each combination the node refuses before
 * anything is sent.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { IDataObject } from 'n8n-workflow';

import { sniffAudioType } from '../../nodes/AimlApiVeo/request/audio';
import { findModel, MODELS } from '../../nodes/AimlApiVeo/request/models';
import type { OmniInputs } from '../../nodes/AimlApiVeo/request/omni';
import { buildOmniRequest } from '../../nodes/AimlApiVeo/request/omni';
import { tableEstimate } from '../../nodes/AimlApiVeo/spend/prices';
import { PriceBook, pricedRequest } from '../../nodes/AimlApiVeo/spend/price-book';
import { loadFixture, validateSubmitBody } from '../simulator';

const PREVIEW = 'google/gemini-omni-flash-preview';
const V11 = 'google/gemini-omni-1.1-flash';
const model = (id: string) => {
	const row = findModel(id);
	if (!row) throw new Error(id);
	return row;
};

const png = readFileSync(join(__dirname, '..', 'fixtures', 'first-frame.png'));
const PNG = `data:image/png;base64,${png.toString('base64')}`;
const MP4 = `data:video/mp4;base64,${loadFixture().toString('base64')}`;
const WAV = `data:audio/wav;base64,${Buffer.from('RIFF\0\0\0\0WAVEfmt ').toString('base64')}`;
const url = (name: string) => `https://cdn.example.com/${name}`;

const build = (id: string, task: string, inputs: OmniInputs = {}, options: IDataObject = {}) =>
	buildOmniRequest(model(id), 'a fox', task, options, inputs);

const binaryInputs: Record<string, OmniInputs> = {
	text_to_video: { audio: WAV },
	image_to_video: { frames: [PNG] },
	reference_to_video: { references: [PNG, PNG, PNG, PNG, PNG, PNG] },
	edit: { video: MP4, audio: WAV },
	extend: { video: MP4 },
};
const urlInputs: Record<string, OmniInputs> = {
	text_to_video: { audio: url('voice.mp3') },
	image_to_video: { frames: [url('first.png')] },
	reference_to_video: { references: [url('a.png'), url('b.png')] },
	edit: { video: url('clip.mp4') },
	extend: { video: url('clip.mp4'), audio: url('voice.mp3') },
};

describe.each([PREVIEW, V11])('%s', (id) => {
	const row = model(id);
	const every: IDataObject = {
		aspectRatio: '9:16',
		duration: 3,
		...(id === V11 ? { resolution: '4k' } : {}),
		previousInteractionId: 'interaction-1',
	};

	it.each(row.omni?.tasks ?? [])(
		'%s: a body the spec accepts, from binary inputs and from URLs',
		(task) => {
			for (const inputs of [binaryInputs[task], urlInputs[task]]) {
				const { body, path } = build(id, task, inputs, every);
				expect(validateSubmitBody(body).errors).toEqual([]);
				expect(path).toBe('/v2/video/generations');
				expect(body).toMatchObject({ model: id, task, aspect_ratio: '9:16', duration: 3 });
				expect(body.previous_interaction_id).toBe('interaction-1');
				expect('resolution' in body).toBe(id === V11);
			}
		},
	);

	it('sends only what was set: model, prompt and task, the duration as a JSON number', () => {
		expect(build(id, 'text_to_video').body).toEqual({
			model: id,
			prompt: 'a fox',
			task: 'text_to_video',
		});
		const { body } = build(id, 'text_to_video', {}, { duration: '8' });
		expect(body.duration).toBe(8);
		expect(validateSubmitBody(body).errors).toEqual([]);
	});

	it('sends no Veo-only field, whatever the options hold', () => {
		const { body } = build(
			id,
			'text_to_video',
			{},
			{ negativePrompt: 'blur', seed: 3, enhancePrompt: true, generateAudio: true, autoFix: true },
		);
		expect(Object.keys(body)).toEqual(['model', 'prompt', 'task']);
	});

	it('refuses a duration outside 3–10 and an aspect ratio the spec does not list', () => {
		expect(() => build(id, 'text_to_video', {}, { duration: 11 })).toThrow(
			`Duration "11" is not available for ${row.name}`,
		);
		expect(() => build(id, 'text_to_video', {}, { aspectRatio: 'auto' })).toThrow(
			/Aspect Ratio "auto"/,
		);
	});

	it('refuses each task without the media it needs, and media the task does not take', () => {
		expect(() => build(id, 'image_to_video')).toThrow(/needs an image/);
		expect(() => build(id, 'reference_to_video')).toThrow(/takes 1 to 6 reference images, got 0/);
		expect(() =>
			build(id, 'reference_to_video', { references: Array<string>(7).fill(PNG) }),
		).toThrow(/takes 1 to 6 reference images, got 7/);
		expect(() => build(id, 'edit')).toThrow(/needs a video to edit/);
		expect(() => build(id, 'text_to_video', { video: MP4 })).toThrow(/media it does not take/);
	});

	it('binds <IMAGE_REF_n> tags to the images sent, counted from 0', () => {
		const prompt = (text: string, inputs: OmniInputs, task = 'reference_to_video') =>
			buildOmniRequest(row, text, task, {}, inputs).body;
		const two = { references: [url('a.png'), url('b.png')] };
		expect(prompt('<IMAGE_REF_0> meets <IMAGE_REF_1>', two).image_urls).toEqual(two.references);
		expect(() => prompt('<IMAGE_REF_2> waves', two)).toThrow(
			'The prompt names <IMAGE_REF_2>, but only 2 images are sent (tags count from <IMAGE_REF_0>)',
		);
		expect(() => prompt('<image_ref_1> waves', two)).toThrow(/does not read as an image tag/);
		expect(() => prompt('<IMAGE_REF_0> waves', {}, 'text_to_video')).toThrow(
			/is sent no images for this task/,
		);
		// Untagged images are sent all the same.
		expect(prompt('a party', two).image_urls).toHaveLength(2);
	});
});

describe('what differs between the two models', () => {
	it('1.1 sends a first and a last frame as the two image_urls its spec asks for', () => {
		const { body } = build(V11, 'image_to_video', { frames: [PNG, url('last.png')] });
		expect(body.image_urls).toEqual([PNG, url('last.png')]);
		expect(body.image_url).toBeUndefined();
		expect(validateSubmitBody(body).errors).toEqual([]);
	});

	it('the Preview refuses two frames, a resolution it lacks, and the extend task', () => {
		expect(() => build(PREVIEW, 'image_to_video', { frames: [PNG, PNG] })).toThrow(
			'Gemini Omni Flash Preview (Image to Video) takes one image, not a first and a last frame',
		);
		expect(() => build(PREVIEW, 'text_to_video', {}, { resolution: '720p' })).toThrow(
			'Gemini Omni Flash Preview has no resolution choice, got "720p"',
		);
		expect(() => build(PREVIEW, 'extend', { video: MP4 })).toThrow(
			expect.objectContaining({
				message: 'Task "extend" is not available for Gemini Omni Flash Preview',
				hint: expect.stringMatching(/needs Gemini Omni 1.1 Flash/),
			}),
		);
	});

	it('1.1 sends its resolutions in lower case, 4k included', () => {
		for (const resolution of ['360p', '720p', '1080p', '4K'])
			expect(build(V11, 'text_to_video', {}, { resolution }).body.resolution).toBe(
				resolution.toLowerCase(),
			);
		expect(() => build(V11, 'text_to_video', {}, { resolution: '2k' })).toThrow(/Resolution "2k"/);
	});
});

describe("the simulator's copy of the Omni specs", () => {
	const base = { model: V11, prompt: 'p' };
	it('refuses what the specs refuse', () => {
		expect(validateSubmitBody({ ...base, duration: '8' }).errors).toEqual([
			'duration: Expected number, received string',
		]);
		expect(validateSubmitBody({ ...base, seed: 1 }).errors).toEqual(['seed: Unrecognized key']);
		expect(validateSubmitBody({ ...base, resolution: '4K' }).errors[0]).toMatch(/Invalid enum/);
		expect(validateSubmitBody({ ...base, model: PREVIEW, resolution: '720p' }).errors).toEqual([
			'resolution: Unrecognized key',
		]);
		expect(validateSubmitBody({ ...base, model: PREVIEW, task: 'extend' }).errors[0]).toMatch(
			/Invalid enum/,
		);
		expect(validateSubmitBody({ ...base, image_urls: Array(7).fill(PNG) }).errors).toEqual([
			'image_urls: Array must contain at most 6 element(s)',
		]);
		expect(validateSubmitBody({ ...base, audio_url: 'data:audio/wav;base64,' }).errors).toEqual([
			'audio_url: Invalid url',
		]);
	});
});

describe('audio by content', () => {
	it.each([
		['ID3\u0004', 'audio/mpeg'],
		['RIFF\0\0\0\0WAVE', 'audio/wav'],
		['OggS\0', 'audio/ogg'],
		['fLaC\0', 'audio/flac'],
		['\0\0\0\u0020ftypM4A ', 'audio/mp4'],
	])('%j is %s', (head, type) => {
		expect(sniffAudioType(Buffer.from(head, 'latin1'))).toBe(type);
	});

	it('MPEG and ADTS frames, and not a PNG or an MP4 video', () => {
		expect(sniffAudioType(Buffer.from([0xff, 0xfb, 0x90]))).toBe('audio/mpeg');
		expect(sniffAudioType(Buffer.from([0xff, 0xf1, 0x50]))).toBe('audio/aac');
		expect(sniffAudioType(png)).toBeUndefined();
		expect(sniffAudioType(loadFixture())).toBeUndefined();
	});
});

describe('prices', () => {
	it('has an estimate per Omni row, by resolution on 1.1', () => {
		const omni = MODELS.filter((row) => row.omni);
		expect(omni.map((row) => row.id).sort()).toEqual([V11, PREVIEW]);
		const at = (resolution: string) =>
			tableEstimate(build(V11, 'text_to_video', {}, { resolution, duration: 10 }));
		expect([at('360p'), at('720p'), at('1080p'), at('4k')]).toEqual([
			2_000_000, 3_000_000, 3_000_000, 7_000_000,
		]);
		expect(tableEstimate(build(PREVIEW, 'text_to_video'))).toBe(2_400_000);
	});

	it('prices 1.1 without a resolution at its dearest (the specs document no default), in the table and in the catalogue', () => {
		const unsent = build(V11, 'text_to_video', {}, { duration: 10 });
		expect(unsent.body.resolution).toBeUndefined();
		expect(tableEstimate(unsent)).toBe(7_000_000);
		expect(pricedRequest(unsent).defaults.resolution).toBeUndefined();
		const variants = ['360p', '1080p', '4k'].map((resolution, i) => ({
			when: { resolution },
			price: [0.1, 0.15, 0.35][i],
			unit: 'second',
			per: 1,
		}));
		const book = new PriceBook([{ id: V11, aliases: [], pricing: { kind: 'variants', variants } }]);
		expect(book.estimate(unsent)).toEqual({ credits: 7_000_000, from: 'catalogue' });
	});
});
