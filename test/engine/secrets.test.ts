/**
 * The API key's text is written nowhere, whatever the API sends back: an API that puts the key into
 * its generation ids, its video URLs, its status words or its error bodies, raw or URL-encoded. Real
 * workflows on n8n's engine against the simulator; everything the run wrote (rows, binary file
 * names, errors, the submit record in the node's context, progress lines) is searched for the key.
 * A table of the cases is printed at the end.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { RunWorkflowResult } from '../harness/engine';
import { runWorkflow } from '../harness/engine';
import type { Simulator, SimulatorFaults, SimulatorOptions } from '../simulator';
import { startSimulator } from '../simulator';
import { printFaultTable } from './fault-table';
import { VEO, generateParams, veoNode, workflow } from './workflows';

/** A key whose URL-encoded form differs from it, so both forms are looked for; and as a file name would spell it. */
const KEY = 'sk+aiml/SECRET=hostile-9c41d7';
const FORMS = [KEY, encodeURIComponent(KEY), KEY.replace(/[^A-Za-z0-9._-]+/g, '-')];
const ITEMS = 2;
const retry = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

let sim: Simulator;
const report: string[][] = [];
const credentials = () => ({ aimlVeoApi: { apiKey: KEY, baseUrl: sim.baseUrl } });

beforeAll(async () => {
	sim = await startSimulator({ apiKey: KEY, progress: { polls: 2 } });
});
afterAll(async () => {
	await sim.close();
	printFaultTable(
		"The key's text in the API's answers",
		[
			'case',
			'items in',
			'rows out',
			'failed rows',
			'node runs',
			'POSTs',
			'videos delivered',
			'CDN requests',
			'key found in run data, files, context or progress',
		],
		report,
	);
});

function reset(options: Partial<SimulatorOptions> = {}) {
	sim.reset();
	sim.setOptions({
		apiKey: KEY,
		progress: { polls: 2 },
		statusNames: undefined,
		faults: {},
		...options,
	});
}

const prompts = (label: string, extra: Record<number, string> = {}) =>
	Array.from({ length: ITEMS }, (_, i) => ({
		prompt: `${label} item ${i}${extra[i] ? ` ${extra[i]}` : ''}`,
	}));

interface Written {
	result: RunWorkflowResult;
	rows: INodeExecutionData[];
	messages: string[];
}

async function run(
	label: string,
	params: Record<string, unknown>,
	extra: Partial<Parameters<typeof veoNode>[2]> = {},
	marks: Record<number, string> = {},
): Promise<Written> {
	const messages: string[] = [];
	const result = await runWorkflow({
		workflow: workflow(prompts(label, marks), [veoNode(VEO, params, extra)]),
		credentials: credentials(),
		onMessageToUI: (_node, message) =>
			messages.push(...(Array.isArray(message) ? message.map(String) : [String(message)])),
	});
	const rows =
		result.status === 'success' ? [...result.items(VEO, 0), ...result.items(VEO, 1)] : [];
	return { result, rows, messages };
}

/** Where the key's text was found, in either form and any letter case. */
function leaks(written: Written): string[] {
	const places: Record<string, string> = {
		'run data': JSON.stringify(written.result.run),
		rows: JSON.stringify(written.rows.map((row) => row.json)),
		'file names': JSON.stringify(written.rows.map((row) => row.binary?.data?.fileName ?? '')),
		error: `${written.result.error?.message ?? ''} ${String(written.result.error?.description ?? '')} ${JSON.stringify(written.result.error ?? {})}`,
		'submit record': JSON.stringify(contextOf(written.result)),
		progress: written.messages.join('\n'),
	};
	return Object.entries(places)
		.filter(([, text]) => FORMS.some((form) => text.toLowerCase().includes(form.toLowerCase())))
		.map(([place]) => place);
}

/** The node's execution context as n8n keeps it with the execution (the submit record lives there). */
function contextOf(result: RunWorkflowResult): unknown {
	return result.run.data.executionData?.contextData ?? {};
}

/** The submit record's entries, whichever context key n8n filed them under. */
function submitRecord(result: RunWorkflowResult): Array<Record<string, unknown>> {
	const contexts = Object.values(
		contextOf(result) as Record<string, { veoSubmitted?: Record<string, Record<string, unknown>> }>,
	);
	return contexts.flatMap((context) => Object.values(context.veoSubmitted ?? {}));
}

const posts = () =>
	sim.requests.filter((request) => request.origin === 'api' && request.method === 'POST').length;
const cdnRequests = () => sim.requests.filter((request) => request.origin === 'cdn').length;

function audit(name: string, written: Written): void {
	const { result, rows } = written;
	const found = leaks(written);
	report.push([
		name,
		String(ITEMS),
		String(rows.length),
		String(rows.filter((row) => row.json.error !== undefined).length),
		String(result.runCount(VEO)),
		String(posts()),
		String(rows.filter((row) => row.binary?.data).length),
		String(cdnRequests()),
		found.length ? found.join(', ') : 'nowhere',
	]);
	expect(found).toEqual([]);
	expect(sim.counters().cdnAuthorizationHeaders).toBe(0);
}

const continueOnFail = { onError: 'continueRegularOutput' as const };

describe.each(['raw', 'encoded'] as const)('generation ids that hold the key (%s)', (form) => {
	const faults: SimulatorFaults = { keyInIds: form };

	it('the in-run wait delivers each video, its id redacted in the row and the file name; the record keeps no id', async () => {
		reset({ faults });
		const written = await run(`id ${form}`, generateParams(), continueOnFail);
		audit(`id holds the key (${form}): in-run wait`, written);
		expect(written.result.status).toBe('success');
		expect(
			sim.generations.every((generation) =>
				generation.id.includes(form === 'raw' ? KEY : encodeURIComponent(KEY)),
			),
		).toBe(true);
		for (const row of written.rows) {
			expect(row.json.status).toBe('completed');
			expect(String(row.json.id)).toContain('[redacted]');
			expect(row.binary?.data?.fileName).toMatch(/^veo-[0-9a-f-]+-redacted-\.mp4$/);
		}
		expect(posts()).toBe(ITEMS);
		// The record says "may exist" for each item (so a retry never buys it again), and holds no id.
		const record = submitRecord(written.result);
		expect(record).toHaveLength(ITEMS);
		for (const entry of record)
			expect(entry).toMatchObject({
				mayExist: true,
				reason: expect.stringContaining("contained your API key's text"),
			});
		expect(written.messages.length).toBeGreaterThan(0);
	});

	it('the durable loop ends each item with a clear failure instead of writing the id into veoWait', async () => {
		reset({ faults });
		const params = {
			...generateParams(),
			waitForCompletion: false,
			splitByState: true,
			loopOptions: { maxWait: 600 },
		};
		const written = await run(`loop ${form}`, params, continueOnFail);
		audit(`id holds the key (${form}): durable loop`, written);
		expect(written.result.items(VEO, 1)).toHaveLength(0);
		const done = written.result.items(VEO, 0);
		expect(done).toHaveLength(ITEMS);
		for (const row of done) {
			expect(row.json).toMatchObject({
				error:
					"The API gave this generation an id that contains your API key's text, so the node cannot hand the id on",
				generationMayExist: true,
			});
			expect(String(row.json.description)).toContain('exists at the API and may be charged');
			expect(String(row.json.description)).toContain('AIML API dashboard');
			expect(String(row.json.description)).toContain('Rotate your API key');
			expect(row.json.veoWait).toBeUndefined();
		}
		expect(posts()).toBe(ITEMS);
	});

	it('without Continue On Fail the durable loop stops with that failure, naming the item', async () => {
		reset({ faults });
		const params = {
			...generateParams(),
			waitForCompletion: false,
			splitByState: true,
			loopOptions: { maxWait: 600 },
		};
		const written = await run(`loop stop ${form}`, params);
		audit(`id holds the key (${form}): durable loop, no Continue On Fail`, written);
		expect(written.result.status).toBe('error');
		expect(written.result.error?.message).toBe(
			"The API gave this generation an id that contains your API key's text, so the node cannot hand the id on [item 0]",
		);
		expect(posts()).toBe(ITEMS);
	});
});

describe('a retry never buys a generation whose id held the key', () => {
	it('Retry On Fail: the other item fails, the node runs 3 times, each item is POSTed once', async () => {
		reset({ faults: { keyInIds: 'raw' } });
		const written = await run('retried', generateParams(), retry, { 1: '[sim:status=expired]' });
		audit('id holds the key: Retry On Fail after another item failed', written);
		expect(written.result.status).toBe('error');
		expect(written.result.runCount(VEO)).toBe(retry.maxTries);
		expect(posts()).toBe(ITEMS);
		expect(written.result.error?.message).toBe(
			"An earlier try of this node in this execution sent this generation and lost the API's answer (the API's generation id contained your API key's text, so the node kept no record of it) [item 0]",
		);
	});

	it('without waiting, the row that would hand the id on fails instead', async () => {
		reset({ faults: { keyInIds: 'raw' } });
		const written = await run(
			'no wait',
			{ ...generateParams(), waitForCompletion: false },
			continueOnFail,
		);
		audit('id holds the key: Wait for Completion off', written);
		for (const row of written.rows)
			expect(row.json.error).toBe(
				"The API gave this generation an id that contains your API key's text, so the node cannot hand the id on",
			);
		expect(posts()).toBe(ITEMS);
	});
});

describe.each(['raw', 'encoded'] as const)('video URLs that hold the key (%s)', (form) => {
	it('are never requested: the item fails as a download failure showing the URL redacted', async () => {
		reset({ faults: { keyInVideoUrls: form } });
		const written = await run(`url ${form}`, generateParams(), continueOnFail);
		audit(`video URL holds the key (${form}): download on`, written);
		expect(cdnRequests()).toBe(0);
		for (const [index, row] of written.rows.entries()) {
			expect(row.json.error).toBe(
				`The video of generation ${sim.generations[index].id} was not downloaded: its URL contains your API key's text, so the node sends no request to it`,
			);
			expect(String(row.json.videoUrl)).toMatch(/\.mp4\?token=\[redacted\]$/);
			expect(String(row.json.description)).toContain(String(row.json.videoUrl));
			expect(row.binary).toBeUndefined();
		}
	});

	it('with Download Video off, the URL is not handed on to be fetched either', async () => {
		reset({ faults: { keyInVideoUrls: form } });
		const written = await run(
			`url off ${form}`,
			{ ...generateParams(), downloadVideo: false },
			continueOnFail,
		);
		audit(`video URL holds the key (${form}): download off`, written);
		expect(cdnRequests()).toBe(0);
		for (const row of written.rows)
			expect(String(row.json.error)).toContain("its URL contains your API key's text");
	});
});

describe('status words and error bodies that hold the key', () => {
	it('progress lines and errors show the key redacted', async () => {
		reset({
			statusNames: { queued: KEY, generating: encodeURIComponent(KEY) },
			faults: {
				echoRequestInErrors: true,
				getFailShare: 0.3,
				getFailStatuses: [500],
				postFailAfterAcceptShare: 0.5,
				postFailAfterAcceptStatus: 500,
			},
		});
		const written = await run('words', generateParams(), continueOnFail);
		audit('status words and error bodies hold the key', written);
		expect(written.messages.some((line) => line.includes('[redacted]'))).toBe(true);
		expect(sim.requests.some((request) => request.status === 500)).toBe(true);
	});
});
