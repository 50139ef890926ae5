/**
 * The output schemas n8n's editor shows before a first run (nodes/AimlApiVeo/__schema__/v<version>/
 * <operation>.json) against the rows the node really produces: real workflows on n8n-core's engine
 * against the simulator, for both operations and both node versions, every kind of row the main
 * output carries (a video, a pending generation, a timed-out one, the wait loop's Running and Done
 * rows, failed items under On Error: Continue). A field the node emits that its schema lacks, or
 * with another type, fails; so does a field the schema lists that no run produces.
 *
 * Rows sent to the error output (On Error: Continue using error output) are not checked: n8n adds
 * the input item's fields to them, which no schema of this node can know.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import type { INodeExecutionData } from 'n8n-workflow';

import { runWorkflow, type RunWorkflowResult, type WorkflowNodeJson } from '../harness/engine';
import { declaredPaths, presentPaths, schemaErrors, type JsonSchema } from '../harness/json-schema';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, startSimulator, SUBMIT_USD_SPENT } from '../simulator';
import { generateParams, getParams, veoNode, workflow } from './workflows';

type Operation = 'generate' | 'get';
type Rows = Record<Operation, INodeExecutionData[]>;

const SCHEMA_DIR = join(__dirname, '..', '..', 'nodes', 'AimlApiVeo', '__schema__');
const VERSIONS = [1, 2];
const CONTINUE = { onError: 'continueRegularOutput' };

/**
 * Fields a schema may list that no run here produces, and why. The API's status answers may carry
 * `meta` (its schema gives the submit and the status answer the same object), but neither its
 * documented examples nor the simulator show one.
 */
const NOT_PRODUCED: Record<Operation, string[]> = {
	generate: [],
	get: ['meta', 'meta.usage', 'meta.usage.credits_used', 'meta.usage.usd_spent'],
};

function schemaOf(version: number, operation: Operation): JsonSchema {
	return JSON.parse(
		readFileSync(join(SCHEMA_DIR, `v${version}.0.0`, `${operation}.json`), 'utf8'),
	) as JsonSchema;
}

let sim: Simulator;
const credentials = () => ({ aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } });

/** The model as each version holds it: version 1 a plain id, version 2 the picker's value. */
const model = (version: number) =>
	version === 1
		? 'google/veo-3.0-fast'
		: { __rl: true, mode: 'list', value: 'google/veo-3.0-fast' };

async function run(
	rows: Array<Record<string, unknown>>,
	chain: WorkflowNodeJson[],
): Promise<RunWorkflowResult> {
	const result = await runWorkflow({ workflow: workflow(rows, chain), credentials: credentials() });
	if (result.status !== 'success')
		throw new Error(`the run ended ${result.status}: ${String(result.error?.message)}`);
	return result;
}

/** Both outputs of a node (Done and Running when it splits them). */
const outputs = (result: RunWorkflowResult, name: string) => [
	...result.items(name, 0),
	...result.items(name, 1),
];

interface Scenario {
	name: string;
	simulator?: Parameters<Simulator['setOptions']>[0];
	rows(version: number): Promise<Partial<Rows>>;
}

const SCENARIOS: Scenario[] = [
	{
		name: 'Generate Video waits and downloads; a generation that ends in error, an empty prompt and an item past the budget fail as rows',
		simulator: { progress: { polls: 1 } },
		async rows(version) {
			const parameters = generateParams({ model: model(version), budget: { maxVideos: 2 } });
			const result = await run(
				[
					{ prompt: 'a fox' },
					{ prompt: 'blocked [sim:error]' },
					{ prompt: '   ' },
					{ prompt: 'one too many' },
				],
				[veoNode('Generate', parameters, { typeVersion: version, ...CONTINUE })],
			);
			return { generate: result.items('Generate') };
		},
	},
	{
		name: "Generate Video with a deprecated model priced by the API's catalogue",
		simulator: {
			progress: { polls: 1 },
			catalogue: {
				models: [
					{
						id: 'google/veo-3.0-fast',
						pricing: { kind: 'fixed', units: [{ name: 'second', price: 0.1, per: 1 }] },
					},
				],
				deprecations: [
					{
						id: 'google/veo-3.0-fast',
						status: 'deprecated',
						shutdown_at: '2027-03-01',
						replaced_by: 'google/veo-3.1-t2v-fast',
					},
				],
			},
		},
		async rows(version) {
			const result = await run(
				[{ prompt: 'a heron' }],
				[veoNode('Generate', generateParams({ model: model(version) }), { typeVersion: version })],
			);
			return { generate: result.items('Generate') };
		},
	},
	{
		name: 'Generate Video without waiting, then Get Generation waits and downloads',
		simulator: { progress: { polls: 1 } },
		async rows(version) {
			const result = await run(
				[{ prompt: 'a lagoon' }],
				[
					veoNode('Generate', generateParams({ model: model(version), waitForCompletion: false }), {
						typeVersion: version,
					}),
					veoNode('Check', getParams(), { typeVersion: version }),
				],
			);
			return { generate: result.items('Generate'), get: result.items('Check') };
		},
	},
	{
		name: 'a submit whose cost the API does not report, then Get Generation checks once without waiting',
		simulator: { progress: { polls: 2 }, faults: { postUsage: 'none' } },
		async rows(version) {
			const result = await run(
				[{ prompt: 'a kite' }],
				[
					veoNode('Generate', generateParams({ model: model(version), waitForCompletion: false }), {
						typeVersion: version,
					}),
					veoNode('Check', getParams({ waitForCompletion: false }), { typeVersion: version }),
				],
			);
			return { generate: result.items('Generate'), get: result.items('Check') };
		},
	},
	{
		name: 'the wait loop: Generate Video and Get Generation split into Running (with veoWait) and Done',
		simulator: { progress: { polls: 2 } },
		async rows(version) {
			const split = (parameters: Record<string, unknown>) => {
				const { waitOptions: _unused, ...rest } = parameters;
				return {
					...rest,
					waitForCompletion: false,
					splitByState: true,
					loopOptions: { maxWait: 600 },
				};
			};
			const submitted = await run(
				[{ prompt: 'a heron' }],
				[
					veoNode('Generate', split(generateParams({ model: model(version) })), {
						typeVersion: version,
					}),
				],
			);
			const check = (items: INodeExecutionData[]) =>
				run(
					items.map((item) => item.json),
					[veoNode('Check', split(getParams()), { typeVersion: version })],
				);
			const first = await check(outputs(submitted, 'Generate'));
			const second = await check(first.items('Check', 1));
			return {
				generate: outputs(submitted, 'Generate'),
				get: [...outputs(first, 'Check'), ...outputs(second, 'Check')],
			};
		},
	},
	{
		name: 'several videos of one generation (one list entry unreadable), and video: null before the end, in both operations',
		simulator: { progress: { polls: 1 } },
		async rows(version) {
			const prompts = [
				{ prompt: 'two [sim:videos=2] [sim:video-junk]' },
				{ prompt: 'one [sim:video-null]' },
			];
			const waited = await run(prompts, [
				veoNode('Generate', generateParams({ model: model(version) }), { typeVersion: version }),
			]);
			const checked = await run(prompts, [
				veoNode('Generate', generateParams({ model: model(version), waitForCompletion: false }), {
					typeVersion: version,
				}),
				veoNode('Check', getParams(), { typeVersion: version }),
			]);
			return {
				generate: [...waited.items('Generate'), ...checked.items('Generate')],
				get: checked.items('Check'),
			};
		},
	},
	{
		name: 'Hand On Together: ended items ride Running held (a video, a 403 submit, an unknown id), then leave together',
		simulator: { progress: 'manual', balanceUsd: SUBMIT_USD_SPENT * 1.5 },
		async rows(version) {
			const together = (parameters: Record<string, unknown>) => {
				const { waitOptions: _unused, ...rest } = parameters;
				const loopOptions = { maxWait: 600, handOnTogether: true };
				return { ...rest, waitForCompletion: false, splitByState: true, loopOptions };
			};
			const veo = (name: string, parameters: Record<string, unknown>) =>
				veoNode(name, together(parameters), { typeVersion: version, ...CONTINUE });
			// The balance covers one video: the other submit is refused (403) and held with the running one.
			const submitted = await run(
				[{ prompt: 'a heron' }, { prompt: 'a crane' }],
				[veo('Generate', generateParams({ model: model(version) }))],
			);
			const check = (items: Array<Record<string, unknown>>) =>
				run(items, [veo('Check', getParams())]);
			const [first] = sim.generations;
			sim.advance(first.id, 'completed');
			const running = submitted.items('Generate', 1).map((item) => item.json);
			// A generation that still runs keeps the check's batch in the loop: a second submit, paid for.
			sim.setOptions({ balanceUsd: SUBMIT_USD_SPENT * 10 });
			const another = await run(
				[{ prompt: 'an egret' }],
				[veo('Generate', generateParams({ model: model(version) }))],
			);
			const held = await check([
				...running,
				...another.items('Generate', 1).map((item) => item.json),
				{ id: 'no-such-generation' },
			]);
			sim.advance('all', 'completed');
			const handedOn = await check(held.items('Check', 1).map((item) => item.json));
			return {
				generate: [...outputs(submitted, 'Generate'), ...outputs(another, 'Generate')],
				get: [...outputs(held, 'Check'), ...outputs(handedOn, 'Check')],
			};
		},
	},
	{
		name: 'a submit whose answer was lost fails as a row that says the generation may exist',
		simulator: { faults: { postFailAfterAcceptShare: 1 } },
		async rows(version) {
			const result = await run(
				[{ prompt: 'a lynx' }],
				[
					veoNode('Generate', generateParams({ model: model(version) }), {
						typeVersion: version,
						...CONTINUE,
					}),
				],
			);
			return { generate: result.items('Generate') };
		},
	},
	{
		name: 'Max Wait passes with On Timeout: return, in both operations',
		simulator: { progress: 'manual' },
		async rows(version) {
			const onTimeout = { maxWait: 1, onTimeout: 'return' };
			const result = await run(
				[{ prompt: 'slow' }],
				[
					veoNode('Generate', generateParams({ model: model(version) }, onTimeout), {
						typeVersion: version,
					}),
					veoNode('Check', getParams({}, onTimeout), { typeVersion: version }),
				],
			);
			return { generate: result.items('Generate'), get: result.items('Check') };
		},
	},
	{
		name: 'Get Generation: an id the API does not know and an empty id fail as rows',
		async rows(version) {
			const result = await run(
				[{ id: 'no-such-generation' }, { id: '' }],
				[veoNode('Check', getParams(), { typeVersion: version, ...CONTINUE })],
			);
			return { get: result.items('Check') };
		},
	},
];

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 1 } });
});
afterAll(async () => await sim.close());

describe.each(VERSIONS)('node version %i', (version) => {
	const produced: Record<string, Partial<Rows>> = {};
	const schemas: Record<Operation, JsonSchema> = {
		generate: schemaOf(version, 'generate'),
		get: schemaOf(version, 'get'),
	};

	beforeAll(async () => {
		for (const scenario of SCENARIOS) {
			sim.reset();
			sim.setOptions({
				progress: { polls: 1 },
				faults: {},
				catalogue: undefined,
				...scenario.simulator,
			});
			produced[scenario.name] = await scenario.rows(version);
		}
	});

	it.each(SCENARIOS.map((scenario) => [scenario.name]))(
		'%s: every row fits the shipped schema',
		(name) => {
			const rows = produced[name];
			expect(Object.values(rows).flat().length).toBeGreaterThan(0);
			for (const operation of Object.keys(rows) as Operation[]) {
				const errors = (rows[operation] ?? []).flatMap((row, index) =>
					schemaErrors(row.json, schemas[operation], `${operation}[${index}]`),
				);
				expect(errors).toEqual([]);
			}
		},
	);

	it.each(['generate', 'get'] as Operation[])(
		'every field the %s schema lists is produced by some run (or named as one no run here can produce)',
		(operation) => {
			const seen = new Set(
				Object.values(produced).flatMap((rows) =>
					(rows[operation] ?? []).flatMap((row) => presentPaths(row.json)),
				),
			);
			const unseen = declaredPaths(schemas[operation]).filter((path) => !seen.has(path));
			expect(unseen).toEqual(NOT_PRODUCED[operation]);
		},
	);

	it('the check fails for a schema that lacks a field the node emits or gives it another type', () => {
		const schema = schemaOf(version, 'generate');
		delete schema.properties?.videoUrl;
		(schema.properties as Record<string, JsonSchema>).runTotals.properties!.videos.type = 'string';
		const errors = Object.values(produced).flatMap((rows) =>
			(rows.generate ?? []).flatMap((row) => schemaErrors(row.json, schema)),
		);
		expect(errors).toContain('$.videoUrl: not in the schema');
		expect(errors).toContain('$.runTotals.videos: is integer, the schema says string');
	});
});
