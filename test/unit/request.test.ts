import { httpFailure } from '../../nodes/AimlApiVeo/shared/errors';
import { inputError } from './input-error';
import { asGeneration, judge } from '../../nodes/AimlApiVeo/transport/generation';
import { GOOGLE_PATH, MODELS } from '../../nodes/AimlApiVeo/request/models';
import { buildGenerateRequest } from '../../nodes/AimlApiVeo/request/build';
import { optionProperties } from '../../nodes/AimlApiVeo/request/option-fields';
import { resolveBaseUrl } from '../../nodes/AimlApiVeo/transport/api';

describe('request building', () => {
	it('sends only model and prompt when no option is set', () => {
		const request = buildGenerateRequest('google/veo-3.0-fast', '  a fox in snow ', {});
		expect(request).toMatchObject({
			path: GOOGLE_PATH,
			body: { model: 'google/veo-3.0-fast', prompt: 'a fox in snow' },
		});
		expect(Object.keys(request.body)).toEqual(['model', 'prompt']);
	});

	it.each(['google/veo-3.0-fast', 'google/veo3'])(
		'maps every option of %s to the API field, resolution in upper case',
		(model) => {
			const { body, path } = buildGenerateRequest(model, 'p', {
				aspectRatio: '9:16',
				resolution: '1080p',
				duration: 6,
				negativePrompt: 'no text',
				seed: 42,
				enhancePrompt: false,
				generateAudio: false,
			});
			expect(path).toBe(GOOGLE_PATH);
			expect(body).toEqual({
				model,
				prompt: 'p',
				aspect_ratio: '9:16',
				resolution: '1080P',
				duration: 6,
				negative_prompt: 'no text',
				seed: 42,
				enhance_prompt: false,
				generate_audio: false,
			});
		},
	);

	it('accepts values from expressions in their text forms', () => {
		const { body } = buildGenerateRequest('google/veo-3.0-fast', 'p', {
			duration: '4',
			seed: '7',
			resolution: '720P',
			generateAudio: 'false',
		});
		expect(body).toMatchObject({ duration: 4, seed: 7, resolution: '720P', generate_audio: false });
	});

	it('rejects what the model does not accept, naming the field', () => {
		expect(
			inputError(() => buildGenerateRequest('google/veo-3.0-fast', 'p', { duration: 5 })).field,
		).toBe('Duration');
		expect(
			inputError(() => buildGenerateRequest('google/veo-3.0-fast', 'p', { duration: 'eight' }))
				.field,
		).toBe('Duration');
		expect(
			inputError(() => buildGenerateRequest('google/veo-3.0-fast', 'p', { resolution: '4k' }))
				.message,
		).toContain('"4k"');
		expect(
			inputError(() => buildGenerateRequest('google/veo-3.0-fast', 'p', { aspectRatio: '1:1' }))
				.field,
		).toBe('Aspect Ratio');
		expect(
			inputError(() => buildGenerateRequest('google/veo-3.0-fast', 'p', { seed: 1.5 })).field,
		).toBe('Seed');
		expect(
			inputError(() => buildGenerateRequest('google/veo-3.0-fast', 'p', { seed: 'abc' })).field,
		).toBe('Seed');
		expect(
			inputError(() => buildGenerateRequest('google/veo-3.0-fast', 'p', { enhancePrompt: 'yes' }))
				.field,
		).toBe('Enhance Prompt');
	});

	it('rejects an empty or blank prompt and an unknown model before anything is sent', () => {
		expect(inputError(() => buildGenerateRequest('google/veo-3.0-fast', '   \n ', {})).field).toBe(
			'Prompt',
		);
		expect(inputError(() => buildGenerateRequest('google/veo-3.0-fast', undefined, {})).field).toBe(
			'Prompt',
		);
		const unknown = inputError(() => buildGenerateRequest('google/veo-9', 'p', {}));
		expect(unknown.field).toBe('Model');
		expect(unknown.hint).toContain('google/veo-3.0-fast');
	});

	it('hides each option for the listed models that do not take it (a model chosen By ID sees them all)', () => {
		for (const property of optionProperties()) {
			const hiddenFor = property.displayOptions?.hide?.['/model'] as string[];
			if (property.name === 'additionalFields') {
				// Only for models the table does not know: hidden for every id and alias it does.
				expect(hiddenFor).toEqual(MODELS.flatMap((m) => [m.id, ...(m.aliases ?? [])]));
				continue;
			}
			expect(hiddenFor).toEqual(
				MODELS.filter((m) => !m.options.includes(property.name as never)).flatMap((m) => [
					m.id,
					...(m.aliases ?? []),
				]),
			);
		}
	});
});

describe('statuses', () => {
	it('judges the four documented statuses', () => {
		expect(judge({ id: 'a', status: 'queued' })).toEqual({ state: 'running' });
		expect(judge({ id: 'a', status: 'generating' })).toEqual({ state: 'running' });
		expect(judge({ id: 'a', status: 'completed', video: { url: 'https://c/x.mp4' } })).toEqual({
			state: 'completed',
			videoUrl: 'https://c/x.mp4',
			videoUrls: ['https://c/x.mp4'],
			videoNotes: [],
		});
		expect(judge({ id: 'a', status: 'completed' })).toMatchObject({
			state: 'failed',
			kind: 'no-video',
		});
		expect(judge({ id: 'a', status: 'error', error: { name: 'N', message: 'M' } })).toMatchObject({
			state: 'failed',
			message: 'Generation a failed: N: M',
		});
	});

	it('reads generation bodies, and refuses empty or malformed ones', () => {
		expect(asGeneration({ id: 'x', status: 'queued' })).toEqual({ id: 'x', status: 'queued' });
		expect(asGeneration('{"id":"x","status":"completed"}')).toEqual({
			id: 'x',
			status: 'completed',
		});
		expect(asGeneration('')).toBeUndefined();
		expect(asGeneration('{"id":"x","sta')).toBeUndefined();
		expect(asGeneration({ status: 'queued' })).toBeUndefined();
		expect(asGeneration([])).toBeUndefined();
	});
});

describe('error mapping', () => {
	it('gives each HTTP failure its own plain message', () => {
		expect(
			httpFailure(
				400,
				{ message: 'Body validation error!\nresolution: Invalid enum value' },
				'submit',
			).message,
		).toContain('resolution: Invalid enum value');
		expect(httpFailure(401, {}, 'submit').message).toBe('The API key was rejected');
		expect(httpFailure(403, {}, 'submit').message).toContain('out of credits');
		expect(httpFailure(404, {}, 'poll', 'id-1').message).toBe('No generation with this id: id-1');
		expect(httpFailure(429, {}, 'poll', 'id-1', 3).message).toContain('after 3 retries');
		expect(httpFailure(502, { message: 'Bad Gateway' }, 'poll', 'id-1', 1).message).toBe(
			'The API answered HTTP 502 (Bad Gateway) after 1 retry (generation id-1)',
		);
		expect(httpFailure(502, {}, 'poll', 'id-1').description).toContain('Get Generation');
	});
});

describe('base URL', () => {
	it('accepts https anywhere and http only on loopback', () => {
		expect(resolveBaseUrl(undefined)).toBe('https://api.aimlapi.com');
		expect(resolveBaseUrl('https://api.aimlapi.com/v1/')).toBe('https://api.aimlapi.com');
		expect(resolveBaseUrl('https://proxy.example/aiml/')).toBe('https://proxy.example/aiml');
		expect(resolveBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
		expect(resolveBaseUrl('http://localhost:8080')).toBe('http://localhost:8080');
		expect(resolveBaseUrl('http://[::1]:8080')).toBe('http://[::1]:8080');
		expect(inputError(() => resolveBaseUrl('http://api.aimlapi.com')).field).toBe('Base URL');
		expect(inputError(() => resolveBaseUrl('ftp://api.aimlapi.com')).field).toBe('Base URL');
		expect(inputError(() => resolveBaseUrl('not a url')).field).toBe('Base URL');
	});
});
