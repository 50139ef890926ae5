/**
 * Prices and model health from the API's own catalogue: a budget decided by catalogue prices that
 * differ from the node's table, the table as the fallback (and every row saying so), a withdrawn
 * model refused before any POST, a deprecated one delivered with its shutdown date, a superseded id
 * sent as given. Two public reads per batch at most, none per item, and no key on either.
 */
import { runWorkflow } from '../harness/engine';
import { toolCallNodeTypes, toolCallsWorkflow } from '../harness/tool-workflow';
import type { CatalogueEntry, DeprecationEntry, Simulator } from '../simulator';
import {
	CREDITS_PER_USD,
	DEFAULT_API_KEY,
	isCatalogueRead,
	perSecondByResolution,
	startSimulator,
} from '../simulator';
import { CREDENTIAL, VEO, generateParams, veoNode, workflow } from './workflows';

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });
const FULL = 'google/veo3';
const T31 = 'google/veo-3.1-t2v';
/** Veo 3 in the node's table: $0.40 a second, $3.20 for 8 s. The catalogue says far less. */
const CHEAP_VEO3: CatalogueEntry = {
	id: FULL,
	aliases: ['veo-3.0-generate-001'],
	pricing: perSecondByResolution({ '720p': 0.1, '1080p': 0.2 }),
};
const rows = (n: number, model = FULL, extra: Record<string, unknown> = {}) =>
	Array.from({ length: n }, (_, i) => ({ prompt: `clip ${i}`, model, ...extra }));
const params = (budget: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
	generateParams({ model: '={{ $json.model }}', downloadVideo: false, budget, options });
const apiRequests = () => sim.requests.filter((r) => r.origin === 'api');
const posts = () => apiRequests().filter((r) => r.method === 'POST').length;
const publicReads = () => apiRequests().filter(isCatalogueRead);

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 1 } });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.setOptions({
		progress: { polls: 1 },
		prices: {},
		balanceUsd: 1000,
		faults: {},
		catalogue: { models: [CHEAP_VEO3] },
	});
});

async function run(
	items: Array<Record<string, unknown>>,
	parameters: Record<string, unknown>,
	continueOnFail = true,
) {
	const result = await runWorkflow({
		workflow: workflow(items, [
			veoNode(VEO, parameters, continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		]),
		credentials: credentials(),
	});
	const task = result.run.data.resultData.runData[VEO]?.at(-1);
	return {
		result,
		hints: task?.hints ?? [],
		rows: result.status === 'success' ? result.items(VEO) : [],
	};
}

describe('prices from the catalogue', () => {
	it('buys as many videos as the catalogue prices allow, where the table would buy none', async () => {
		const budget = { maxSpendUsd: 3 };
		const { rows: out } = await run(rows(5), params(budget));
		// $0.10 × 8 s = $0.80 a video: 3 fit in $3, the 4th would pass it.
		expect(posts()).toBe(3);
		expect(out.filter((row) => row.json.error === undefined)).toHaveLength(3);
		for (const row of out.slice(0, 3)) {
			expect(row.json.cost).toEqual({
				credits: 0.8 * CREDITS_PER_USD,
				usd: 0.8,
				estimate: { credits: 0.8 * CREDITS_PER_USD, usd: 0.8, from: 'catalogue' },
			});
		}
		expect(String(out[3].json.error)).toContain('budget of $3.00 was reached');
		expect(String(out[3].json.description)).toContain("from the API's price catalogue");

		sim.reset();
		sim.setOptions({ catalogue: { models: [CHEAP_VEO3], catalogueFault: 'unavailable' } });
		const { rows: fromTable } = await run(rows(5), params(budget));
		// The table's $3.20 for a Veo 3 video is over the budget: nothing is bought.
		expect(posts()).toBe(0);
		expect(fromTable).toHaveLength(5);
		for (const row of fromTable) {
			expect(String(row.json.error)).toContain('budget of $3.00 was reached');
			expect(row.json.cost).toEqual({ estimate: { credits: 6_400_000, usd: 3.2, from: 'table' } });
		}
	});

	it('prices each item by its variant: resolution compared without case, the default when none is sent', async () => {
		const { rows: chosen } = await run(
			[
				{ prompt: 'a', model: FULL, resolution: '1080p' },
				{ prompt: 'b', model: FULL, resolution: '720p' },
			],
			params({ maxSpendUsd: 100 }, { resolution: '={{ $json.resolution }}' }),
		);
		const { rows: unset } = await run(rows(1), params({ maxSpendUsd: 100 }));
		// Veo 3 takes its resolution in upper case; the catalogue writes it in lower case.
		expect(sim.generations.map((g) => g.body.resolution)).toEqual(['1080P', '720P', undefined]);
		// 1080p at $0.20 a second; 720p, and no resolution (Veo 3's documented default 720P), at $0.10.
		const out = [...chosen, ...unset];
		expect(out.map((row) => (row.json.cost as { usd: number }).usd)).toEqual([1.6, 0.8, 0.8]);
		expect(out.map((row) => (row.json.cost as { estimate: { usd: number } }).estimate.usd)).toEqual(
			[1.6, 0.8, 0.8],
		);
	});

	it.each([
		['503', { catalogueFault: 'unavailable' as const }],
		['an HTML page', { catalogueFault: 'html' as const }],
		['a body that is not the list', { catalogueFault: 'malformed' as const }],
		['the model missing', { models: [{ ...CHEAP_VEO3, id: 'google/other', aliases: [] }] }],
		['a variable price', { models: [{ id: FULL, pricing: { kind: 'variable' } }] }],
	])(
		'falls back to the table with the catalogue giving %s, and every row says so',
		async (_, catalogue) => {
			sim.setOptions({ catalogue, prices: { [FULL]: 2 } });
			const { rows: out, result } = await run(rows(2), params({ maxSpendUsd: 20 }));
			expect(result.status).toBe('success');
			expect(posts()).toBe(2);
			for (const row of out) {
				expect(row.json.videoUrl).toEqual(expect.any(String));
				expect(row.json.cost).toEqual({
					credits: 4_000_000,
					usd: 2,
					estimate: { credits: 6_400_000, usd: 3.2, from: 'table' },
				});
			}
		},
	);

	it('reads at most two public URLs per batch, none per item, without the key, on the Base URL', async () => {
		await run(rows(6), params({ maxSpendUsd: 100 }));
		const reads = publicReads();
		expect(reads.map((r) => r.path).sort()).toEqual(['/v1/models', '/v1/models/deprecations']);
		for (const read of reads) expect(read.authorization).toBeUndefined();
		expect(posts()).toBe(6);
	});
});

describe('model health from the deprecation feed', () => {
	const feed = (entry: DeprecationEntry) =>
		sim.setOptions({ catalogue: { models: [CHEAP_VEO3], deprecations: [entry] } });

	it('refuses a withdrawn model before any POST, naming the replacement', async () => {
		feed({
			id: 'google/veo-3.0-fast',
			aliases: ['veo-3.0-fast-generate-001'],
			status: 'withdrawn',
			shutdown_at: '2026-11-01',
			replaced_by: T31,
		});
		const { result } = await run(rows(2, 'google/veo-3.0-fast'), params(), false);
		expect(result.status).toBe('error');
		expect(posts()).toBe(0);
		const error = result.error as { message: string; description?: string };
		expect(error.message).toBe(
			`Model "google/veo-3.0-fast" was withdrawn by the AI/ML API on 2026-11-01; the API names ${T31} as its replacement [item 0]`,
		);
		expect(error.description).toContain('Field: Model.');
		expect(error.description).toContain(`Switch Model to ${T31}`);
		expect(error.description).toContain('Nothing was sent to the API for this item.');

		sim.reset();
		const { rows: out } = await run(
			[...rows(1, 'google/veo-3.0-fast'), ...rows(1, FULL)],
			params(),
		);
		expect(posts()).toBe(1);
		expect(String(out[0].json.error)).toContain('was withdrawn');
		expect(out[1].json.videoUrl).toEqual(expect.any(String));
	});

	it('delivers a deprecated model, with its shutdown date and replacement on the row and in a hint', async () => {
		feed({
			id: FULL,
			aliases: ['veo-3.0-generate-001'],
			status: 'deprecated',
			deprecated_at: '2026-11-20',
			shutdown_at: '2027-01-15',
			replaced_by: T31,
		});
		const { rows: out, hints } = await run(rows(2), params());
		expect(posts()).toBe(2);
		const message = `Model "${FULL}" is deprecated by the AI/ML API and shuts down on 2027-01-15. Switch Model to ${T31} before then.`;
		for (const row of out) {
			expect(row.json.videoUrl).toEqual(expect.any(String));
			expect(row.json.modelNotice).toEqual({
				model: FULL,
				status: 'deprecated',
				shutdownAt: '2027-01-15',
				replacedBy: T31,
				message,
			});
			// The catalogue drops a model with a shutdown date: its price comes from the table.
			expect((row.json.cost as { estimate: { from: string } }).estimate.from).toBe('table');
		}
		expect(hints).toEqual([{ message, type: 'warning', location: 'outputPane' }]);
	});

	it('sends a superseded id as given and notes its replacement', async () => {
		feed({ id: 'veo-3.0-generate-001', aliases: [], status: 'superseded', replaced_by: FULL });
		const { rows: out } = await run(
			[{ prompt: 'old name' }],
			generateParams({
				model: { __rl: true, mode: 'id', value: 'veo-3.0-generate-001' },
				downloadVideo: false,
			}),
		);
		expect(sim.generations.map((g) => g.body.model)).toEqual(['veo-3.0-generate-001']);
		expect(out[0].json.videoUrl).toEqual(expect.any(String));
		expect(out[0].json.modelNotice).toMatchObject({ status: 'superseded', replacedBy: FULL });
		// The catalogue knows the old name as an alias of Veo 3. Chosen By ID, the model has no documented
		// default resolution in the node, so the dearest variant (1080p) prices it; the API charged 720p.
		expect(out[0].json.cost).toMatchObject({ usd: 0.8, estimate: { usd: 1.6, from: 'catalogue' } });
	});

	it('never blocks a generation when the feed fails', async () => {
		sim.setOptions({ catalogue: { models: [CHEAP_VEO3], feedFault: 'html' } });
		const { rows: out } = await run(rows(2), params());
		expect(posts()).toBe(2);
		for (const row of out) expect(row.json.modelNotice).toBeUndefined();
	});
});

describe('several runs of the node in one execution', () => {
	it('reads the feed once while its max-age lasts, and the catalogue again only conditionally (304)', async () => {
		// An agent's tool called three times in one execution.
		const parameters = {
			operation: 'generate',
			model: FULL,
			prompt: "={{ $fromAI('prompt', 'What the video should show', 'string') }}",
			waitOptions: { pollInterval: 1, maxWait: 60 },
			budget: { maxSpendUsd: 2 },
		};
		const calls = rows(3).map(({ prompt }) => ({ prompt }));
		const result = await runWorkflow({
			workflow: toolCallsWorkflow('generate_video', parameters, calls, CREDENTIAL),
			credentials: credentials(),
			nodeTypes: toolCallNodeTypes(),
		});
		const answers = result.items('Tool Caller').map((item) => item.json);
		expect(answers).toHaveLength(3);
		// $0.80 a video by the catalogue: two fit in $2 (the table's $3.20 would fit none).
		expect(posts()).toBe(2);
		// The third call is refused by the estimate it read from the held copy (the 304).
		expect(String(answers[2].error)).toContain('budget of $2.00 cannot cover its 1 item');
		expect(String(answers[2].error)).toContain(
			"estimated at $2.40 (from the API's price catalogue",
		);
		const reads = publicReads();
		expect(reads.filter((r) => r.path === '/v1/models/deprecations').map((r) => r.status)).toEqual([
			200,
		]);
		expect(reads.filter((r) => r.path === '/v1/models').map((r) => r.status)).toEqual([
			200, 304, 304,
		]);
		expect(sim.generations.map((g) => g.usd)).toEqual([0.8, 0.8]);
	});
});
