/**
 * The simulator's own model table and request-body validation.
 *
 * Written from the AI/ML API contract (the vendor's per-model OpenAPI specs), independently of the
 * node's model table, so that a wrong field name, a wrong enum case or a missing required field in
 * the node fails here exactly as it would against the real API.
 */

import { OMNI_MODELS } from './omni-models';

export const LEGACY_GOOGLE_PATH = '/v2/generate/video/google/generation';
export const UNIVERSAL_VIDEO_PATH = '/v2/video/generations';

export type FieldRule =
	| { kind: 'prompt' }
	| { kind: 'string' }
	| { kind: 'boolean' }
	| { kind: 'integer' }
	| { kind: 'enum'; values: readonly string[] }
	| { kind: 'intEnum'; values: readonly number[] }
	| { kind: 'imageUrl' }
	| { kind: 'imageUrlList'; max?: number }
	| { kind: 'videoUrl' }
	| { kind: 'audioUrl' };

export interface SimulatedModel {
	/** The `model` value of the request body. */
	id: string;
	/** The part after the ':' of the ids the API hands out for this model. */
	upstream: string;
	/** The path the vendor documents the model on (both paths are served by one handler). */
	documentedPath: string;
	/** Fields besides `model` and `prompt` that must be present. */
	required: readonly string[];
	/** Every accepted field except `model`; any other key is rejected. */
	fields: Readonly<Record<string, FieldRule>>;
	/** A rule across fields that the vendor states in words; returns problem lines. */
	crossCheck?: (body: Record<string, unknown>) => string[];
}

const PROMPT: FieldRule = { kind: 'prompt' };
const TEXT: FieldRule = { kind: 'string' };
const BOOL: FieldRule = { kind: 'boolean' };
const INT: FieldRule = { kind: 'integer' };
const IMAGE: FieldRule = { kind: 'imageUrl' };
const IMAGES_1_TO_3: FieldRule = { kind: 'imageUrlList', max: 3 };
const VIDEO: FieldRule = { kind: 'videoUrl' };
const DURATION_468: FieldRule = { kind: 'intEnum', values: [4, 6, 8] };
const DURATION_8: FieldRule = { kind: 'intEnum', values: [8] };
const ASPECT: FieldRule = { kind: 'enum', values: ['16:9', '9:16'] };
const RES_UPPER: FieldRule = { kind: 'enum', values: ['720P', '1080P'] };
const RES_LOWER: FieldRule = { kind: 'enum', values: ['720p', '1080p'] };

/** Veo 3.0 family (google/veo-3.0-fast, google/veo3): D, A, R-up, np, sd, ep, ga. */
const VEO30_T2V_FIELDS: Record<string, FieldRule> = {
	prompt: PROMPT,
	duration: DURATION_468,
	aspect_ratio: ASPECT,
	resolution: RES_UPPER,
	negative_prompt: TEXT,
	seed: INT,
	enhance_prompt: BOOL,
	generate_audio: BOOL,
};

/** Veo 3.0 image-to-video: the same plus the first frame. */
const VEO30_I2V_FIELDS: Record<string, FieldRule> = {
	...VEO30_T2V_FIELDS,
	image_url: IMAGE,
};

/** Veo 3.1 text-to-video: A, D, R-lo, ga, sd, af, np, ep, pv. */
const VEO31_T2V_FIELDS: Record<string, FieldRule> = {
	prompt: PROMPT,
	aspect_ratio: ASPECT,
	duration: DURATION_468,
	resolution: RES_LOWER,
	generate_audio: BOOL,
	seed: INT,
	auto_fix: BOOL,
	negative_prompt: TEXT,
	enhance_prompt: BOOL,
	provider: TEXT,
};

/** Veo 3.1 image-to-video: image_url, A, D, R-lo, ga, pv (no np/sd/ep/af). */
const VEO31_I2V_FIELDS: Record<string, FieldRule> = {
	prompt: PROMPT,
	image_url: IMAGE,
	aspect_ratio: ASPECT,
	duration: DURATION_468,
	resolution: RES_LOWER,
	generate_audio: BOOL,
	provider: TEXT,
};

/** Veo 3.1 first/last frame: image_url, last_image_url, A, D, R-lo, ga, pv. */
const VEO31_FIRST_LAST_FIELDS: Record<string, FieldRule> = {
	...VEO31_I2V_FIELDS,
	last_image_url: IMAGE,
};

/** Veo 3.1 reference-to-video: image_urls, duration [8], R-lo, ga, pv; no aspect_ratio. */
const VEO31_REFERENCE_FIELDS: Record<string, FieldRule> = {
	prompt: PROMPT,
	image_urls: IMAGES_1_TO_3,
	duration: DURATION_8,
	resolution: RES_LOWER,
	generate_audio: BOOL,
	provider: TEXT,
};

/** Veo 3.1 extend-video (both speeds): video_url, A with auto, duration [7], resolution [720p], ga, af, pv. */
const VEO31_EXTEND_FIELDS: Record<string, FieldRule> = {
	prompt: PROMPT,
	video_url: VIDEO,
	aspect_ratio: { kind: 'enum', values: ['auto', '16:9', '9:16'] },
	duration: { kind: 'intEnum', values: [7] },
	resolution: { kind: 'enum', values: ['720p'] },
	generate_audio: BOOL,
	auto_fix: BOOL,
	provider: TEXT,
};

/** Veo 3.1 lite preview: optional image_url and last_image_url, A, R-lo, D, ga, pv. */
const VEO31_LITE_PREVIEW_FIELDS: Record<string, FieldRule> = {
	prompt: PROMPT,
	image_url: IMAGE,
	last_image_url: IMAGE,
	aspect_ratio: ASPECT,
	resolution: RES_LOWER,
	duration: DURATION_468,
	generate_audio: BOOL,
	provider: TEXT,
};

/** Veo 3.1 lite 001: as the preview but R-up, no provider, and person_generation. */
const VEO31_LITE_001_FIELDS: Record<string, FieldRule> = {
	prompt: PROMPT,
	image_url: IMAGE,
	last_image_url: IMAGE,
	aspect_ratio: ASPECT,
	resolution: RES_UPPER,
	duration: DURATION_468,
	generate_audio: BOOL,
	person_generation: { kind: 'enum', values: ['dont_allow', 'allow_adult'] },
};

/** "When using last_image_url, the duration can only be 8s." */
function liteLastFrameDuration(body: Record<string, unknown>): string[] {
	if (body.last_image_url === undefined || body.duration === undefined || body.duration === 8)
		return [];
	return ['duration: When using last_image_url, the duration can only be 8s'];
}

/** Veo 2: duration 5–8, A, np, sd, ep; the image model adds image_url and tail_image_url. */
const VEO2_FIELDS: Record<string, FieldRule> = {
	prompt: PROMPT,
	duration: { kind: 'intEnum', values: [5, 6, 7, 8] },
	aspect_ratio: ASPECT,
	negative_prompt: TEXT,
	seed: INT,
	enhance_prompt: BOOL,
};

export const SIMULATED_MODELS: readonly SimulatedModel[] = [
	{
		id: 'google/veo-3.0-fast',
		upstream: 'veo-3.0-fast-generate-001',
		documentedPath: LEGACY_GOOGLE_PATH,
		required: [],
		fields: VEO30_T2V_FIELDS,
	},
	{
		id: 'google/veo3',
		upstream: 'veo3',
		documentedPath: LEGACY_GOOGLE_PATH,
		required: [],
		fields: VEO30_T2V_FIELDS,
	},
	{
		id: 'google/veo-3.0-i2v',
		upstream: 'veo-3.0-generate-preview',
		documentedPath: LEGACY_GOOGLE_PATH,
		required: ['image_url'],
		fields: VEO30_I2V_FIELDS,
	},
	{
		id: 'google/veo-3.0-i2v-fast',
		upstream: 'veo-3.0-fast-generate-preview',
		documentedPath: LEGACY_GOOGLE_PATH,
		required: ['image_url'],
		fields: VEO30_I2V_FIELDS,
	},
	{
		id: 'google/veo-3.1-t2v',
		upstream: 'google/veo-3.1-t2v',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: [],
		fields: VEO31_T2V_FIELDS,
	},
	{
		id: 'google/veo-3.1-t2v-fast',
		upstream: 'google/veo-3.1-t2v-fast',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: [],
		fields: VEO31_T2V_FIELDS,
	},
	{
		id: 'google/veo-3.1-i2v',
		upstream: 'google/veo-3.1-i2v',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: ['image_url'],
		fields: VEO31_I2V_FIELDS,
	},
	{
		id: 'google/veo-3.1-i2v-fast',
		upstream: 'google/veo-3.1-i2v-fast',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: ['image_url'],
		fields: VEO31_I2V_FIELDS,
	},
	{
		id: 'google/veo-3.1-first-last-image-to-video',
		upstream: 'google/veo-3.1-first-last-image-to-video',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: ['image_url', 'last_image_url'],
		fields: VEO31_FIRST_LAST_FIELDS,
	},
	{
		id: 'google/veo-3.1-first-last-image-to-video-fast',
		upstream: 'google/veo-3.1-first-last-image-to-video-fast',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: ['image_url', 'last_image_url'],
		fields: VEO31_FIRST_LAST_FIELDS,
	},
	{
		id: 'google/veo-3.1-reference-to-video',
		upstream: 'google/veo-3.1-reference-to-video',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: ['image_urls'],
		fields: VEO31_REFERENCE_FIELDS,
	},
	{
		id: 'google/veo3-1-extend-video',
		upstream: 'google/veo3-1-extend-video',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: ['video_url'],
		fields: VEO31_EXTEND_FIELDS,
	},
	{
		id: 'google/veo3-1-fast-extend-video',
		upstream: 'google/veo3-1-fast-extend-video',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: ['video_url'],
		fields: VEO31_EXTEND_FIELDS,
	},
	{
		id: 'google/veo-3-1-lite-generate-preview',
		upstream: 'google/veo-3-1-lite-generate-preview',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: [],
		fields: VEO31_LITE_PREVIEW_FIELDS,
		crossCheck: liteLastFrameDuration,
	},
	{
		// The schema's enum has no "google/" (the documentation page shows one).
		id: 'veo-3.1-lite-generate-001',
		upstream: 'veo-3.1-lite-generate-001',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: [],
		fields: VEO31_LITE_001_FIELDS,
		crossCheck: liteLastFrameDuration,
	},
	{
		id: 'veo2',
		upstream: 'veo2',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: [],
		fields: VEO2_FIELDS,
	},
	{
		id: 'veo2/image-to-video',
		upstream: 'veo2/image-to-video',
		documentedPath: UNIVERSAL_VIDEO_PATH,
		required: ['image_url'],
		fields: { ...VEO2_FIELDS, image_url: IMAGE, tail_image_url: IMAGE },
	},
	...OMNI_MODELS,
];

const MODELS_BY_ID = new Map(SIMULATED_MODELS.map((model) => [model.id, model]));

/** `extra`: models a test adds, standing in for a model released after the node's table. */
export function findSimulatedModel(
	id: string,
	extra: readonly SimulatedModel[] = [],
): SimulatedModel | undefined {
	return MODELS_BY_ID.get(id) ?? extra.find((model) => model.id === id);
}

/** The type name zod reports in "Expected x, received y". */
function typeName(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number' && Number.isNaN(value)) return 'nan';
	return typeof value;
}

function quoteAll(values: readonly (string | number)[]): string {
	return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' | ');
}

function describeReceived(value: unknown): string {
	return typeof value === 'string' ? `'${value}'` : String(value);
}

const DATA_IMAGE_URI = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/** An http(s) URL or a base64 data URI of a PNG, JPEG or WebP image. */
export function isImageReference(value: string): boolean {
	if (value.startsWith('data:')) return DATA_IMAGE_URI.test(value);
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
	} catch {
		return false;
	}
}

const DATA_VIDEO_URI = /^data:video\/mp4;base64,([A-Za-z0-9+/]+={0,2})$/;

/** An http(s) URL, or a base64 data URI of an MP4 whose bytes start with an `ftyp` box. */
export function isVideoReference(value: string): boolean {
	if (value.startsWith('data:')) {
		const match = DATA_VIDEO_URI.exec(value);
		return (
			match !== null &&
			Buffer.from(match[1].slice(0, 16), 'base64').toString('latin1', 4, 8) === 'ftyp'
		);
	}
	return isImageReference(value);
}

const DATA_AUDIO_URI = /^data:audio\/(mpeg|wav|ogg|flac|aac|mp4);base64,[A-Za-z0-9+/]+={0,2}$/;

/** An http(s) URL, or a base64 data URI of a sound file (the Omni specs' `audio_url`). */
export function isAudioReference(value: string): boolean {
	return value.startsWith('data:') ? DATA_AUDIO_URI.test(value) : isImageReference(value);
}

function checkImageReference(value: unknown): string | undefined {
	if (typeof value !== 'string') return `Expected string, received ${typeName(value)}`;
	if (!isImageReference(value)) return 'Invalid url';
	return undefined;
}

/** Returns the problem lines (`<field>: <text>`) of one field value, or nothing when it is valid. */
function checkField(field: string, rule: FieldRule, value: unknown): string[] {
	const problem = (text: string) => [`${field}: ${text}`];
	switch (rule.kind) {
		case 'prompt':
			if (typeof value !== 'string') return problem(`Expected string, received ${typeName(value)}`);
			if (value.trim().length === 0) return problem('String must contain at least 1 character(s)');
			return [];
		case 'string':
			return typeof value === 'string'
				? []
				: problem(`Expected string, received ${typeName(value)}`);
		case 'boolean':
			return typeof value === 'boolean'
				? []
				: problem(`Expected boolean, received ${typeName(value)}`);
		case 'integer':
			if (typeof value !== 'number' || Number.isNaN(value)) {
				return problem(`Expected number, received ${typeName(value)}`);
			}
			return Number.isSafeInteger(value) ? [] : problem('Expected integer, received float');
		case 'enum':
			if (typeof value !== 'string') {
				return problem(`Expected ${quoteAll(rule.values)}, received ${typeName(value)}`);
			}
			return rule.values.includes(value)
				? []
				: problem(
						`Invalid enum value. Expected ${quoteAll(rule.values)}, received ${describeReceived(value)}`,
					);
		case 'intEnum':
			if (typeof value !== 'number' || Number.isNaN(value)) {
				return problem(`Expected number, received ${typeName(value)}`);
			}
			if (!Number.isInteger(value)) return problem('Expected integer, received float');
			return rule.values.includes(value)
				? []
				: problem(
						`Invalid enum value. Expected ${quoteAll(rule.values)}, received ${describeReceived(value)}`,
					);
		case 'imageUrl': {
			const text = checkImageReference(value);
			return text ? problem(text) : [];
		}
		case 'videoUrl':
			if (typeof value !== 'string') return problem(`Expected string, received ${typeName(value)}`);
			return isVideoReference(value) ? [] : problem('Invalid url');
		case 'audioUrl':
			if (typeof value !== 'string') return problem(`Expected string, received ${typeName(value)}`);
			return isAudioReference(value) ? [] : problem('Invalid url');
		case 'imageUrlList': {
			if (!Array.isArray(value)) return problem(`Expected array, received ${typeName(value)}`);
			if (value.length === 0) return problem('Array must contain at least 1 element(s)');
			if (rule.max !== undefined && value.length > rule.max)
				return problem(`Array must contain at most ${rule.max} element(s)`);
			const lines: string[] = [];
			value.forEach((item, index) => {
				const text = checkImageReference(item);
				if (text) lines.push(`${field}.${index}: ${text}`);
			});
			return lines;
		}
	}
}

export interface BodyValidation {
	model?: SimulatedModel;
	/** Problem lines; empty when the body is valid. */
	errors: string[];
}

/**
 * Validates a submit body strictly: the model must be known, required fields present, every value of the
 * documented type and enum (case included), and no key outside the model's schema.
 */
export function validateSubmitBody(
	body: unknown,
	extraModels: readonly SimulatedModel[] = [],
): BodyValidation {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return { errors: [`body: Expected object, received ${typeName(body)}`] };
	}
	const record = body as Record<string, unknown>;
	const errors: string[] = [];
	const modelValue = record.model;
	let model: SimulatedModel | undefined;
	if (modelValue === undefined) {
		errors.push('model: Required');
	} else if (typeof modelValue !== 'string') {
		errors.push(`model: Expected string, received ${typeName(modelValue)}`);
	} else {
		model = findSimulatedModel(modelValue, extraModels);
		if (!model) {
			errors.push(
				`model: Invalid discriminator value. Expected ${quoteAll([...SIMULATED_MODELS, ...extraModels].map((m) => m.id))}`,
			);
		}
	}
	if (!model) {
		// Without a known model only the common prompt rule can be checked.
		if (record.prompt === undefined) errors.push('prompt: Required');
		else errors.push(...checkField('prompt', PROMPT, record.prompt));
		return { errors };
	}
	const required = new Set(['prompt', ...model.required]);
	for (const [field, rule] of Object.entries(model.fields)) {
		const value = record[field];
		if (value === undefined) {
			if (required.has(field)) errors.push(`${field}: Required`);
			continue;
		}
		errors.push(...checkField(field, rule, value));
	}
	for (const key of Object.keys(record)) {
		if (key !== 'model' && !Object.prototype.hasOwnProperty.call(model.fields, key)) {
			errors.push(`${key}: Unrecognized key`);
		}
	}
	if (errors.length === 0 && model.crossCheck) errors.push(...model.crossCheck(record));
	return { model, errors };
}
