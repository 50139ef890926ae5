/**
 * Additional Body Fields and URL lists on n8n's engine against the simulator: every refused body
 * fails naming the item and the field, and nothing is sent (0 POSTs); a URL holding a comma arrives
 * whole. A table of the cases is printed at the end.
 */
import { runWorkflow } from '../harness/engine';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, startSimulator } from '../simulator';
import { printFaultTable } from './fault-table';
import { VEO, generateParams, veoNode, workflow } from './workflows';

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const fromList = (value: string) => ({ __rl: true, mode: 'list', value });
const deep = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"b":1}${'}'.repeat(depth - 1)}`;

let sim: Simulator;
const report: string[][] = [];
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 1 } });
});
afterAll(async () => {
	await sim.close();
	printFaultTable(
		'Additional Body Fields and URL lists',
		['case', 'items in', 'outcome', 'POSTs', 'message'],
		report,
	);
});
beforeEach(() => sim.reset());

const posts = () => sim.requests.filter((request) => request.method === 'POST').length;

describe('refused Additional Body Fields: a clear error, nothing sent', () => {
	const cases: Array<[string, Record<string, unknown>, string]> = [
		[
			'nested 10,000 deep',
			{ additionalFields: deep(10_000) },
			'Additional Body Fields is nested deeper than 32 levels (at "',
		],
		// n8n copies an expression's value recursively before the node sees it: 10,000 levels exhaust its stack there.
		[
			'nested 10,000 deep, from an expression',
			{
				additionalFields:
					'={{ Array.from({ length: 9999 }).reduce((inner) => ({ a: inner }), { b: 1 }) }}',
			},
			'Additional Body Fields is nested deeper than 32 levels (so deep that n8n could not read it) [item 0]',
		],
		[
			'nested 40 deep, from an expression',
			{
				additionalFields:
					'={{ Array.from({ length: 39 }).reduce((inner) => ({ a: inner }), { b: 1 }) }}',
			},
			`Additional Body Fields is nested deeper than 32 levels (at "${Array(32).fill('a').join('.')}") [item 0]`,
		],
		[
			'larger than 32 MB',
			{ additionalFields: `={{ JSON.stringify({ image_url: "x".repeat(33 * 1024 * 1024) }) }}` },
			'Additional Body Fields is larger than 32 MB',
		],
		[
			'"__proto__" key',
			{ additionalFields: '{"__proto__": {"admin": true}}' },
			'Additional Body Fields uses the key "__proto__" (at "__proto__"), which is refused',
		],
		[
			'"constructor" key, nested',
			{ additionalFields: '{"style": {"constructor": {"prototype": {}}}}' },
			'Additional Body Fields uses the key "constructor" (at "style.constructor"), which is refused',
		],
		[
			'"prototype" key',
			{ additionalFields: '{"prototype": 1}' },
			'Additional Body Fields uses the key "prototype" (at "prototype"), which is refused',
		],
		[
			'"Duration" next to the Duration option',
			{ duration: 12, additionalFields: '{"Duration": 10}' },
			'Additional Body Fields sets "Duration" (the same field as "duration"), which an option already sets',
		],
		[
			'"model " with a space',
			{ additionalFields: '{"model ": "google/veo3"}' },
			'Additional Body Fields may not set "model " (the same field as "model")',
		],
		[
			'" Prompt"',
			{ additionalFields: '{" Prompt": "another"}' },
			'Additional Body Fields may not set " Prompt" (the same field as "prompt")',
		],
	];
	it.each(cases)('%s', async (name, options, message) => {
		const params = generateParams({
			model: byId('google/veo-4-preview'),
			options: { scene_style: undefined, ...options },
		});
		const result = await runWorkflow({
			workflow: workflow(
				[{ prompt: 'a rainy street' }, { prompt: 'a sunny street' }],
				[veoNode(VEO, params, { typeVersion: 2 })],
			),
			credentials: credentials(),
		});
		report.push([
			name,
			'2',
			result.status === 'error' ? 'refused' : result.status,
			String(posts()),
			String(result.error?.message ?? '').slice(0, 90),
		]);
		expect(result.status).toBe('error');
		expect(result.error?.message.startsWith(message)).toBe(true);
		expect(result.error?.message).toMatch(/\[item 0\]$/);
		expect(String(result.error?.description)).toContain('Field: Additional Body Fields');
		expect(String(result.error?.message)).not.toContain('Maximum call stack');
		expect(posts()).toBe(0);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('URL lists', () => {
	it('a reference-image URL holding a comma arrives whole; URLs are one per line', async () => {
		const params = generateParams({
			model: fromList('google/veo-3.1-reference-to-video'),
			referenceSource: 'url',
			referenceUrls: 'https://x.test/face,front.png\nhttps://x.test/hat.png?size=1,2',
			downloadVideo: false,
		});
		const result = await runWorkflow({
			workflow: workflow(
				[{ prompt: 'the same person, walking' }],
				[veoNode(VEO, params, { typeVersion: 2 })],
			),
			credentials: credentials(),
		});
		report.push([
			'reference URL with a comma',
			'1',
			result.status,
			String(posts()),
			`image_urls: ${JSON.stringify(sim.generations[0]?.body.image_urls)}`,
		]);
		expect(result.status).toBe('success');
		expect(sim.generations[0].body.image_urls).toEqual([
			'https://x.test/face,front.png',
			'https://x.test/hat.png?size=1,2',
		]);
	});

	it('two URLs joined by a comma on one line are refused, nothing sent', async () => {
		const params = generateParams({
			model: fromList('google/veo-3.1-reference-to-video'),
			referenceSource: 'url',
			referenceUrls: 'https://x.test/face.png,https://x.test/hat.png',
			downloadVideo: false,
		});
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'p' }], [veoNode(VEO, params, { typeVersion: 2 })]),
			credentials: credentials(),
		});
		report.push([
			'two URLs joined by a comma',
			'1',
			result.status === 'error' ? 'refused' : result.status,
			String(posts()),
			String(result.error?.message ?? ''),
		]);
		expect(result.error?.message).toBe(
			'Reference Image URLs has two URLs joined by a comma on line 1 [item 0]',
		);
		expect(posts()).toBe(0);
	});
});
