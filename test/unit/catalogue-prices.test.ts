/**
 * Reading the API's catalogue prices and deprecation feed: every pricing kind, variants by any
 * dimension the catalogue names, the table as the fallback, and entries matched on id and aliases.
 */
import type { IDataObject } from 'n8n-workflow';

import { buildGenerateRequest } from '../../nodes/AimlApiVeo/request/build';
import { unknownModel } from '../../nodes/AimlApiVeo/request/models';
import {
	catalogueModels,
	cataloguePrice,
	findCatalogueModel,
} from '../../nodes/AimlApiVeo/spend/catalogue-prices';
import { PriceBook, pricedRequest } from '../../nodes/AimlApiVeo/spend/price-book';
import { tableEstimate } from '../../nodes/AimlApiVeo/spend/prices';
import {
	healthEntries,
	healthNotice,
	healthOf,
	withdrawnError,
} from '../../nodes/AimlApiVeo/request/model-health';
import { healthOfModel, listMark } from '../../nodes/AimlApiVeo/request/model-list';
import { findModel, MODELS } from '../../nodes/AimlApiVeo/request/models';
import { searchModels } from '../../nodes/AimlApiVeo/request/model-choice';
import { maxAgeOf } from '../../nodes/AimlApiVeo/transport/catalogue';

const usd = (credits: number | undefined) =>
	credits === undefined ? undefined : credits / 2_000_000;

const BY_AUDIO_AND_DURATION = {
	kind: 'variants',
	dimensions: ['resolution', 'audio', 'duration'],
	variants: [
		{ when: { resolution: '4K', audio: true, duration: 8 }, price: 6, unit: 'video', per: 1 },
		{ when: { resolution: '4k', audio: false, duration: 8 }, price: 4, unit: 'video', per: 1 },
		{ when: { resolution: '720p', audio: true }, price: 250, unit: 'second', per: 1000 },
	],
};

describe('catalogue prices', () => {
	const veo31 = (options: IDataObject) =>
		pricedRequest(buildGenerateRequest('google/veo-3.1-t2v', 'p', options));

	it('prices per second as price / per × seconds, and per video as price / per', () => {
		const fixed = {
			kind: 'fixed',
			currency: 'USD',
			units: [{ name: 'second', price: 0.5, per: 1 }],
		};
		expect(usd(cataloguePrice(fixed, veo31({ duration: 6 })))).toBe(3);
		expect(
			usd(cataloguePrice(BY_AUDIO_AND_DURATION, veo31({ resolution: '720p', duration: 4 }))),
		).toBe(1);
		expect(
			usd(
				cataloguePrice(
					BY_AUDIO_AND_DURATION,
					veo31({ resolution: '720p', duration: 4, generateAudio: false }),
				),
			),
		).toBeUndefined();
	});

	it('matches every dimension the catalogue names, values compared without case', () => {
		const request = {
			body: { model: 'x', resolution: '4K', generate_audio: false, duration: 8 },
			seconds: 8,
			defaults: {},
		};
		expect(usd(cataloguePrice(BY_AUDIO_AND_DURATION, request))).toBe(4);
		expect(
			usd(
				cataloguePrice(BY_AUDIO_AND_DURATION, {
					...request,
					body: { ...request.body, generate_audio: true },
				}),
			),
		).toBe(6);
	});

	it("prices an unsent resolution at the model's documented default, else at the dearest variant", () => {
		const pricing = {
			kind: 'variants',
			dimensions: ['resolution'],
			variants: [
				{ when: { resolution: '720p' }, price: 0.1, unit: 'second', per: 1 },
				{ when: { resolution: '1080p' }, price: 0.2, unit: 'second', per: 1 },
			],
		};
		// Veo 3 (upper case) defaults to 720P, Veo 3.1 (lower case) to 1080p.
		expect(
			usd(cataloguePrice(pricing, pricedRequest(buildGenerateRequest('google/veo3', 'p', {})))),
		).toBe(0.8);
		expect(usd(cataloguePrice(pricing, veo31({})))).toBe(1.6);
		const byId = buildGenerateRequest(unknownModel('google/veo-next'), 'p', {});
		expect(usd(cataloguePrice(pricing, pricedRequest(byId)))).toBe(1.6);
	});

	it.each([
		['variable', { kind: 'variable' }],
		[
			'a unit a video is not sold by',
			{ kind: 'fixed', units: [{ name: 'token', price: 3, per: 1_000_000 }] },
		],
		[
			'another currency',
			{ kind: 'fixed', currency: 'EUR', units: [{ name: 'second', price: 1, per: 1 }] },
		],
		['a negative price', { kind: 'fixed', units: [{ name: 'second', price: -1, per: 1 }] }],
		['a zero per', { kind: 'fixed', units: [{ name: 'second', price: 1, per: 0 }] }],
		[
			'no variant matching',
			{
				kind: 'variants',
				variants: [{ when: { resolution: '4k' }, price: 1, unit: 'second', per: 1 }],
			},
		],
		['garbage', 'cheap'],
	])('gives no price for %s', (_, pricing) => {
		expect(cataloguePrice(pricing, veo31({ resolution: '720p' }))).toBeUndefined();
	});

	it('finds a model by id or alias, and falls back to the table saying so', () => {
		const models = catalogueModels({
			object: 'list',
			data: [
				{
					id: 'google/veo-2.0-generate-001',
					aliases: ['veo2'],
					pricing: { kind: 'fixed', units: [{ name: 'second', price: 0.3, per: 1 }] },
				},
				{ aliases: ['no id'] },
			],
		});
		expect(models).toHaveLength(1);
		expect(findCatalogueModel(models ?? [], 'VEO2')?.id).toBe('google/veo-2.0-generate-001');
		const book = new PriceBook(models);
		const veo2 = buildGenerateRequest('veo2', 'p', { duration: 5 });
		expect(book.estimate(veo2)).toEqual({ credits: 3_000_000, from: 'catalogue' });
		const veo3 = buildGenerateRequest('google/veo3', 'p', {});
		expect(book.estimate(veo3)).toEqual({ credits: tableEstimate(veo3), from: 'table' });
		expect(new PriceBook().estimate(veo2)).toEqual({ credits: tableEstimate(veo2), from: 'table' });
		expect(catalogueModels('<html>')).toBeUndefined();
	});
});

describe('deprecation feed', () => {
	const entries =
		healthEntries({
			object: 'list',
			data: [
				{
					id: 'google/veo3',
					aliases: ['veo-3.0-generate-001'],
					status: 'Deprecated',
					deprecated_at: '2026-11-01',
					shutdown_at: '2027-01-15',
					replaced_by: 'google/veo-3.1-t2v',
				},
				{
					id: 'veo2',
					aliases: [],
					status: 'withdrawn',
					shutdown_at: '2026-10-01',
					replaced_by: null,
				},
				{ id: 'odd', status: 'retired' },
			],
		}) ?? [];

	it('reads the three states, matched on id and aliases without case', () => {
		expect(entries.map((entry) => entry.status)).toEqual(['deprecated', 'withdrawn']);
		expect(healthOf(entries, 'VEO-3.0-generate-001')?.id).toBe('google/veo3');
		expect(healthOf(entries, 'google/veo-3.1-t2v')).toBeUndefined();
		expect(healthEntries({ data: 'x' })).toBeUndefined();
	});

	it('says what to do: the replacement of a withdrawn model, the shutdown date of a deprecated one', () => {
		const withdrawn = withdrawnError('veo2', healthOf(entries, 'veo2') as never);
		expect(withdrawn.field).toBe('Model');
		expect(withdrawn.message).toBe('Model "veo2" was withdrawn by the AI/ML API on 2026-10-01');
		expect(withdrawn.hint).toContain('Switch Model to another model');
		const notice = healthNotice(
			'veo-3.0-generate-001',
			healthOf(entries, 'veo-3.0-generate-001') as never,
		);
		expect(notice?.fields).toMatchObject({
			status: 'deprecated',
			shutdownAt: '2027-01-15',
			replacedBy: 'google/veo-3.1-t2v',
		});
		expect(notice?.message).toBe(
			'Model "veo-3.0-generate-001" is deprecated by the AI/ML API and shuts down on 2027-01-15. Switch Model to google/veo-3.1-t2v before then.',
		);
	});

	it("marks the editor's list: a deprecated model with its date, a withdrawn one found to be left out", () => {
		const veo3 = healthOfModel(entries, findModel('google/veo3') as never);
		expect(listMark(veo3 as never)).toEqual({
			short: 'deprecated, shuts down 2027-01-15',
			long: 'Deprecated by the AI/ML API: shuts down on 2027-01-15. Use google/veo-3.1-t2v instead.',
		});
		expect(healthOfModel(entries, findModel('veo2') as never)?.status).toBe('withdrawn');
		expect(healthOfModel(entries, findModel('google/veo-3.1-t2v') as never)).toBeUndefined();
	});

	it("reads Cache-Control's max-age, and none when the answer must not be stored", () => {
		expect(maxAgeOf('public, max-age=300')).toBe(300);
		expect(maxAgeOf('no-store, max-age=300')).toBeUndefined();
		expect(maxAgeOf(undefined)).toBeUndefined();
	});
});

describe("the editor's Model list", () => {
	const FEED = {
		object: 'list',
		data: [
			{
				id: 'google/veo3',
				aliases: [],
				status: 'deprecated',
				shutdown_at: '2027-01-15',
				replaced_by: 'google/veo-3.1-t2v',
			},
			{ id: 'veo2', aliases: [], status: 'withdrawn', replaced_by: null },
		],
	};
	/** A load-options context whose plain HTTP helper answers `answer` (or fails), recording the requests. */
	function editor(answer: () => Promise<unknown>) {
		const requests: Array<Record<string, unknown>> = [];
		const ctx = {
			getCredentials: async () => ({
				apiKey: 'secret-key-123',
				baseUrl: 'https://proxy.example.com/v1',
			}),
			helpers: {
				httpRequest: async (options: Record<string, unknown>) => {
					requests.push(options);
					return await answer();
				},
			},
		};
		return { ctx, requests };
	}

	it('leaves withdrawn models out and marks deprecated ones, reading the feed on the Base URL without the key', async () => {
		const { ctx, requests } = editor(async () => ({
			statusCode: 200,
			headers: { 'content-type': 'application/json' },
			body: FEED,
		}));
		const { results } = await searchModels.call(ctx as never, '');
		expect(results.map((result) => result.value)).not.toContain('veo2');
		expect(results).toHaveLength(MODELS.length - 1);
		const veo3 = results.find((result) => result.value === 'google/veo3');
		expect(veo3?.name).toBe('Veo 3 (Text to Video) (deprecated, shuts down 2027-01-15)');
		expect(requests).toHaveLength(1);
		expect(requests[0].url).toBe('https://proxy.example.com/v1/models/deprecations');
		expect(JSON.stringify(requests[0])).not.toContain('secret-key-123');
	});

	it('keeps the whole list when the feed cannot be read', async () => {
		const { ctx } = editor(async () => await Promise.reject(new Error('ECONNREFUSED')));
		const { results } = await searchModels.call(ctx as never, '');
		expect(results.map((result) => result.value)).toEqual(MODELS.map((model) => model.id));
	});
});
