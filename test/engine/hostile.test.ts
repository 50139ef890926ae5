/**
 * The promise under a hostile API and under n8n's own node settings (Retry On Fail, Continue On
 * Fail, the error output, cancel): real workflows on n8n's engine against the simulator. Progress
 * is driven by polls or by hand, never by the clock. A table of the fault cases is printed at the end.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { RunWorkflowResult } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import type { Simulator, SimulatorFaults, SimulatorOptions } from '../simulator';
import { loadFixture, startSimulator } from '../simulator';
import type { WorkflowNodeJson } from '../harness/engine';
import { printFaultTable } from './fault-table';
import { VEO, generateParams, getParams, veoNode, workflow } from './workflows';

const SECRET = 'sk-aiml-SECRET-hostile-4b7d2e';
const ITEMS = 4;

let sim: Simulator;
const report: string[][] = [];
const credentials = () => ({ aimlVeoApi: { apiKey: SECRET, baseUrl: sim.baseUrl } });

beforeAll(async () => {
	sim = await startSimulator({ apiKey: SECRET, progress: { polls: 2 } });
});
afterAll(async () => {
	await sim.close();
	printFaultTable(
		"Hostile API and n8n's node settings",
		[
			'case',
			'continue on fail',
			'retry on fail',
			'items in',
			'rows out',
			'failed rows',
			'node runs',
			'accepted POSTs per item (most)',
			'lost',
			'double-paid',
			'leaks',
		],
		report,
	);
});

function reset(options: Partial<SimulatorOptions> = {}) {
	sim.reset();
	sim.setOptions({
		apiKey: SECRET,
		progress: { polls: 2 },
		statusNames: undefined,
		outOfCredits: false,
		concurrencyLimit: undefined,
		faults: {},
		videoOrigin: undefined,
		videoBytes: undefined,
		...options,
	});
}

const prompts = (label: string, extra: Record<number, string> = {}, count = ITEMS) =>
	Array.from({ length: count }, (_, i) => ({
		prompt: `${label} item ${i}${extra[i] ? ` ${extra[i]}` : ''}`,
	}));
const itemOf = (prompt: string) => Number(/item (\d+)/.exec(prompt)?.[1]);
const retry = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

interface Setting {
	continueOnFail: boolean;
	retryOnFail: boolean;
}

async function run(
	label: string,
	setting: Setting,
	params = generateParams(),
	extra: Record<number, string> = {},
	more: Partial<WorkflowNodeJson> = {},
) {
	const node = veoNode(VEO, params, {
		...(setting.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		...(setting.retryOnFail ? retry : {}),
		...more,
	});
	return await runWorkflow({
		workflow: workflow(prompts(label, extra), [node]),
		credentials: credentials(),
	});
}

/** rows = items, accepted POSTs per item ≤ 1, every accepted generation named, no key anywhere. */
function audit(name: string, setting: Setting, result: RunWorkflowResult, itemsIn = ITEMS) {
	const rows: INodeExecutionData[] =
		result.status === 'success' ? [...result.items(VEO, 0), ...result.items(VEO, 1)] : [];
	const errorText = `${result.error?.message ?? ''}\n${String(result.error?.description ?? '')}`;
	const outputText = JSON.stringify(rows.map((row) => row.json));
	const mayExist = new Set(
		rows
			.filter(
				(row) =>
					(row.json.generationMayExist ??
						(row.json.details as { generationMayExist?: boolean } | undefined)
							?.generationMayExist) === true,
			)
			.map((row) => (row.pairedItem as { item: number }).item),
	);
	const named = (id: string, item: number) =>
		outputText.includes(id) ||
		errorText.includes(id) ||
		mayExist.has(item) ||
		errorText.includes(`item ${item}: may have been accepted`) ||
		(errorText.includes(`[item ${item}]`) && errorText.includes('may have accepted'));
	const lost = sim.generations
		.filter((generation) => !named(generation.id, itemOf(generation.prompt)))
		.map((generation) => generation.id);
	const perItem = new Map<number, number>();
	for (const generation of sim.generations)
		perItem.set(itemOf(generation.prompt), (perItem.get(itemOf(generation.prompt)) ?? 0) + 1);
	const doublePaid = [...perItem.entries()].filter(([, count]) => count > 1).map(([item]) => item);
	const leaks: string[] = [];
	if (sim.counters().cdnAuthorizationHeaders > 0) leaks.push('Authorization at the CDN');
	if (JSON.stringify(result.run).includes(SECRET)) leaks.push('key in the run');
	if (JSON.stringify(result.error ?? {}).includes(SECRET) || errorText.includes(SECRET))
		leaks.push('key in the error');
	const failedRows = rows.filter((row) => row.json.error !== undefined).length;
	report.push([
		name,
		setting.continueOnFail ? 'on' : 'off',
		setting.retryOnFail ? `on (${retry.maxTries} tries)` : 'off',
		String(itemsIn),
		String(rows.length),
		String(failedRows),
		String(result.runCount(VEO)),
		String(Math.max(0, ...perItem.values())),
		String(lost.length),
		String(doublePaid.length),
		String(leaks.length),
	]);
	if (setting.continueOnFail) {
		expect(result.status).toBe('success');
		expect(rows).toHaveLength(itemsIn);
		expect(rows.map((row) => (row.pairedItem as { item: number }).item).sort()).toEqual(
			Array.from({ length: itemsIn }, (_, i) => i),
		);
	}
	expect(lost).toEqual([]);
	expect(doublePaid).toEqual([]);
	expect(leaks).toEqual([]);
	return rows;
}

const settings: Setting[] = [
	{ continueOnFail: true, retryOnFail: false },
	{ continueOnFail: false, retryOnFail: false },
	{ continueOnFail: true, retryOnFail: true },
	{ continueOnFail: false, retryOnFail: true },
];
const label = (setting: Setting) =>
	`Continue On Fail ${setting.continueOnFail ? 'on' : 'off'}, Retry On Fail ${setting.retryOnFail ? 'on' : 'off'}`;

describe.each(settings.map((setting) => [label(setting), setting] as const))(
	'submits whose answer is lost, with %s',
	(_name, setting) => {
		const cases: Array<[string, SimulatorFaults]> = [
			[
				'POST 500 after the API accepted (half the submits)',
				{ postFailAfterAcceptShare: 0.5, postFailAfterAcceptStatus: 500 },
			],
			[
				'POST 502 after the API accepted (all submits)',
				{ postFailAfterAcceptShare: 1, postFailAfterAcceptStatus: 502 },
			],
			['POST connection dropped after acceptance (half)', { postDropAfterAcceptShare: 0.5 }],
		];
		it.each(cases)('%s: never sent twice, always named', async (name, faults) => {
			reset({ seed: 4, faults });
			const result = await run(`lost ${name}`, setting);
			const rows = audit(name, setting, result);
			const posts = sim.requests.filter(
				(request) => request.method === 'POST' && request.origin === 'api',
			).length;
			expect(posts).toBe(ITEMS);
			// n8n retries a node that threw, or whose first row is an error row.
			const retried =
				setting.retryOnFail && (!setting.continueOnFail || rows[0]?.json.error !== undefined);
			expect(result.runCount(VEO)).toBe(retried ? retry.maxTries : 1);
			const text = setting.continueOnFail
				? JSON.stringify(rows.map((row) => row.json))
				: `${result.error?.message} ${String(result.error?.description)}`;
			expect(text).toContain('did not send the request again');
			if (setting.continueOnFail) {
				const ambiguous = rows.filter((row) => row.json.generationMayExist === true);
				expect(ambiguous.length).toBe(
					sim.requests.filter((request) => request.method === 'POST' && request.status !== 201)
						.length,
				);
				if (retried)
					for (const row of ambiguous)
						expect(String(row.json.error)).toContain(
							'An earlier try of this node in this execution sent this generation',
						);
			}
		});
	},
);

describe.each(settings.map((setting) => [label(setting), setting] as const))(
	'statuses, with %s',
	(_name, setting) => {
		it('unknown and provider-style words mean "still running"; only terminal words end it', async () => {
			reset({ statusNames: { queued: 'PENDING', generating: 'running', completed: 'COMPLETED' } });
			const messages: string[] = [];
			const result = await runWorkflow({
				workflow: workflow(prompts('words', { 1: '[sim:status-running=IN_PROGRESS]' }), [
					veoNode(VEO, generateParams({}, { pollInterval: 1 }), {
						...(setting.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
						...(setting.retryOnFail ? retry : {}),
					}),
				]),
				credentials: credentials(),
				onMessageToUI: (_node, message) => messages.push(String(message)),
			});
			const rows = audit('status words: PENDING, running, IN_PROGRESS, COMPLETED', setting, result);
			expect(result.status).toBe('success');
			expect(rows.every((row) => row.json.status === 'COMPLETED' && row.binary?.data)).toBe(true);
			expect(messages.some((line) => /\d+ (running|in_progress)/.test(line))).toBe(true);
			// the provider's queued word counts as running too, under its own name in lower case
			expect(messages.some((line) => /\d+ pending/.test(line))).toBe(true);
			expect(sim.generations).toHaveLength(ITEMS);
		});

		it.each(['failed', 'CANCELLED', 'expired'])(
			'"%s" ends the item naming its id, and is never bought again',
			async (word) => {
				reset();
				const result = await run(`ended ${word}`, setting, generateParams(), {
					2: `[sim:status=${word}]`,
				});
				const rows = audit(`status "${word}" for one item`, setting, result);
				const ended = sim.generations.find((generation) => itemOf(generation.prompt) === 2);
				expect(
					sim.generations.filter((generation) => itemOf(generation.prompt) === 2),
				).toHaveLength(1);
				const text = setting.continueOnFail
					? String(rows[2].json.error)
					: String(result.error?.message);
				expect(text).toContain(`Generation ${ended?.id} failed`);
				// its row keeps the API's own word as its status, and no video
				if (setting.continueOnFail && !setting.retryOnFail)
					expect(rows[2].json).toMatchObject({ id: ended?.id, status: word });
				if (setting.continueOnFail) expect(rows[2].binary).toBeUndefined();
			},
		);

		it('a 2xx submit answer with an id alone is an accepted generation', async () => {
			reset({ faults: { postAnswer: 'id-only' } });
			const result = await run('id only', setting);
			audit('POST answered 201 with the id alone', setting, result);
			expect(result.status).toBe('success');
			expect(result.items(VEO).every((row) => row.binary?.data)).toBe(true);
			expect(sim.generations).toHaveLength(ITEMS);
		});

		it('an API that does not know a generation it has just accepted is asked again', async () => {
			reset({ faults: { notFoundPollsAfterAccept: 2 } });
			const result = await run('not yet known', setting);
			audit('GET 404 twice right after acceptance', setting, result);
			expect(result.status).toBe('success');
			expect(sim.requests.filter((request) => request.status === 404)).toHaveLength(ITEMS * 2);
		});
	},
);

describe('error output', () => {
	it('"Continue (using error output)" sends failures to the error output and videos to the main one, each paired', async () => {
		reset();
		const result = await run(
			'routed',
			{ continueOnFail: false, retryOnFail: false },
			generateParams(),
			{ 1: '[sim:error]', 3: '[sim:status=expired]' },
			{ onError: 'continueErrorOutput' },
		);
		expect(result.status).toBe('success');
		const main = result.items(VEO, 0);
		const errors = result.items(VEO, 1);
		expect(main.map((row) => row.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(main.every((row) => row.binary?.data && row.json.status === 'completed')).toBe(true);
		expect(errors.map((row) => row.pairedItem)).toEqual([{ item: 1 }, { item: 3 }]);
		expect(String(errors[0].json.error)).toContain('ContentPolicyViolation');
		expect(errors[1].json.details).toMatchObject({ id: sim.generations[3].id, status: 'expired' });
		// n8n adds the input item's fields to an error-output row.
		expect(errors[0].json.prompt).toBe('routed item 1 [sim:error]');
		audit('error output: 2 failures of 4', { continueOnFail: true, retryOnFail: false }, result);
	});

	it('"Continue (regular output)" keeps every row on the main output', async () => {
		reset();
		const result = await run(
			'regular',
			{ continueOnFail: true, retryOnFail: false },
			generateParams(),
			{ 1: '[sim:error]' },
		);
		expect(result.items(VEO, 0)).toHaveLength(ITEMS);
		expect(result.items(VEO, 1)).toHaveLength(0);
	});
});

describe('cancel', () => {
	it('names every generation the API accepted, the finished ones too', async () => {
		reset({ progress: 'manual' });
		const controller = new AbortController();
		void (async () => {
			await sim.whenGenerations(ITEMS);
			sim.advance(sim.generations[0].id, 'completed');
			sim.advance(sim.generations[1].id, 'completed');
			await sim.whenRequest(
				() =>
					sim.requests.filter((request) => request.origin === 'cdn' && request.status === 200)
						.length === 2,
			);
			controller.abort();
		})();
		const result = await runWorkflow({
			workflow: workflow(prompts('cancelled'), [
				veoNode(VEO, generateParams({}, { pollInterval: 1 })),
			]),
			credentials: credentials(),
			signal: controller.signal,
		});
		expect(result.status).toBe('canceled');
		const errorText = JSON.stringify(result.run.data.resultData);
		for (const generation of sim.generations) expect(errorText).toContain(generation.id);
		expect(errorText).toContain('video ready');
		expect(errorText).not.toContain(SECRET);
	});
});

describe('time is bounded', () => {
	it('a status request that never answers ends with Max Wait, naming the generation', async () => {
		reset({ progress: 'manual', faults: { getHangShare: 1 } });
		const result = await runWorkflow({
			workflow: workflow(prompts('hanging', {}, 1), [
				veoNode(VEO, generateParams({}, { pollInterval: 1, maxWait: 3 })),
			]),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`Generation ${sim.generations[0].id} did not finish within "Max Wait" (last status: queued) [item 0]`,
		);
		expect(String(result.error?.description)).toContain('the request timed out');
		expect(sim.requests.some((request) => request.method === 'GET' && request.status === 0)).toBe(
			true,
		);
	});

	it('a submit that never answers ends as "may have been accepted", and is not sent again', async () => {
		reset({ faults: { postHangAfterAcceptShare: 1 } });
		const result = await runWorkflow({
			workflow: workflow(prompts('hanging submit', {}, 1), [
				veoNode(VEO, generateParams({}, { pollInterval: 1, maxWait: 2 }), {
					onError: 'continueRegularOutput',
					...retry,
				}),
			]),
			credentials: credentials(),
		});
		const [row] = result.items(VEO);
		expect(row.json.generationMayExist).toBe(true);
		expect(String(row.json.error)).toMatch(/the request timed out/);
		expect(sim.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
	});

	it('a video host that drips its bytes is stopped at the download time limit', async () => {
		reset({ faults: { cdnDrip: { bytes: 16, everyMs: 200 } } });
		const result = await runWorkflow({
			workflow: workflow(prompts('drip', {}, 1), [
				veoNode(VEO, generateParams({ downloadOptions: { timeLimit: 2 } }), {
					onError: 'continueRegularOutput',
				}),
			]),
			credentials: credentials(),
		});
		const [row] = result.items(VEO);
		expect(row.json.error).toBe(
			`Downloading the video of generation ${sim.generations[0].id} failed: it did not finish within the download time limit of 2 s ("Download Time Limit")`,
		);
		expect(row.json.videoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/generations\//);
	});

	it('a video over the size cap is refused', async () => {
		reset({ videoBytes: 3 * 1024 * 1024 });
		const result = await runWorkflow({
			workflow: workflow(prompts('big', {}, 1), [
				veoNode(VEO, generateParams({ downloadOptions: { maxSizeMb: 1 } }), {
					onError: 'continueRegularOutput',
				}),
			]),
			credentials: credentials(),
		});
		expect(String(result.items(VEO)[0].json.error)).toContain(
			'the video is 3 MB, more than the limit of 1 MB ("Max Video Size")',
		);
	});
});

describe('a video is a video', () => {
	it('an HTML page served as video/mp4 with 200 fails, naming the id and the URL', async () => {
		reset({ faults: { cdnBody: 'html' } });
		const result = await run('html', { continueOnFail: true, retryOnFail: false });
		audit(
			'CDN answers 200 with an HTML page',
			{ continueOnFail: true, retryOnFail: false },
			result,
		);
		for (const [index, row] of result.items(VEO).entries()) {
			expect(row.json.error).toBe(
				`Downloading the video of generation ${sim.generations[index].id} failed: the video host sent something that is not a video: it is not an MP4 (it starts with "<!DOCTYPE html><html><head><title>Error<")`,
			);
			expect(String(row.json.description)).toContain(String(row.json.videoUrl));
			expect(row.binary).toBeUndefined();
		}
	});

	it('a gzip-encoded video is whole, byte for byte', async () => {
		reset({ faults: { cdnGzip: true } });
		const result = await run('gzip', { continueOnFail: false, retryOnFail: false });
		audit(
			'CDN sends the video gzip-encoded',
			{ continueOnFail: false, retryOnFail: false },
			result,
		);
		expect(result.status).toBe('success');
		for (const row of result.items(VEO))
			expect((await result.binaryBuffer(row)).equals(loadFixture())).toBe(true);
	});
});

describe('redirects and echoed keys', () => {
	it('a redirect answering a submit is not followed: nothing reaches the other host', async () => {
		reset();
		sim.setOptions({
			faults: { postRedirect: { status: 307, location: `${sim.cdnUrl}/capture` } },
		});
		const result = await run('redirected', { continueOnFail: true, retryOnFail: false });
		audit(
			'POST answered 307 to another host',
			{ continueOnFail: true, retryOnFail: false },
			result,
		);
		expect(String(result.items(VEO)[0].json.error)).toBe(
			`The API answered with a redirect (HTTP 307) to ${sim.cdnUrl}/capture`,
		);
		expect(sim.requests.filter((request) => request.origin === 'cdn')).toHaveLength(0);
		expect(sim.generations).toHaveLength(0);
	});

	it.each([true, false])(
		'an API error body that echoes the request never shows the key (Continue On Fail %s)',
		async (continueOnFail) => {
			reset({
				faults: {
					echoRequestInErrors: true,
					postFailAfterAcceptShare: 0.5,
					postFailAfterAcceptStatus: 500,
					getFailShare: 0.3,
					getFailStatuses: [500],
				},
			});
			const result = await run('echo', { continueOnFail, retryOnFail: false });
			audit(
				'error bodies echo the request, key included',
				{ continueOnFail, retryOnFail: false },
				result,
			);
			const echoed = sim.requests.filter(
				(request) => typeof request.status === 'number' && request.status >= 500,
			).length;
			expect(echoed).toBeGreaterThan(0);
		},
	);
});

describe('strict parameters: checked before anything is sent, naming the item and the field', () => {
	const cases: Array<[string, Record<string, unknown>, string]> = [
		[
			'Max Concurrent 0',
			generateParams({}, { maxConcurrent: 0 }),
			'Max Concurrent Generations must be from 1 to 500, got "0" [item 0]',
		],
		[
			'Max Concurrent "abc"',
			generateParams({}, { maxConcurrent: '={{ "abc" }}' }),
			'Max Concurrent Generations must be a whole number from 1 to 500, got "abc" [item 0]',
		],
		[
			'Max Concurrent 2.5',
			generateParams({}, { maxConcurrent: 2.5 }),
			'Max Concurrent Generations must be a whole number from 1 to 500, got "2.5" [item 0]',
		],
		[
			'Poll Interval past its bound',
			generateParams({}, { pollInterval: 100000 }),
			'Poll Interval must be from 1 to 3600 seconds, got "100000" [item 0]',
		],
		[
			'Max Wait negative',
			generateParams({}, { maxWait: '={{ -5 }}' }),
			'Max Wait must be from 1 to 86400 seconds, got "-5" [item 0]',
		],
		[
			'On Timeout unknown',
			generateParams({}, { onTimeout: '={{ "later" }}' }),
			'On Timeout must be "fail" or "return", got "later" [item 0]',
		],
		[
			'Wait for Completion "yes"',
			generateParams({ waitForCompletion: '={{ "yes" }}' }),
			'Wait for Completion must be true or false, got "yes" [item 0]',
		],
		[
			'Download Time Limit text',
			generateParams({ downloadOptions: { timeLimit: '={{ "soon" }}' } }),
			'Download Time Limit must be a number from 1 to 3600 seconds, got "soon" [item 0]',
		],
		[
			'Prompt an object',
			generateParams({ prompt: '={{ { a: 1 } }}' }),
			'Prompt must be text, got an object [item 0]',
		],
		[
			'Seed too large',
			generateParams({ options: { seed: 2 ** 40 } }),
			'Seed must be a whole number from 0 to 4294967295, got "1099511627776" [item 0]',
		],
		[
			'Get: Max Wait text',
			getParams({}, { maxWait: '={{ "long" }}' }),
			'Max Wait must be a number from 1 to 86400 seconds, got "long" [item 0]',
		],
	];
	it.each(cases)('%s', async (_name, params, message) => {
		reset();
		const result = await runWorkflow({
			workflow: workflow(
				[
					{ prompt: 'p0', id: 'x' },
					{ prompt: 'p1', id: 'y' },
				],
				[veoNode(VEO, params)],
			),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(message);
		expect(String(result.error?.description)).toContain('Field: ');
		expect(sim.requests).toHaveLength(0);
	});
});
