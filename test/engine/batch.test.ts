/**
 * Many items through one node: submitted in input order, waited for together, rows in input order
 * with their pairing, the account's concurrency limit met without failures, progress reported.
 */
import { runWorkflow } from '../harness/engine';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, generationRequests, startSimulator } from '../simulator';
import { VEO, generateParams, getParams, veoNode, workflow } from './workflows';

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });
const rows = (n: number, marker: Record<number, string> = {}) =>
	Array.from({ length: n }, (_, i) => ({ prompt: `clip ${i}${marker[i] ? ` ${marker[i]}` : ''}` }));

beforeAll(async () => {
	// Generations end on their second answered poll: outcomes never depend on how fast the machine is.
	sim = await startSimulator({ progress: { polls: 2 } });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.setOptions({ progress: { polls: 2 }, concurrencyLimit: undefined });
});

describe('a batch of items', () => {
	it('submits in input order, waits for all together and keeps the order and pairing', async () => {
		const messages: string[] = [];
		const result = await runWorkflow({
			workflow: workflow(rows(12), [veoNode(VEO, generateParams())]),
			credentials: credentials(),
			onMessageToUI: (_node, message) => messages.push(String(message)),
		});
		expect(result.status).toBe('success');
		const items = result.items(VEO);
		expect(items.map((item) => item.pairedItem)).toEqual(rows(12).map((_, item) => ({ item })));
		// Each row carries the generation made from its own prompt.
		for (const [index, item] of items.entries()) {
			expect(sim.generations.find((g) => g.id === item.json.id)?.prompt).toBe(`clip ${index}`);
			expect(item.binary?.data?.mimeType).toBe('video/mp4');
		}
		expect(sim.generations.map((g) => g.prompt)).toEqual(rows(12).map((r) => r.prompt));
		// All twelve were at the API at once: they were waited for together, not one after another.
		expect(sim.counters().maxConcurrent).toBe(12);
		// Polled in rounds: each round asks about every generation once, and two rounds end them all.
		const polled = generationRequests(sim.requests, 'GET').map((r) => r.query);
		expect(polled).toHaveLength(12 * 2);
		expect(new Set(polled.slice(0, 12)).size).toBe(12);
		expect(new Set(polled.slice(12)).size).toBe(12);
		expect(messages.at(-1)).toBe(
			'AIML API Veo: 12 done, 0 running, 0 waiting to submit, 0 failed (of 12); spent $23.40 (46,800,000 credits) on 12 videos',
		);
		expect(messages.some((m) => /12 running \(12 (queued|generating)\)/.test(m))).toBe(true);
		// Each id is told as soon as it is bought: where it remains if the worker dies mid-run.
		for (const [index, item] of items.entries())
			expect(messages).toContain(
				`AIML API Veo: item ${index} submitted as generation ${item.json.id}`,
			);
	});

	it('mixes successes and failures item by item under Continue On Fail', async () => {
		const result = await runWorkflow({
			workflow: workflow(rows(8, { 2: '[sim:error]', 5: '[sim:no-video]' }), [
				veoNode(VEO, generateParams(), { onError: 'continueRegularOutput' }),
			]),
			credentials: credentials(),
		});
		const items = result.items(VEO);
		expect(items.map((item) => (item.json.error ? 'failed' : item.json.status))).toEqual([
			'completed',
			'completed',
			'failed',
			'completed',
			'completed',
			'failed',
			'completed',
			'completed',
		]);
		expect(items.map((item) => item.pairedItem)).toEqual(rows(8).map((_, item) => ({ item })));
	});

	it("turns an expression that fails for one item into that item's error row under Continue On Fail", async () => {
		const params = generateParams({
			prompt: '={{ $json.prompt.toUpperCase() }}',
			downloadVideo: false,
		});
		const result = await runWorkflow({
			workflow: workflow(
				[{ prompt: 'one' }, { other: 'no prompt here' }, { prompt: 'three' }],
				[veoNode(VEO, params, { onError: 'continueRegularOutput' })],
			),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		const items = result.items(VEO);
		expect(items.map((item) => item.json.status ?? 'failed')).toEqual([
			'completed',
			'failed',
			'completed',
		]);
		expect(items[1].json.error).toBeDefined();
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(sim.generations.map((g) => g.prompt)).toEqual(['ONE', 'THREE']);
	});

	it('meets an account limit of 3 with 10 items: no failure, never more than 3 running', async () => {
		sim.setOptions({ concurrencyLimit: 3 });
		const result = await runWorkflow({
			workflow: workflow(rows(10), [veoNode(VEO, generateParams({ downloadVideo: false }))]),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		expect(result.items(VEO).every((item) => item.json.status === 'completed')).toBe(true);
		expect(sim.generations).toHaveLength(10);
		expect(sim.counters().maxConcurrent).toBe(3);
		// Only the first round meets the limit; afterwards the node keeps within it.
		expect(sim.counters().postsRejected[429]).toBe(10 - 3);
	});

	it('honours Max Concurrent Generations', async () => {
		const result = await runWorkflow({
			workflow: workflow(rows(6), [
				veoNode(VEO, generateParams({ downloadVideo: false }, { maxConcurrent: 2 })),
			]),
			credentials: credentials(),
		});
		expect(result.status).toBe('success');
		expect(sim.counters().maxConcurrent).toBe(2);
		expect(sim.counters().postsRejected[429] ?? 0).toBe(0);
	});

	it('collects many generations by id in one wait', async () => {
		const submitted = await runWorkflow({
			workflow: workflow(rows(5), [
				veoNode('Submit', generateParams({ waitForCompletion: false })),
			]),
			credentials: credentials(),
		});
		const ids = submitted.items('Submit').map((item) => ({ id: item.json.id }));
		const collected = await runWorkflow({
			workflow: workflow(ids, [veoNode(VEO, getParams())]),
			credentials: credentials(),
		});
		expect(collected.items(VEO).map((item) => item.json.id)).toEqual(ids.map((row) => row.id));
		expect(
			collected.items(VEO).every((item) => item.json.status === 'completed' && item.binary?.data),
		).toBe(true);
		// One poll per generation per round: the five were polled side by side.
		// Submit did not wait, so every status GET is Collect's.
		const polls = generationRequests(sim.requests, 'GET');
		const firstRound = polls
			.slice(0, 5)
			.map((r) => decodeURIComponent(r.query.replace('generation_id=', '')));
		expect(new Set(firstRound)).toEqual(new Set(ids.map((row) => row.id)));
	});
});
