/** The price table, the API's cost figures, and the ledger's decisions before each submit. */
import { Ledger } from '../../nodes/AimlApiVeo/spend/ledger';
import { costOfGeneration, costOfSubmit } from '../../nodes/AimlApiVeo/spend/cost';
import type { Job } from '../../nodes/AimlApiVeo/run/machine';
import { MODELS } from '../../nodes/AimlApiVeo/request/models';
import { PRICES, tableEstimate } from '../../nodes/AimlApiVeo/spend/prices';
import type { GenerateRequest } from '../../nodes/AimlApiVeo/request/build';
import { buildGenerateRequest } from '../../nodes/AimlApiVeo/request/build';
import { SpendRecord } from '../../nodes/AimlApiVeo/spend/record';

const job = (index: number) => ({ index }) as Job;
const accepted = (credits?: number) =>
	({
		type: 'accepted',
		generation: { id: 'g', status: 'queued' },
		cost: credits === undefined ? undefined : { credits, usd: credits / 2e6 },
	}) as const;

test('every model of the model table has a price row, and no row is for a model the node lacks', () => {
	expect(Object.keys(PRICES).sort()).toEqual(MODELS.map((model) => model.id).sort());
	for (const price of Object.values(PRICES)) expect(price.usdPerSecond).toBeGreaterThan(0);
});

test('the table prices by duration: 8 s of Veo 3 Fast at $0.15 a second is 2,400,000 credits', () => {
	expect(tableEstimate(buildGenerateRequest('google/veo-3.0-fast', 'p', {}))).toBe(2_400_000);
	expect(tableEstimate(buildGenerateRequest('google/veo3', 'p', { duration: 4 }))).toBe(3_200_000);
});

test('costs are read from the API only: credits_used, usd_spent, the older tokens_used, or the headers', () => {
	expect(
		costOfGeneration({ meta: { usage: { credits_used: 3_900_000, usd_spent: 1.95 } } }),
	).toEqual({ credits: 3_900_000, usd: 1.95 });
	expect(costOfGeneration({ meta: { usage: { tokens_used: 1_050_000 } } })).toEqual({
		credits: 1_050_000,
		usd: 0.525,
	});
	expect(costOfGeneration({ meta: null })).toBeUndefined();
	expect(costOfSubmit({ id: 'x' }, { 'x-aimlapi-credits-used': '200000' })).toEqual({
		credits: 200_000,
		usd: 0.1,
	});
	expect(costOfSubmit({ id: 'x' }, { 'x-aimlapi-credits-used': 'lots' })).toBeUndefined();
});

describe('the ledger', () => {
	const request: GenerateRequest = buildGenerateRequest('google/veo-3.0-fast', 'p', {});
	const sources = { requestOf: () => request, submitKeyOf: (of: Job) => `key ${of.index}` };
	const ledger = (maxUsd?: number, maxVideos?: number, context = {}) =>
		new Ledger({ maxUsd, maxVideos }, new SpendRecord(context, 0), sources);

	it('sends only one submit of unknown cost per round, then prices the rest by what the API reported', () => {
		const budget = ledger(6);
		expect(budget.admit(job(0))).toBe('send');
		expect(budget.admit(job(1))).toBe('hold');
		budget.settle(job(0), accepted(3_000_000));
		// $6 is 12,000,000 credits: 3,000,000 spent and three more reserved at 3,000,000 fill it exactly.
		expect([1, 2, 3, 4].map((index) => budget.admit(job(index)))).toEqual([
			...Array(3).fill('send'),
			expect.objectContaining({ kind: 'budget' }),
		]);
	});

	it('frees a reservation whose submit was refused or never sent', () => {
		const budget = ledger(undefined, 1);
		expect(budget.admit(job(0))).toBe('send');
		expect(budget.admit(job(1))).toMatchObject({ kind: 'budget' });
		budget.settle(job(0), {
			type: 'limited',
			failure: { kind: 'http', message: '', description: '' },
		});
		expect(budget.admit(job(2))).toBe('send');
	});

	it('counts a generation without a reported cost at its estimate against the budget, not in the reported totals', () => {
		const budget = ledger(5);
		expect(budget.admit(job(0))).toBe('send');
		budget.settle(job(0), accepted());
		expect(budget.totals()).toEqual({
			videos: 1,
			credits: 0,
			usd: 0,
			costNotReported: 1,
			possiblyAccepted: 0,
			notSubmittedForBudget: 0,
		});
		// $5 is 10,000,000 credits: four at the table's 2,400,000 fit, a fifth does not.
		expect([1, 2, 3, 4].map((index) => budget.admit(job(index)))).toEqual([
			'send',
			'send',
			'send',
			expect.objectContaining({ kind: 'budget' }),
		]);
	});
});

describe('the ledger counts what may have been bought, and never learns a price below the table', () => {
	const request: GenerateRequest = buildGenerateRequest('google/veo-3.0-fast', 'p', {});
	const sources = { requestOf: () => request, submitKeyOf: (of: Job) => `key ${of.index}` };
	const ledger = (
		limits: { maxUsd?: number; maxVideos?: number },
		context: Record<string, unknown> = {},
		run = 0,
	) => new Ledger(limits, new SpendRecord(context as never, run), sources);
	const lost = {
		type: 'failed',
		failure: { kind: 'ambiguous-submit', message: 'lost', description: '' },
	} as const;
	const withCost = (credits: number) =>
		({
			type: 'accepted',
			generation: { id: 'g', status: 'queued' },
			cost: { credits, usd: credits / 2e6 },
		}) as const;

	it('a submit whose answer was lost counts against Max Videos and Max Spend at its estimate, and in the totals', () => {
		const budget = ledger({ maxVideos: 2 });
		expect(budget.admit(job(0))).toBe('send');
		budget.settle(job(0), lost);
		expect(budget.admit(job(1))).toBe('send');
		budget.settle(job(1), lost);
		expect(budget.admit(job(2))).toMatchObject({ kind: 'budget' });
		expect(budget.totals()).toEqual({
			videos: 0,
			credits: 0,
			usd: 0,
			costNotReported: 0,
			possiblyAccepted: 2,
			notSubmittedForBudget: 1,
		});
		const spend = ledger({ maxUsd: 3 });
		spend.admit(job(0));
		spend.settle(job(0), lost);
		// $3 is 6,000,000 credits: 2,400,000 counted for each lost answer: a second fits, a third does not.
		expect(spend.admit(job(1))).toBe('send');
		spend.settle(job(1), lost);
		expect(spend.admit(job(2))).toMatchObject({ kind: 'budget' });
	});

	it.each([
		['0', accepted(0)],
		['none', accepted()],
	])(
		'a reported cost of %s keeps the generation counted at its estimate and the rest of the batch priced by the table',
		(_label, answer) => {
			const budget = ledger({ maxUsd: 3 });
			expect(budget.admit(job(0))).toBe('send');
			budget.settle(job(0), answer);
			expect([1, 2].map((index) => budget.admit(job(index)))).toEqual([
				'send',
				expect.objectContaining({ kind: 'budget' }),
			]);
		},
	);

	it('a learned price only raises the estimate: a cheaper reported cost settles its generation, not the next estimate', () => {
		const budget = ledger({ maxUsd: 5 });
		budget.admit(job(0));
		budget.settle(job(0), withCost(1_000_000));
		// 1,000,000 counted; the next ones at the table's 2,400,000: three fit 10,000,000? 1 + 2.4 × 3 = 8.2 M yes, a fourth no.
		expect([1, 2, 3, 4].map((index) => budget.admit(job(index)))).toEqual([
			'send',
			'send',
			'send',
			expect.objectContaining({ kind: 'budget' }),
		]);
	});

	it("a status answer's cost settles the generation: the totals equal the row's figure, and a usable one replaces the estimate", () => {
		const budget = ledger({ maxUsd: 3 });
		budget.admit(job(0));
		budget.settle(job(0), accepted());
		budget.reported(job(0), { credits: 600_000, usd: 0.3 });
		expect(budget.totals()).toMatchObject({
			videos: 1,
			credits: 600_000,
			usd: 0.3,
			costNotReported: 0,
		});
		// 600,000 counted now, not 2,400,000: two more at the table's estimate fit $3.
		expect([1, 2, 3].map((index) => budget.admit(job(index)))).toEqual([
			'send',
			'send',
			expect.objectContaining({ kind: 'budget' }),
		]);
	});

	it('a status cost of 0 is shown as the API reported it, but the budget keeps the last usable figure', () => {
		const budget = ledger({ maxUsd: 10 });
		budget.admit(job(0));
		budget.settle(job(0), withCost(5_000_000));
		budget.reported(job(0), { credits: 0, usd: 0 });
		expect(budget.totals()).toMatchObject({ videos: 1, credits: 0, usd: 0 });
		// $10 is 20,000,000 credits: 5,000,000 still counted, so the table's 5,000,000 learned estimate fits thrice, not four times.
		expect([1, 2, 3, 4].map((index) => budget.admit(job(index)))).toEqual([
			'send',
			'send',
			'send',
			expect.objectContaining({ kind: 'budget' }),
		]);
	});

	it('is kept in the execution context: a later run of the node, or a retry, counts what the earlier one did, once', () => {
		const context: Record<string, unknown> = {};
		const first = ledger({ maxVideos: 2 }, context, 0);
		first.admit(job(0));
		first.settle(job(0), withCost(2_500_000));
		// Retry On Fail: the same run resumes the generation; it is not counted again.
		const retry = ledger({ maxVideos: 2 }, context, 0);
		retry.resumed(job(0), { credits: 2_500_000, usd: 1.25 });
		expect(retry.totals()).toMatchObject({ videos: 1, credits: 2_500_000 });
		// Loop Over Items: the next run of the node has one video left.
		const next = ledger({ maxVideos: 2 }, context, 1);
		expect(next.admit(job(0))).toBe('send');
		next.settle(job(0), lost);
		const third = ledger({ maxVideos: 2 }, context, 2);
		expect(third.admit(job(0))).toMatchObject({ kind: 'budget' });
		expect(third.totals()).toEqual({
			videos: 1,
			credits: 2_500_000,
			usd: 1.25,
			costNotReported: 0,
			possiblyAccepted: 1,
			notSubmittedForBudget: 1,
		});
		// Nothing of the ids, prompts or the API's text is stored: hashes and numbers only.
		expect(JSON.stringify(context)).not.toMatch(/key \d|google/);
	});
});

test('a retry resumes a generation with the figure the totals hold for it, so its row and runTotals still agree', () => {
	const request: GenerateRequest = buildGenerateRequest('google/veo-3.0-fast', 'p', {});
	const sources = { requestOf: () => request, submitKeyOf: (of: Job) => `key ${of.index}` };
	const context = {};
	const first = new Ledger({}, new SpendRecord(context, 0), sources);
	first.settle(job(0), accepted(2_500_000));
	first.reported(job(0), { credits: 3_000_000, usd: 1.5 });
	const retry = new Ledger({}, new SpendRecord(context, 0), sources);
	// The submit record remembers the submit's figure; the status answer's replaced it.
	expect(retry.resumed(job(0), { credits: 2_500_000, usd: 1.25 })).toEqual({
		credits: 3_000_000,
		usd: 1.5,
	});
	expect(retry.totals()).toMatchObject({ videos: 1, credits: 3_000_000, usd: 1.5 });
});
