/**
 * What a run spends: the API's own cost on every row, the run's totals, a budget that is never
 * passed (not even by a round of parallel submits), the balance checked once before a batch, and a
 * 403 out of credits that says what the run had spent.
 */
import { runWorkflow } from '../harness/engine';
import type { Simulator } from '../simulator';
import { CREDITS_PER_USD, DEFAULT_API_KEY, startSimulator } from '../simulator';
import { VEO, generateParams, veoNode, workflow } from './workflows';

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });
const FAST = 'google/veo-3.0-fast';
const FULL = 'google/veo3';
/** Prices unlike the node's table, so a test sees whose figures the node uses. */
const PRICES = { [FAST]: 1.25, [FULL]: 3.2 };
const rows = (n: number, model = FAST) =>
	Array.from({ length: n }, (_, i) => ({ prompt: `clip ${i}`, model }));
const params = (budget: Record<string, unknown> = {}, waitOptions: Record<string, unknown> = {}) =>
	generateParams({ model: '={{ $json.model }}', downloadVideo: false, budget }, waitOptions);
const apiRequests = () => sim.requests.filter((r) => r.origin === 'api');
const posts = () => apiRequests().filter((r) => r.method === 'POST').length;
const billingChecks = () => apiRequests().filter((r) => r.path === '/v2/billing').length;

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 2 } });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.setOptions({
		progress: { polls: 2 },
		prices: PRICES,
		balanceUsd: 1000,
		outOfCredits: false,
		faults: {},
	});
});

async function run(
	items: Array<Record<string, unknown>>,
	parameters: Record<string, unknown>,
	continueOnFail = true,
) {
	const messages: string[] = [];
	const result = await runWorkflow({
		workflow: workflow(items, [
			veoNode(VEO, parameters, continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		]),
		credentials: credentials(),
		onMessageToUI: (_node, message) => messages.push(String(message)),
	});
	return { result, messages, rows: result.status === 'success' ? result.items(VEO) : [] };
}

describe('cost on every row and the run totals', () => {
	it("shows the simulator's charge on each row to the credit, and totals that are the sum of the rows", async () => {
		const { rows: out, messages } = await run([...rows(3, FAST), ...rows(2, FULL)], params());
		expect(out).toHaveLength(5);
		for (const row of out) {
			const charged = sim.generations.find((g) => g.id === row.json.id);
			expect(row.json.cost).toEqual({
				credits: charged?.credits,
				usd: charged?.usd,
				estimate: expect.objectContaining({ from: 'table' }),
			});
		}
		const credits = out.reduce(
			(sum, row) => sum + (row.json.cost as { credits: number }).credits,
			0,
		);
		expect(credits).toBe(3 * 1.25 * CREDITS_PER_USD + 2 * 3.2 * CREDITS_PER_USD);
		for (const row of out)
			expect(row.json.runTotals).toEqual({
				videos: 5,
				credits,
				usd: 10.15,
				costNotReported: 0,
				possiblyAccepted: 0,
				notSubmittedForBudget: 0,
			});
		expect(messages.at(-1)).toBe(
			'AIML API Veo: 5 done, 0 running, 0 waiting to submit, 0 failed (of 5); spent $10.15 (20,300,000 credits) on 5 videos',
		);
	});

	it('reads the cost from the headers when the body has no usage, and never guesses one the API did not give', async () => {
		sim.setOptions({ faults: { postUsage: 'headers' } });
		const fromHeaders = await run(rows(2), params());
		// Beside the API's figures, each row's cost holds the estimate (the table's: Veo 3 Fast, 8 s).
		const estimate = { credits: 2_400_000, usd: 1.2, from: 'table' };
		expect(fromHeaders.rows.map((row) => row.json.cost)).toEqual([
			{ credits: 2_500_000, usd: 1.25, estimate },
			{ credits: 2_500_000, usd: 1.25, estimate },
		]);
		sim.reset();
		sim.setOptions({ faults: { postUsage: 'none' } });
		const unreported = await run(rows(2), params());
		// No figure from the API: the rows' cost holds the estimate alone, never a guessed figure.
		expect(unreported.rows.map((row) => row.json.cost)).toEqual([{ estimate }, { estimate }]);
		expect(unreported.rows[0].json.runTotals).toEqual({
			videos: 2,
			credits: 0,
			usd: 0,
			costNotReported: 2,
			possiblyAccepted: 0,
			notSubmittedForBudget: 0,
		});
	});
});

describe('a budget per run', () => {
	const threeVideos = 3 * PRICES[FAST];

	it.each([
		['Max Concurrent 25 (default)', {}],
		['Max Concurrent 10: all ten could race', { maxConcurrent: 10 }],
	])(
		'a budget of three videos with ten items submits exactly three (%s)',
		async (_label, waitOptions) => {
			const { rows: out, messages } = await run(
				rows(10),
				params({ maxSpendUsd: threeVideos }, waitOptions),
			);
			expect(posts()).toBe(3);
			expect(out.map((row) => row.pairedItem)).toEqual(rows(10).map((_, item) => ({ item })));
			expect(out.slice(0, 3).every((row) => row.json.status === 'completed')).toBe(true);
			for (const row of out.slice(3)) {
				expect(row.json.error).toBe(
					"Not submitted: this execution's budget of $3.75 was reached; nothing was charged for this item",
				);
				expect(row.json.description).toContain(
					'This node has spent or is now submitting $3.75 on 3 videos in this execution',
				);
				expect(row.json.description).toContain(
					'the next google/veo-3.0-fast generation is estimated at $1.25',
				);
			}
			expect(out[0].json.runTotals).toEqual({
				videos: 3,
				credits: 7_500_000,
				usd: 3.75,
				costNotReported: 0,
				possiblyAccepted: 0,
				notSubmittedForBudget: 7,
			});
			expect(messages.at(-1)).toContain(
				'; spent $3.75 (7,500,000 credits) on 3 videos of a budget of $3.75',
			);
			// The budget costs no request: one submit and two polls per video, no balance check, and
			// the batch's two catalogue reads (prices, deprecation feed).
			expect(billingChecks()).toBe(0);
			expect(apiRequests()).toHaveLength(2 + 3 * 3);
		},
	);

	it('Max Videos caps the number of generations', async () => {
		const { rows: out } = await run(rows(5), params({ maxVideos: 2 }));
		expect(posts()).toBe(2);
		expect(out.filter((row) => row.json.error).map((row) => row.json.error)).toEqual(
			Array(3).fill(
				"Not submitted: this execution's budget of 2 videos was reached; nothing was charged for this item",
			),
		);
	});

	it('a price table below the real price cannot take a batch past the budget: the first submit of a model goes alone', async () => {
		// The table says $1.20 for 8 s of Veo 3 Fast; the simulator charges $1.95.
		sim.setOptions({ prices: { [FAST]: 1.95 } });
		const { rows: out } = await run(
			rows(10),
			params({ maxSpendUsd: 3 * 1.95 }, { maxConcurrent: 10 }),
		);
		expect(posts()).toBe(3);
		expect(out[0].json.runTotals).toMatchObject({ videos: 3, credits: 3 * 3_900_000 });
	});

	it('without Continue On Fail a batch the budget cannot cover stops before its first submit, and says so', async () => {
		const { result } = await run(rows(10), params({ maxSpendUsd: threeVideos }), false);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^Not submitted: this execution's budget of \$3\.75 cannot cover its 10 items to submit; nothing was charged for this item \[item 0\]$/,
		);
		expect(posts()).toBe(0);
	});

	it('without Continue On Fail, when the real price outruns the table mid-batch, the node stops and names what it bought', async () => {
		// The table says $1.20 for an 8 s Veo 3 Fast video; the API charges $1.25: 4 × $1.20 fits $4.90, 4 × $1.25 does not.
		const { result } = await run(rows(4), params({ maxSpendUsd: 4.9 }), false);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^Not submitted: this execution's budget of \$4\.90 was reached; nothing was charged for this item \[item \d\]$/,
		);
		expect(posts()).toBeLessThanOrEqual(3);
		for (const generation of sim.generations)
			expect(result.error?.description).toContain(generation.id);
	});
});

describe('Check Balance First', () => {
	it('fails before any submit when the balance cannot cover the batch, with the figures', async () => {
		sim.setOptions({ balanceUsd: 5 });
		const { rows: out } = await run(rows(10), params({ checkBalance: true }));
		expect(posts()).toBe(0);
		expect(billingChecks()).toBe(1);
		expect(out).toHaveLength(10);
		// Ten 8 s Veo 3 Fast videos at the table's $0.15 a second.
		for (const row of out)
			expect(row.json.error).toBe(
				'Not submitted: the account balance of $5.00 cannot cover this batch (10 items to submit, estimated at $12.00); nothing was charged for this item',
			);
		const stopped = await run(rows(10), params({ checkBalance: true }), false);
		expect(stopped.result.error?.message).toContain(
			'the account balance of $5.00 cannot cover this batch',
		);
		expect(posts()).toBe(0);
	});

	it('is one request per batch, not per video, and counts only what the budget lets through', async () => {
		sim.setOptions({ balanceUsd: 5 });
		const { rows: out } = await run(rows(10), params({ checkBalance: true, maxVideos: 3 }));
		expect(billingChecks()).toBe(1);
		expect(posts()).toBe(3);
		expect(out.filter((row) => row.json.status === 'completed')).toHaveLength(3);
		expect(apiRequests()).toHaveLength(2 + 1 + 3 * 3);
	});
});

describe('out of credits in the middle of a batch', () => {
	it("draws accepted generations from the balance, answers 403 when it is gone, and the message shows the run's spend", async () => {
		sim.setOptions({ balanceUsd: 2 * PRICES[FAST], progress: 'manual' });
		const first = run(rows(2), params());
		await sim.whenGenerations(2);
		sim.advance('all', 'completed');
		expect((await first).rows.every((row) => row.json.status === 'completed')).toBe(true);
		sim.setOptions({ progress: { polls: 2 } });
		const { rows: out } = await run(rows(1), params());
		expect(out[0].json.httpCode).toBe(403);
		expect(out[0].json.description).toContain(
			'Before this answer, this node had spent $0.00 (0 credits) on 0 videos in this execution.',
		);
	});

	it('names what the run had spent when the 403 came', async () => {
		sim.setOptions({ balanceUsd: 2 * PRICES[FAST] });
		const { rows: out } = await run(rows(3), params({}, { maxConcurrent: 2 }));
		expect(out.slice(0, 2).every((row) => row.json.status === 'completed')).toBe(true);
		expect(out[2].json.httpCode).toBe(403);
		expect(out[2].json.description).toContain(
			'Before this answer, this node had spent $2.50 (5,000,000 credits) on 2 videos in this execution.',
		);
	});
});

describe('the budget across Retry On Fail', () => {
	it('without Continue On Fail a batch the budget cannot cover buys nothing, on every try', async () => {
		const retried = await runWorkflow({
			workflow: workflow(rows(5), [
				veoNode(VEO, params({ maxVideos: 3 }), {
					retryOnFail: true,
					maxTries: 3,
					waitBetweenTries: 10,
				}),
			]),
			credentials: credentials(),
		});
		expect(retried.status).toBe('error');
		expect(retried.runCount(VEO)).toBe(3);
		expect(posts()).toBe(0);
		expect(String(retried.error?.message)).toContain(
			"Not submitted: this execution's budget of 3 videos cannot cover its 5 items to submit; nothing was charged",
		);
	});

	it('a retry resumes what an earlier try bought and counts it against the budget', async () => {
		// The fifth item fails at the API, which stops the node; each retry resumes the four it bought.
		const items = [...rows(4), { prompt: 'clip 4 [sim:status=failed]', model: FAST }];
		const retried = await runWorkflow({
			workflow: workflow(items, [
				veoNode(VEO, params({ maxVideos: 5 }), {
					retryOnFail: true,
					maxTries: 3,
					waitBetweenTries: 10,
				}),
			]),
			credentials: credentials(),
		});
		expect(retried.status).toBe('error');
		expect(retried.runCount(VEO)).toBe(3);
		expect(posts()).toBe(5);
		expect(String(retried.error?.message)).toContain('failed');
		for (const generation of sim.generations.slice(0, 4))
			expect(String(retried.error?.description)).toContain(generation.id);
	});
});
