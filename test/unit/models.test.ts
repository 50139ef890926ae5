/**
 * The node's model table against the simulator's, which was written separately from the API's
 * per-model specs: every field the node sends for a model must pass the API's validation, every
 * field it leaves out must be one the API would refuse, and each model goes to its documented path.
 */
import type { VeoModel } from '../../nodes/AimlApiVeo/request/model-row';
import { frameField, REFERENCE_FIELD, VIDEO_FIELD } from '../../nodes/AimlApiVeo/request/model-row';
import { MODELS } from '../../nodes/AimlApiVeo/request/models';
import { buildGenerateRequest } from '../../nodes/AimlApiVeo/request/build';
import { findSimulatedModel, validateSubmitBody } from '../simulator';

/** Every option, each with the last value the model allows (so 9:16, 1080p where it has them). */
const everyOption = (model: VeoModel) => ({
	aspectRatio: model.aspectRatios?.at(-1),
	resolution: model.resolutions?.at(-1),
	duration: model.durations?.at(-1),
	negativePrompt: 'blur',
	seed: 3,
	enhancePrompt: false,
	generateAudio: false,
	autoFix: false,
	provider: 'google',
	personGeneration: 'dont_allow',
});
const API_FIELD: Record<string, [string, unknown]> = {
	aspectRatio: ['aspect_ratio', '16:9'],
	negativePrompt: ['negative_prompt', 'x'],
	seed: ['seed', 1],
	enhancePrompt: ['enhance_prompt', true],
	autoFix: ['auto_fix', true],
	provider: ['provider', 'auto'],
	generateAudio: ['generate_audio', true],
	personGeneration: ['person_generation', 'allow_adult'],
	resolution: ['resolution', '720p'],
};
const IMAGE = 'data:image/png;base64,iVBORw0KGgo=';

// The Gemini Omni rows build their requests by task: see omni-request.test.ts.
const VEO_MODELS = MODELS.filter((model) => !model.omni);

describe.each(VEO_MODELS.map((model) => [model.id, model] as const))('%s', (_id, model) => {
	const images: Record<string, string | string[]> = Object.fromEntries(
		(model.frames ?? []).map((frame) => [frameField(model, frame), IMAGE]),
	);
	if (model.referenceImages) images[REFERENCE_FIELD] = [IMAGE];
	if (model.videoInput) images[VIDEO_FIELD] = 'https://cdn.example.com/clip.mp4';
	const withOptional = {
		...images,
		...Object.fromEntries(
			(model.optionalFrames ?? []).map((frame) => [frameField(model, frame), IMAGE]),
		),
	};

	it('sends every option it offers in a form the API accepts, on the documented path', () => {
		const { body, path } = buildGenerateRequest(model.id, 'a prompt', everyOption(model), images);
		expect(validateSubmitBody(body).errors).toEqual([]);
		expect(path).toBe(findSimulatedModel(model.id)?.documentedPath);
		expect(Object.keys(body).length).toBe(2 + model.options.length + Object.keys(images).length);
	});

	it('sends its optional images in the fields the API names', () => {
		const { body } = buildGenerateRequest(model.id, 'a prompt', {}, withOptional);
		expect(validateSubmitBody(body).errors).toEqual([]);
	});

	it("is the simulator's model of the same id (the API's schema enum)", () => {
		expect(findSimulatedModel(model.id)).toBeDefined();
	});

	it('also passes with only the required fields', () => {
		const { body } = buildGenerateRequest(model.id, 'a prompt', {}, images);
		expect(validateSubmitBody(body).errors).toEqual([]);
	});

	it('leaves out only fields the API would refuse for this model', () => {
		const { body } = buildGenerateRequest(model.id, 'a prompt', {}, images);
		for (const [option, [field, value]] of Object.entries(API_FIELD)) {
			if (model.options.includes(option as never)) continue;
			// Veo 2 has no resolution field; every other model has one.
			if (option === 'resolution' && model.resolutions) continue;
			expect(validateSubmitBody({ ...body, [field]: value }).errors).toEqual([
				`${field}: Unrecognized key`,
			]);
		}
	});

	if (model.frames?.length || model.videoInput || model.referenceImages) {
		it('refuses to build a request without its images or video', () => {
			expect(() => buildGenerateRequest(model.id, 'a prompt', {}, {})).toThrow(
				/needs an image|needs a video|reference images/,
			);
		});
	}
});
