/**
 * Faults, bad input and secrets. Real workflows on n8n's engine against the simulator's fault
 * knobs, with Continue On Fail on and off. The promise under test: every input item ends in
 * exactly one output row, each accepted generation is paid once and never lost, and the API key
 * goes nowhere but the API. A table of the results is printed at the end.
 *
 * No outcome here rides on the wall clock: generations end on their second answered poll
 * (`progress: { polls: 2 }`) or when a test moves them, and mid-batch changes wait for the
 * request or the acceptance that should trigger them, not for a timer.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { RunWorkflowResult } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import type { Generation, Simulator, SimulatorOptions } from '../simulator';
import { isCatalogueRead, loadFixture, startSimulator, videoBytesMarker } from '../simulator';
import { AIMLAPI_VEO_NODE_TYPE } from '../harness/node-types';
import { printFaultTable } from './fault-table';
import { databaseCap, veoWithStore, type StoreLog, type StoreVerdict } from './stand-in-store';
import { VEO, generateParams, getParams, veoNode, workflow } from './workflows';

const SECRET = 'sk-aiml-SECRET-7f3a9c51e2';
const ITEMS = 6;

let sim: Simulator;
const report: string[][] = [];
const credentials = () => ({ aimlVeoApi: { apiKey: SECRET, baseUrl: sim.baseUrl } });

beforeAll(async () => {
	sim = await startSimulator({ apiKey: SECRET, progress: { polls: 2 } });
});
afterAll(async () => {
	await sim.close();
	printFaultTable(
		'Fault suite',
		[
			'case',
			'continue on fail',
			'items in',
			'rows out',
			'failed rows',
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
		outOfCredits: false,
		concurrencyLimit: undefined,
		faults: {},
		videoOrigin: undefined,
		...options,
	});
}

const prompts = (label: string, extra: Record<number, string> = {}) =>
	Array.from({ length: ITEMS }, (_, i) => ({
		prompt: `${label} item ${i}${extra[i] ? ` ${extra[i]}` : ''}`,
	}));

/** Which item a generation belongs to: its prompt ends with "item <n>" (before any marker). */
const itemOf = (prompt: string) => Number(/item (\d+)/.exec(prompt)?.[1]);

interface Audit {
	rowsOut: number;
	failedRows: number;
	lost: string[];
	doublePaid: number[];
	leaks: string[];
}

/** Checks the promises on one run and records a line of the report. */
function audit(
	name: string,
	continueOnFail: boolean,
	result: RunWorkflowResult,
	itemsIn = ITEMS,
): Audit {
	const rows: INodeExecutionData[] = result.status === 'success' ? result.items(VEO) : [];
	const errorText = `${result.error?.message ?? ''}\n${String(result.error?.description ?? '')}`;
	const outputText = JSON.stringify(rows.map((row) => row.json));

	// A generation whose submit answer was lost cannot be named by id; its item must say it may exist.
	const droppedItems = new Set(
		rows
			.filter((row) => row.json.generationMayExist === true)
			.map((row) => (row.pairedItem as { item: number }).item),
	);
	const lost = sim.generations
		.filter((generation) => {
			if (outputText.includes(generation.id) || errorText.includes(generation.id)) return false;
			const item = itemOf(generation.prompt);
			return !(
				droppedItems.has(item) ||
				errorText.includes(`item ${item}: may have been accepted`) ||
				(errorText.includes(`[item ${item}]`) && errorText.includes('may have accepted'))
			);
		})
		.map((generation) => generation.id);

	const perItem = new Map<number, number>();
	for (const generation of sim.generations)
		perItem.set(itemOf(generation.prompt), (perItem.get(itemOf(generation.prompt)) ?? 0) + 1);
	const doublePaid = [...perItem.entries()].filter(([, count]) => count > 1).map(([item]) => item);

	const leaks: string[] = [];
	if (sim.counters().cdnAuthorizationHeaders > 0)
		leaks.push(`${sim.counters().cdnAuthorizationHeaders} Authorization headers at the CDN`);
	if (outputText.includes(SECRET)) leaks.push('key in output rows');
	if (errorText.includes(SECRET) || JSON.stringify(result.error ?? {}).includes(SECRET))
		leaks.push('key in the error');
	if (JSON.stringify(result.run.data.resultData).includes(SECRET)) leaks.push('key in run data');

	const failedRows = rows.filter((row) => row.json.error !== undefined).length;
	report.push([
		name,
		continueOnFail ? 'on' : 'off',
		String(itemsIn),
		String(rows.length),
		String(failedRows),
		String(lost.length),
		String(doublePaid.length),
		String(leaks.length),
	]);

	if (continueOnFail) {
		expect(result.status).toBe('success');
		expect(rows).toHaveLength(itemsIn);
		expect(rows.map((row) => row.pairedItem)).toEqual(
			Array.from({ length: itemsIn }, (_, item) => ({ item })),
		);
	}
	if (lost.length)
		process.stdout.write(
			`LOST ${lost} in\n${errorText}\n${sim.generations.map((g) => g.id + ' ' + g.prompt).join('\n')}\n`,
		);
	expect(lost).toEqual([]);
	expect(doublePaid).toEqual([]);
	expect(leaks).toEqual([]);
	return { rowsOut: rows.length, failedRows, lost, doublePaid, leaks };
}

async function run(
	label: string,
	continueOnFail: boolean,
	params = generateParams(),
	extra: Record<number, string> = {},
	signal?: AbortSignal,
) {
	return await runWorkflow({
		workflow: workflow(prompts(label, extra), [
			veoNode(VEO, params, continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		]),
		credentials: credentials(),
		signal,
	});
}

describe.each([true, false])('faults with Continue On Fail %s', (continueOnFail) => {
	it('GETs failing 30% of the time (500/502/503 and connection resets)', async () => {
		reset({ seed: 11, faults: { getFailShare: 0.2, getResetShare: 0.1 } });
		const result = await run('flaky polls', continueOnFail);
		audit('GET 5xx 20% + resets 10%', continueOnFail, result);
		expect(result.status).toBe('success');
		expect(sim.counters().postsAccepted).toBe(ITEMS);
	});

	it('slow GETs', async () => {
		reset({ faults: { getDelayMs: 1200 } });
		const result = await run('slow polls', continueOnFail);
		audit('GET answers 1.2 s late', continueOnFail, result);
		expect(result.status).toBe('success');
	});

	it('GETs answered 200 with a malformed or empty body', async () => {
		reset({ seed: 5, faults: { getMalformedShare: 0.25, getEmptyShare: 0.25 } });
		const result = await run('garbled polls', continueOnFail);
		audit('GET 200 malformed 25% + empty 25%', continueOnFail, result);
		expect(result.status).toBe('success');
	});

	it.each([503, 429])('POSTs refused with %i before acceptance are sent again', async (status) => {
		reset({ seed: 3, faults: { postFailShare: 0.4, postFailStatus: status } });
		const result = await run(`refused ${status}`, continueOnFail);
		audit(`POST ${status} 40% before acceptance`, continueOnFail, result);
		expect(result.status).toBe('success');
		expect(sim.generations).toHaveLength(ITEMS);
		expect(sim.counters().postsRejected[status]).toBeGreaterThan(0);
	});

	it('a POST whose connection drops after it was sent is not sent again', async () => {
		reset({ seed: 2, faults: { postDropAfterAcceptShare: 0.35 } });
		const result = await run('dropped', continueOnFail);
		const { failedRows } = audit('POST dropped after acceptance 35%', continueOnFail, result);
		const dropped = sim.requests.filter((r) => r.method === 'POST' && r.status === 'reset').length;
		expect(dropped).toBeGreaterThan(0);
		expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(
			continueOnFail ? ITEMS : sim.requests.filter((r) => r.method === 'POST').length,
		);
		if (continueOnFail) {
			expect(failedRows).toBe(dropped);
			const row = result.items(VEO).find((r) => r.json.generationMayExist);
			expect(row?.json.description).toContain('did not send the request again');
		} else {
			expect(result.error?.description).toContain('did not send the request again');
		}
	});

	it('status error and completed-without-video in the middle of a batch', async () => {
		reset();
		const result = await run('mixed', continueOnFail, generateParams(), {
			1: '[sim:error]',
			4: '[sim:no-video]',
		});
		audit('status error + completed without video', continueOnFail, result);
		if (continueOnFail) {
			const rows = result.items(VEO);
			expect(rows[1].json.error).toContain('ContentPolicyViolation');
			expect(rows[4].json.error).toContain('completed without a video');
			expect(
				rows.filter((row) => row.json.status === 'completed' && row.binary?.data),
			).toHaveLength(4);
		} else {
			expect(result.error?.message).toMatch(/\[item [14]\]$/);
		}
	});

	it.each([
		['CDN answers 404', { cdnStatus: 404 }],
		['CDN closes mid-download', { cdnCloseMidway: true }],
	])('%s', async (name, faults) => {
		reset({ faults });
		const result = await run(name, continueOnFail);
		audit(name, continueOnFail, result);
		if (continueOnFail) {
			for (const row of result.items(VEO)) {
				expect(row.json.error).toContain('Downloading the video of generation');
				expect(row.json.videoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/generations\//);
				expect(row.json.description).toContain('was generated (and charged)');
			}
		}
	});

	it("a video URL on a host that is not the API's gets no key", async () => {
		reset();
		const port = new URL(sim.cdnUrl).port;
		sim.setOptions({ videoOrigin: `http://localhost:${port}` });
		const result = await run('other host', continueOnFail);
		audit('video on another host', continueOnFail, result);
		expect(result.status).toBe('success');
		expect(
			result.items(VEO).every((row) => String(row.json.videoUrl).startsWith('http://localhost:')),
		).toBe(true);
		expect(sim.counters().cdnRequests).toBe(ITEMS);
	});

	it('401 in the middle of a batch (the key is revoked while waiting)', async () => {
		reset();
		// Revoked right after the first status poll was answered: every submit got through, the wait does not.
		void sim
			.whenRequest((r) => r.method === 'GET' && !isCatalogueRead(r))
			.then(() => sim.setOptions({ apiKey: 'a-new-key' }));
		const result = await run('revoked', continueOnFail);
		audit('401 mid-batch', continueOnFail, result);
		expect(sim.counters().postsAccepted).toBe(ITEMS);
		expect(
			sim.requests.filter((r) => r.method === 'GET' && !isCatalogueRead(r)).map((r) => r.status),
		).toContain(401);
		const text = continueOnFail
			? JSON.stringify(result.items(VEO).map((r) => r.json))
			: String(result.error?.message);
		expect(text).toContain('The API key was rejected');
	});

	it('403 (out of credits) in the middle of a batch', async () => {
		reset({ concurrencyLimit: 2 });
		// The credits run out as soon as the first two generations were accepted.
		void sim.whenGenerations(2).then(() => sim.setOptions({ outOfCredits: true }));
		const params = generateParams({}, { maxConcurrent: 2 });
		const result = await run('credits', continueOnFail, params);
		audit('403 out of credits mid-batch', continueOnFail, result);
		expect(sim.generations).toHaveLength(2);
		expect(sim.counters().postsRejected[403]).toBeGreaterThan(0);
		if (continueOnFail) {
			const rows = result.items(VEO);
			expect(
				rows.filter((row) => String(row.json.error ?? '').includes('out of credits')).length,
			).toBeGreaterThan(0);
			expect(rows.filter((row) => row.json.status === 'completed').length).toBeGreaterThanOrEqual(
				2,
			);
		}
	});
});

describe('cancellation', () => {
	it('stops waiting when the execution is cancelled, and sends nothing more', async () => {
		// The generations never end by themselves, and the execution is cancelled as soon as all were accepted.
		reset({ progress: 'manual' });
		const controller = new AbortController();
		void sim.whenGenerations(ITEMS).then(() => controller.abort());
		// The run resolves only once the node itself has returned (no grace period cuts it short), so
		// nothing can be sent after it. A node that ignored the cancel would poll at 4 s and 8 s and then
		// give up at Max Wait (10 s), leaving GETs in the log.
		const result = await runWorkflow({
			workflow: workflow(prompts('cancelled'), [
				veoNode(VEO, generateParams({}, { pollInterval: 4, maxWait: 10 })),
			]),
			credentials: credentials(),
			signal: controller.signal,
			cancelGraceMs: 10 * 60_000,
		});
		expect(result.status).toBe('canceled');
		expect(sim.generations).toHaveLength(ITEMS);
		expect(sim.requests.filter((r) => r.method === 'GET' && !isCatalogueRead(r))).toHaveLength(0);
		report.push(['cancelled mid-wait', 'off', String(ITEMS), '0', '0', '0', '0', '0']);
		expect(JSON.stringify(result.run)).not.toContain(SECRET);
	});
});

describe("n8n's Retry On Fail", () => {
	it('resumes accepted generations instead of buying them again', async () => {
		reset({ faults: { cdnStatus: 404 } });
		// The CDN heals as soon as it has answered the first try with a 404.
		void sim
			.whenRequest((r) => r.origin === 'cdn' && r.status === 404)
			.then(() => sim.setOptions({ faults: {} }));
		const result = await runWorkflow({
			workflow: workflow(prompts('retried'), [
				veoNode(VEO, generateParams(), { retryOnFail: true, maxTries: 2, waitBetweenTries: 100 }),
			]),
			credentials: credentials(),
		});
		expect(result.runCount(VEO)).toBe(2);
		expect(result.status).toBe('success');
		expect(sim.counters().postsAccepted).toBe(ITEMS);
		expect(result.items(VEO).every((row) => row.binary?.data)).toBe(true);
		audit('Retry On Fail after a CDN 404', false, result);
	});
});

describe("n8n's Retry On Fail after an uncharged failure", () => {
	it('resubmits only the item whose generation failed; finished ones are resumed, not bought again', async () => {
		reset();
		const rows = [
			{ prompt: 'again item 0' },
			{ prompt: 'again item 1 [sim:error]' },
			{ prompt: 'again item 2' },
		];
		const result = await runWorkflow({
			workflow: workflow(rows, [
				veoNode(VEO, generateParams(), { retryOnFail: true, maxTries: 2, waitBetweenTries: 100 }),
			]),
			credentials: credentials(),
		});
		expect(result.runCount(VEO)).toBe(2);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/failed: ContentPolicyViolation: .*\[item 1\]$/);
		const perItem = [0, 1, 2].map(
			(item) => sim.generations.filter((g) => itemOf(g.prompt) === item).length,
		);
		expect(perItem).toEqual([1, 2, 1]);
		// The two paid videos are named in the error, so nothing paid is lost.
		for (const generation of sim.generations.filter((g) => !g.prompt.includes('[sim:error]'))) {
			expect(String(result.error?.description)).toContain(generation.id);
		}
	});
});

describe('bad input fails before any paid request, naming the item and the field', () => {
	const cases: Array<[string, Record<string, unknown>, string, string]> = [
		[
			'whitespace prompt',
			generateParams({ prompt: '={{ $json.prompt === "p1" ? "   " : $json.prompt }}' }),
			'The prompt is empty [item 1]',
			'Prompt',
		],
		[
			'duration from an expression',
			generateParams({ options: { duration: '={{ 5 }}' } }),
			'Duration "5" is not available for Veo 3 Fast (Text to Video) [item 0]',
			'Duration',
		],
		[
			'resolution from an expression',
			generateParams({ options: { resolution: '={{ "4k" }}' } }),
			'Resolution "4k" is not available for Veo 3 Fast (Text to Video) [item 0]',
			'Resolution',
		],
		[
			'aspect ratio from an expression',
			generateParams({ options: { aspectRatio: '={{ "1:1" }}' } }),
			'Aspect Ratio "1:1" is not available for Veo 3 Fast (Text to Video) [item 0]',
			'Aspect Ratio',
		],
		[
			'seed that is not an integer',
			generateParams({ options: { seed: 1.5 } }),
			'Seed must be a whole number from 0 to 4294967295, got "1.5" [item 0]',
			'Seed',
		],
		[
			'model the table does not know',
			generateParams({ model: '={{ "google/veo-9" }}' }),
			'Unknown model "google/veo-9" [item 0]',
			'Model',
		],
		[
			'whitespace generation id',
			getParams({ generationId: '={{ "  " }}' }),
			'The generation ID is empty [item 0]',
			'Generation ID',
		],
	];
	it.each(cases)('%s', async (_name, params, message, field) => {
		reset();
		const rows = [{ prompt: 'p0' }, { prompt: 'p1' }];
		const result = await runWorkflow({
			workflow: workflow(rows, [veoNode(VEO, params)]),
			credentials: credentials(),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toContain(`Field: ${field}`);
		expect(sim.requests).toHaveLength(0);
	});

	it.each([
		['a Base URL that is not http(s)', 'ftp://127.0.0.1:1/'],
		['plain http to a host other than loopback', 'http://api.aimlapi.com'],
	])('%s', async (_name, baseUrl) => {
		reset();
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'p' }], [veoNode(VEO, generateParams())]),
			credentials: { aimlVeoApi: { apiKey: SECRET, baseUrl } },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^The credential's Base URL must use https .*\[item 0\]$/,
		);
		expect(result.error?.description).toContain('Field: Base URL');
		expect(JSON.stringify(result.error)).not.toContain(SECRET);
		expect(sim.requests).toHaveLength(0);
	});
});

describe.each([true, false])(
	"videos n8n's binary data store cannot keep, Continue On Fail %s",
	(continueOnFail) => {
		const SIX_MIB = 6 * 1024 * 1024;
		const BIG_ITEM = 2;
		const runWithStore = async (
			label: string,
			verdict: StoreVerdict,
			log: StoreLog,
			params = generateParams(),
			extra: Record<number, string> = {},
		) =>
			await runWorkflow({
				workflow: workflow(prompts(label, extra), [
					veoNode(VEO, params, continueOnFail ? { onError: 'continueRegularOutput' } : {}),
				]),
				credentials: credentials(),
				nodeTypes: { [AIMLAPI_VEO_NODE_TYPE]: veoWithStore(verdict, log) },
			});
		// Every video the fixture's size unless a case says otherwise (the shared reset keeps videoBytes).
		const resetSizes = (options: Partial<SimulatorOptions> = {}) =>
			reset({ videoBytes: undefined, ...options });
		const bigOne = () =>
			sim.generations.find((generation) => itemOf(generation.prompt) === BIG_ITEM) as Generation;

		it('a 6 MiB video over a 5 MiB database-mode cap fails alone, keeping its id and URL; the others are delivered', async () => {
			resetSizes();
			const log: StoreLog = { stored: [], refused: [] };
			const result = await runWithStore('capped store', databaseCap(5), log, generateParams(), {
				[BIG_ITEM]: videoBytesMarker(SIX_MIB),
			});
			audit('6 MiB video, store capped at 5 MiB (n8n database mode)', continueOnFail, result);
			expect(sim.requests.filter((request) => request.method === 'POST')).toHaveLength(ITEMS);
			expect(log.refused).toEqual([SIX_MIB]);
			expect(log.stored).toHaveLength(ITEMS - 1);
			const message = `Downloading the video of generation ${bigOne().id} failed: n8n's binary data store refused the 6 MB video: it is over n8n's size limit of 5 MB for stored files (N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE)`;
			if (continueOnFail) {
				const rows = result.items(VEO);
				const failed = rows[BIG_ITEM];
				expect(failed.json.error).toBe(message);
				expect(failed.json.id).toBe(bigOne().id);
				expect(failed.json.videoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/generations\//);
				expect(failed.json.description).toContain(String(failed.json.videoUrl));
				expect(failed.json.description).toContain('Turn off "Download Video"');
				expect(failed.json.description).toContain('lower resolution');
				expect(failed.json.description).toContain('raise N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE');
				expect(failed.binary).toBeUndefined();
				const delivered = rows.filter((row) => row.binary?.data);
				expect(delivered).toHaveLength(ITEMS - 1);
				for (const row of delivered)
					expect((await result.binaryBuffer(row)).equals(loadFixture())).toBe(true);
			} else {
				expect(result.status).toBe('error');
				expect(result.error?.message).toBe(`${message} [item ${BIG_ITEM}]`);
			}
		});

		it('anything else the store throws is a named download failure too, with what the store said', async () => {
			resetSizes();
			const log: StoreLog = { stored: [], refused: [] };
			const lost = (bytes: number) =>
				bytes > 1024 * 1024 ? new Error('Connection terminated unexpectedly') : undefined;
			const result = await runWithStore('failing store', lost, log, generateParams(), {
				[BIG_ITEM]: videoBytesMarker(2 * 1024 * 1024),
			});
			audit('the binary data store fails on one video', continueOnFail, result);
			const message = `Downloading the video of generation ${bigOne().id} failed: n8n's binary data store refused the 2 MB video: Connection terminated unexpectedly`;
			if (continueOnFail) {
				expect(result.items(VEO)[BIG_ITEM].json.error).toBe(message);
				expect(result.items(VEO)[BIG_ITEM].json.videoUrl).toBeDefined();
				expect(result.items(VEO).filter((row) => row.binary?.data)).toHaveLength(ITEMS - 1);
			} else {
				expect(result.error?.message).toBe(`${message} [item ${BIG_ITEM}]`);
			}
		});

		it('a transfer the host cuts short still reads "broke off", not as a refusal of the store', async () => {
			resetSizes({ videoBytes: 2 * 1024 * 1024, faults: { cdnCloseMidway: true } });
			const log: StoreLog = { stored: [], refused: [] };
			const result = await runWithStore('cut short', databaseCap(5), log);
			audit('CDN closes mid-download, store capped at 5 MiB', continueOnFail, result);
			const text = continueOnFail
				? JSON.stringify(result.items(VEO).map((row) => row.json.error))
				: String(result.error?.message);
			expect(text).toContain('the transfer broke off after');
			expect(text).not.toContain('binary data store');
			expect(log.stored).toEqual([]);
		});

		it('a video the host announces over Max Video Size is not downloaded: the store never sees it', async () => {
			resetSizes();
			const log: StoreLog = { stored: [], refused: [] };
			const announced = 256 * 1024 * 1024;
			const params = generateParams({ downloadOptions: { maxSizeMb: 1 } });
			const result = await runWithStore('announced', databaseCap(5), log, params, {
				[BIG_ITEM]: videoBytesMarker(announced),
			});
			audit('256 MiB announced, Max Video Size 1 MB', continueOnFail, result);
			expect(log.stored).toHaveLength(ITEMS - 1);
			expect(log.refused).toEqual([]);
			const description = continueOnFail
				? String(result.items(VEO)[BIG_ITEM].json.description)
				: String(result.error?.description);
			const videoPath = new URL(String(/Its URL is (\S+?);/.exec(description)?.[1])).pathname;
			const answer = await sim.whenRequest(
				(request) => request.path === videoPath && request.bodyBytes !== undefined,
			);
			process.stdout.write(
				`announced ${announced} bytes, over Max Video Size: the host sent ${answer.bodyBytes} bytes of the body\n`,
			);
			// What the loopback's socket buffers took before the node hung up; nothing like the video.
			expect(answer.bodyBytes).toBeLessThan(announced / 8);
			const text = continueOnFail
				? String(result.items(VEO)[BIG_ITEM].json.error)
				: String(result.error?.message);
			expect(text).toContain('the video is 256 MB, more than the limit of 1 MB ("Max Video Size")');
		});
	},
);
