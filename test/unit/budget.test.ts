/** The price table, the API's cost figures, and the ledger's decisions before each submit. */
import { Ledger } from '../../nodes/AimlApiVeo/budget';
import { costOfGeneration, costOfSubmit } from '../../nodes/AimlApiVeo/cost';
import type { Job } from '../../nodes/AimlApiVeo/machine';
import { MODELS } from '../../nodes/AimlApiVeo/models';
import { PRICES, tableEstimate } from '../../nodes/AimlApiVeo/prices';
import type { GenerateRequest } from '../../nodes/AimlApiVeo/request';
import { buildGenerateRequest } from '../../nodes/AimlApiVeo/request';

const job = (index: number) => ({ index }) as Job;
const accepted = (credits?: number) =>
	({ type: 'accepted', generation: { id: 'g', status: 'queued' }, cost: credits === undefined ? undefined : { credits, usd: credits / 2e6 } }) as const;

test('every model of the model table has a price row, and no row is for a model the node lacks', () => {
	expect(Object.keys(PRICES).sort()).toEqual(MODELS.map((model) => model.id).sort());
	for (const price of Object.values(PRICES)) expect(price.usdPerSecond).toBeGreaterThan(0);
});

test('the table prices by duration: 8 s of Veo 3 Fast at $0.15 a second is 2,400,000 credits', () => {
	expect(tableEstimate(buildGenerateRequest('google/veo-3.0-fast', 'p', {}))).toBe(2_400_000);
	expect(tableEstimate(buildGenerateRequest('google/veo3', 'p', { duration: 4 }))).toBe(3_200_000);
});

test('costs are read from the API only: credits_used, usd_spent, the older tokens_used, or the headers', () => {
	expect(costOfGeneration({ meta: { usage: { credits_used: 3_900_000, usd_spent: 1.95 } } })).toEqual({ credits: 3_900_000, usd: 1.95 });
	expect(costOfGeneration({ meta: { usage: { tokens_used: 1_050_000 } } })).toEqual({ credits: 1_050_000, usd: 0.525 });
	expect(costOfGeneration({ meta: null })).toBeUndefined();
	expect(costOfSubmit({ id: 'x' }, { 'x-aimlapi-credits-used': '200000' })).toEqual({ credits: 200_000, usd: 0.1 });
	expect(costOfSubmit({ id: 'x' }, { 'x-aimlapi-credits-used': 'lots' })).toBeUndefined();
});

describe('the ledger', () => {
	const request: GenerateRequest = buildGenerateRequest('google/veo-3.0-fast', 'p', {});
	const ledger = (maxUsd?: number, maxVideos?: number) => new Ledger({ maxUsd, maxVideos }, () => request);

	it('sends only one submit of unknown cost per round, then prices the rest by what the API reported', () => {
		const budget = ledger(6);
		expect(budget.admit(job(0))).toBe('send');
		expect(budget.admit(job(1))).toBe('hold');
		budget.settle(job(0), accepted(2_000_000));
		// $6 is 12,000,000 credits: 2,000,000 spent and five more reserved at 2,000,000 fill it exactly.
		expect([1, 2, 3, 4, 5, 6].map((index) => budget.admit(job(index)))).toEqual([...Array(5).fill('send'), expect.objectContaining({ kind: 'budget' })]);
	});

	it('frees a reservation whose submit was refused or never sent', () => {
		const budget = ledger(undefined, 1);
		expect(budget.admit(job(0))).toBe('send');
		expect(budget.admit(job(1))).toMatchObject({ kind: 'budget' });
		budget.settle(job(0), { type: 'limited', failure: { kind: 'http', message: '', description: '' } });
		expect(budget.admit(job(2))).toBe('send');
	});

	it('counts a generation without a reported cost at its estimate against the budget, not in the reported totals', () => {
		const budget = ledger(5);
		expect(budget.admit(job(0))).toBe('send');
		budget.settle(job(0), accepted());
		expect(budget.totals()).toEqual({ videos: 1, credits: 0, usd: 0, costNotReported: 1, notSubmittedForBudget: 0 });
		// $5 is 10,000,000 credits: four at the table's 2,400,000 fit, a fifth does not.
		expect([1, 2, 3, 4].map((index) => budget.admit(job(index)))).toEqual(['send', 'send', 'send', expect.objectContaining({ kind: 'budget' })]);
	});
});
