/**
 * The model picker (version 2's resource locator, version 1's plain id), models the table does not
 * know, their Additional Body Fields, and the input rules the new models bring.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { readModel, searchModels } from '../../nodes/AimlApiVeo/request/model-choice';
import { buildGenerateRequest } from '../../nodes/AimlApiVeo/request/build';
import { validateSubmitBody } from '../simulator';
import { inputError } from './input-error';

const IMAGE = 'data:image/png;base64,iVBORw0KGgo=';

describe('reading the model', () => {
	it('reads a plain id (version 1) and a locator from the list (version 2) alike', () => {
		expect(readModel('google/veo-3.0-fast').id).toBe('google/veo-3.0-fast');
		expect(readModel({ __rl: true, mode: 'list', value: 'google/veo3' }).id).toBe('google/veo3');
	});

	it("sends Veo 3.1 Lite under its schema's id, whichever id the user gave", () => {
		const model = readModel({ __rl: true, mode: 'id', value: 'google/veo-3.1-lite-generate-001' });
		expect(buildGenerateRequest(model, 'p', {}).body.model).toBe('veo-3.1-lite-generate-001');
	});

	it('takes an id the table does not know only By ID, for the universal path', () => {
		const model = readModel({ __rl: true, mode: 'id', value: 'google/veo-4-preview' });
		expect(model).toMatchObject({
			id: 'google/veo-4-preview',
			unknown: true,
			path: '/v2/video/generations',
		});
		expect(inputError(() => readModel('google/veo-4-preview')).message).toBe(
			'Unknown model "google/veo-4-preview"',
		);
		expect(
			inputError(() => readModel({ __rl: true, mode: 'list', value: 'google/veo-4-preview' })).hint,
		).toContain('By ID');
		expect(inputError(() => readModel({ __rl: true, mode: 'id', value: ' ' })).message).toBe(
			'No model is chosen',
		);
	});

	it('searches by name, id and description', async () => {
		const search = async (filter: string) =>
			(await searchModels.call({} as ILoadOptionsFunctions, filter)).results.map(
				(entry) => entry.value,
			);
		expect(await search('extend')).toEqual([
			'google/gemini-omni-1.1-flash',
			'google/veo3-1-fast-extend-video',
			'google/veo3-1-extend-video',
		]);
		expect(await search('veo 2')).toEqual(['veo2', 'veo2/image-to-video']);
		const all = (await searchModels.call({} as ILoadOptionsFunctions)).results;
		expect(await search('omni')).toEqual([
			'google/gemini-omni-1.1-flash',
			'google/gemini-omni-flash-preview',
		]);
		expect(await search('Gemini')).toHaveLength(2);
		expect(all.length).toBe(19);
		for (const entry of all) expect(entry.description).toBeTruthy();
	});
});

describe('a model the table does not know', () => {
	const unknown = readModel({ __rl: true, mode: 'id', value: 'google/veo-4-preview' });

	it('sends the options set, unchecked against any list, plus Additional Body Fields', () => {
		const { body, path } = buildGenerateRequest(unknown, 'a prompt', {
			duration: 10,
			resolution: '4K',
			additionalFields: '{"image_url": "https://x.test/a.png", "loop": true}',
		});
		expect(path).toBe('/v2/video/generations');
		expect(body).toEqual({
			model: 'google/veo-4-preview',
			prompt: 'a prompt',
			duration: 10,
			resolution: '4k',
			image_url: 'https://x.test/a.png',
			loop: true,
		});
	});

	it('still checks types: a seed must be a whole number', () => {
		expect(inputError(() => buildGenerateRequest(unknown, 'p', { seed: 'abc' })).field).toBe(
			'Seed',
		);
	});

	it.each([
		['[1, 2]', 'Additional Body Fields must be a JSON object, got a list'],
		['{"model": "x"}', 'Additional Body Fields may not set "model"'],
		['{"prompt": "x"}', 'Additional Body Fields may not set "prompt"'],
		['{"duration": 6}', 'Additional Body Fields sets "duration", which an option already sets'],
	])('refuses %s before anything is sent', (json, message) => {
		expect(
			inputError(() => buildGenerateRequest(unknown, 'p', { duration: 8, additionalFields: json }))
				.message,
		).toBe(message);
	});

	it('refuses text that is not JSON, naming the field', () => {
		const error = inputError(() =>
			buildGenerateRequest(unknown, 'p', { additionalFields: '{oops' }),
		);
		expect(error.field).toBe('Additional Body Fields');
		expect(error.message).toMatch(/^Additional Body Fields is not valid JSON/);
	});

	it('ignores Additional Body Fields for a listed model, which sends exactly its documented fields', () => {
		expect(buildGenerateRequest('google/veo3', 'p', { additionalFields: '{"x": 1}' }).body).toEqual(
			{ model: 'google/veo3', prompt: 'p' },
		);
	});
});

describe('the new models’ input rules', () => {
	it('reference-to-video takes one to three images', () => {
		const build = (count: number) =>
			buildGenerateRequest(
				'google/veo-3.1-reference-to-video',
				'p',
				{},
				{ image_urls: Array(count).fill(IMAGE) },
			);
		expect(validateSubmitBody(build(3).body).errors).toEqual([]);
		expect(inputError(() => build(4)).message).toBe(
			'Veo 3.1 (Reference Images to Video) takes 1 to 3 reference images, got 4',
		);
		expect(inputError(() => build(0)).field).toBe('Reference Images');
		expect(
			validateSubmitBody({ ...build(3).body, image_urls: Array(4).fill(IMAGE) }).errors,
		).toEqual(['image_urls: Array must contain at most 3 element(s)']);
	});

	it('Veo 3.1 Lite makes only 8 s videos with a last frame, as the API says', () => {
		const inputs = { image_url: IMAGE, last_image_url: IMAGE };
		expect(
			inputError(() =>
				buildGenerateRequest('google/veo-3-1-lite-generate-preview', 'p', { duration: 4 }, inputs),
			).field,
		).toBe('Duration');
		expect(
			buildGenerateRequest('google/veo-3-1-lite-generate-preview', 'p', { duration: 8 }, inputs)
				.body.duration,
		).toBe(8);
		expect(
			validateSubmitBody({
				model: 'veo-3.1-lite-generate-001',
				prompt: 'p',
				...inputs,
				duration: 4,
			}).errors,
		).toEqual(['duration: When using last_image_url, the duration can only be 8s']);
	});

	it('Veo 2 names its last frame tail_image_url', () => {
		const { body } = buildGenerateRequest(
			'veo2/image-to-video',
			'p',
			{},
			{ image_url: IMAGE, tail_image_url: IMAGE },
		);
		expect(validateSubmitBody(body).errors).toEqual([]);
		expect(validateSubmitBody({ ...body, last_image_url: IMAGE }).errors).toEqual([
			'last_image_url: Unrecognized key',
		]);
	});

	it('extend-video needs its video, and the API takes only an MP4 as a data URI', () => {
		expect(
			inputError(() => buildGenerateRequest('google/veo3-1-extend-video', 'p', {}, {})).message,
		).toBe('Veo 3.1 (Extend Video) needs a video to extend');
		const mp4 = Buffer.concat([
			Buffer.from([0, 0, 0, 16]),
			Buffer.from('ftypisom'),
			Buffer.alloc(4),
		]).toString('base64');
		const body = {
			model: 'google/veo3-1-extend-video',
			prompt: 'p',
			duration: 7,
			aspect_ratio: 'auto',
			resolution: '720p',
		};
		expect(
			validateSubmitBody({ ...body, video_url: `data:video/mp4;base64,${mp4}` }).errors,
		).toEqual([]);
		expect(validateSubmitBody({ ...body, video_url: IMAGE }).errors).toEqual([
			'video_url: Invalid url',
		]);
		expect(
			validateSubmitBody({ ...body, duration: 8, video_url: 'https://x.test/v.mp4' }).errors,
		).toEqual(['duration: Invalid enum value. Expected 7, received 8']);
	});
});
