/**
 * The node's model table against the simulator's, which was written separately from the API's
 * per-model specs: every field the node sends for a model must pass the API's validation, every
 * field it leaves out must be one the API would refuse, and each model goes to its documented path.
 */
import { FRAME_FIELD, MODELS } from '../../nodes/AimlApiVeo/models';
import { buildGenerateRequest } from '../../nodes/AimlApiVeo/request';
import { findSimulatedModel, validateSubmitBody } from '../simulator';

const EVERY_OPTION = {
	aspectRatio: '9:16',
	resolution: '1080p',
	duration: 4,
	negativePrompt: 'blur',
	seed: 3,
	enhancePrompt: false,
	generateAudio: false,
	autoFix: false,
	provider: 'google',
};
const API_FIELD: Record<string, [string, unknown]> = {
	aspectRatio: ['aspect_ratio', '16:9'],
	negativePrompt: ['negative_prompt', 'x'],
	seed: ['seed', 1],
	enhancePrompt: ['enhance_prompt', true],
	autoFix: ['auto_fix', true],
	provider: ['provider', 'auto'],
	generateAudio: ['generate_audio', true],
};
const IMAGE = 'data:image/png;base64,iVBORw0KGgo=';

describe.each(MODELS.map((model) => [model.id, model] as const))('%s', (_id, model) => {
	const images = Object.fromEntries((model.frames ?? []).map((frame) => [FRAME_FIELD[frame], IMAGE]));

	it('sends every option it offers in a form the API accepts, on the documented path', () => {
		const { body, path } = buildGenerateRequest(model.id, 'a prompt', EVERY_OPTION, images);
		expect(validateSubmitBody(body).errors).toEqual([]);
		expect(path).toBe(findSimulatedModel(model.id)?.documentedPath);
		expect(Object.keys(body).length).toBe(2 + model.options.length + (model.frames?.length ?? 0));
	});

	it('also passes with only the required fields', () => {
		const { body } = buildGenerateRequest(model.id, 'a prompt', {}, images);
		expect(validateSubmitBody(body).errors).toEqual([]);
	});

	it('leaves out only fields the API would refuse for this model', () => {
		const { body } = buildGenerateRequest(model.id, 'a prompt', {}, images);
		for (const [option, [field, value]] of Object.entries(API_FIELD)) {
			if (model.options.includes(option as never)) continue;
			expect(validateSubmitBody({ ...body, [field]: value }).errors).toEqual([`${field}: Unrecognized key`]);
		}
	});

	if (model.frames?.length) {
		it('refuses to build a request without its images', () => {
			expect(() => buildGenerateRequest(model.id, 'a prompt', {}, {})).toThrow(/needs an image/);
		});
	}
});
