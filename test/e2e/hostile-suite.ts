/**
 * The node's promises about retries, failed generations, n8n's error output and what the video host
 * sends, proven in a real n8n CLI against the packed package: pack → install as a community package →
 * import the credential and every workflow once → one `n8n execute --id` per case, with the simulator
 * (in this process) switched to the case's statuses and faults just before. Generations finish on
 * their second answered poll (`progress: { polls: 2 }`), so no outcome depends on the wall clock.
 * E2E_HOSTILE_DUMP=<folder> writes each run's CLI output there.
 */
import * as fs from 'fs';
import * as path from 'path';

import {
	loadFixture,
	startSimulator,
	type Simulator,
	type SimulatorCounters,
	type SimulatorOptions,
} from '../simulator';
import { generateParams } from '../engine/workflows';
import {
	buildOnce,
	instance,
	seconds,
	type N8nInstall,
	type RunData,
	type Workflow,
	type WorkflowRun,
} from './support';

/** Long enough for the node's redactor, and unlike any other text of a run. */
const API_KEY = 'sk-hostile-e2e-0f3b9c27d1a84e65';
const VEO = 'AIML API Veo';
const NODE_TYPE = 'n8n-nodes-aimlapi-veo.aimlApiVeo';

const IDS = {
	retryStop: 'e2eHostileRetry01',
	retryContinue: 'e2eHostileRetry02',
	errorOutput: 'e2eHostileErrOut1',
	cdn: 'e2eHostileCdnBody',
	loopBack: 'e2eHostileLoopBk1',
	loopEdited: 'e2eHostileLoopEd1',
	loopDropped: 'e2eHostileLoopDr1',
	budgetLost: 'e2eHostileBudget1',
};

type NodeSettings = Record<string, unknown>;

/** Manual Trigger → Set (the prompts) → Split Out (one item each) → AIML API Veo → NoOp(s). */
function hostileWorkflow(
	name: string,
	prompts: string[],
	settings: NodeSettings,
	errorOutput = false,
): Workflow {
	const id = (n: number) => `b0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
	const noOp = (n: number, nodeName: string, y: number) => ({
		id: id(n),
		name: nodeName,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [880, y],
		parameters: {},
	});
	const link = (node: string) => [{ node, type: 'main', index: 0 }];
	return {
		name,
		nodes: [
			{
				id: id(1),
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: id(2),
				name: 'Prompts',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: {
					mode: 'raw',
					jsonOutput: JSON.stringify({ rows: prompts.map((prompt, index) => ({ index, prompt })) }),
					options: {},
				},
			},
			{
				id: id(3),
				name: 'One item per prompt',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [440, 0],
				parameters: { fieldToSplitOut: 'rows', options: {} },
			},
			{
				id: id(4),
				name: VEO,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [660, 0],
				parameters: generateParams(),
				credentials: { aimlVeoApi: { id: instance.CREDENTIAL_ID, name: 'AIML API account' } },
				...settings,
			},
			...(errorOutput ? [noOp(5, 'Videos', -100), noOp(6, 'Failures', 100)] : [noOp(5, 'Rows', 0)]),
		],
		connections: {
			Start: { main: [link('Prompts')] },
			Prompts: { main: [link('One item per prompt')] },
			'One item per prompt': { main: [link(VEO)] },
			[VEO]: { main: errorOutput ? [link('Videos'), link('Failures')] : [link('Rows')] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const RETRY: NodeSettings = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };
const RETRY_PROMPTS = ['A heron wades at dawn', 'A lynx in fresh snow', 'A koala asleep in a tree'];
/** Max Videos 2 under Continue On Fail, no download: what a budget makes of submits whose answer was lost. */
const BUDGET_LOST: NodeSettings = {
	onError: 'continueRegularOutput',
	parameters: generateParams({ downloadVideo: false, budget: { maxVideos: 2 } }),
};
const BUDGET_PROMPTS = [
	'A crane takes off',
	'A seal on a rock',
	'A moth at a lamp',
	'A bison in fog',
	'A wren on a fence',
];

interface CaseRun {
	run: WorkflowRun;
	/** Everything the CLI printed, log lines included. */
	output: string;
	counters: SimulatorCounters;
	/** The generations the simulator accepted, in order of acceptance (not of items). */
	generations: Array<{ id: string; prompt: string }>;
}

export interface HostileOptions {
	/**
	 * Whether this n8n sends a row shaped `{ error, details }` to the error output. n8n 2.x routes a row
	 * whose JSON holds `error` with nothing but `message` and `details` beside it; n8n 1.123 only routes
	 * `{ error }` or `{ error, message }`, so there the node's failed rows stay on the main output.
	 */
	errorOutputTakesDetails: boolean;
}

/** The run JSON `n8n execute` prints (pretty-printed, so it is the text from a line "{" to the next line "}"). */
function parseRun(stdout: string): WorkflowRun | undefined {
	const start = stdout.search(/^\{/m);
	if (start === -1) return undefined;
	const end = stdout.slice(start).search(/^\}/m);
	try {
		return JSON.parse(stdout.slice(start, end === -1 ? undefined : start + end + 1)) as WorkflowRun;
	} catch {
		return undefined;
	}
}

interface TaskData {
	error?: { message?: string; description?: string };
	data?: { main: Array<RunData[] | null> };
}

function tasksOf(run: WorkflowRun, node: string): TaskData[] {
	const tasks = run.data.resultData.runData[node] as TaskData[] | undefined;
	if (!tasks)
		throw new Error(
			`node "${node}" did not run; nodes that ran: ${Object.keys(run.data.resultData.runData).join(', ')}`,
		);
	return tasks;
}

/** The items a node received, read from what it output (NoOp passes its input on unchanged). */
function outputOf(run: WorkflowRun, node: string, output = 0): RunData[] {
	return tasksOf(run, node)[0].data?.main[output] ?? [];
}

function pairedIndex(row: RunData): number | undefined {
	const paired = Array.isArray(row.pairedItem) ? row.pairedItem[0] : row.pairedItem;
	return paired?.item;
}

/** The byte size of a binary as n8n recorded it: `bytes` where n8n keeps it, else the base64 data of the default mode. */
function binarySize(binary: Record<string, unknown>): number | undefined {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (typeof binary.data === 'string' && binary.data !== 'filesystem-v2' && !binary.id)
		return Buffer.from(binary.data, 'base64').length;
	return undefined;
}

/** The lines of the node's progress log (one per change of its counts, in every try). */
function progressLines(output: string): string[] {
	return output.split('\n').filter((line) => line.startsWith(`${VEO}: `));
}

function promptOf(done: CaseRun, id: unknown): string | undefined {
	return done.generations.find((generation) => generation.id === id)?.prompt;
}

export function describeHostileRun(
	label: string,
	ensureN8n: () => N8nInstall,
	{ errorOutputTakesDetails }: HostileOptions,
	extraEnv: Record<string, string> = {},
): void {
	describe(`retries, statuses, error output and video checks in ${label} (n8n CLI)`, () => {
		let n8n: N8nInstall;
		let simulator: Simulator | undefined;
		let env: NodeJS.ProcessEnv;
		let work: string;
		let userFolder: string;
		const cases = new Map<string, CaseRun>();
		const suiteStart = Date.now();
		const log = (line: string) => process.stdout.write(`[e2e hostile ${label}] ${line}\n`);

		/** Resets the simulator to the case's knobs, runs the workflow once and keeps what happened. */
		const execute = async (
			caseName: string,
			workflowId: string,
			options: Partial<SimulatorOptions>,
		): Promise<CaseRun> => {
			const sim = simulator as Simulator;
			sim.setOptions({
				progress: { polls: 2 },
				statusNames: undefined,
				faults: undefined,
				...options,
			});
			sim.reset();
			const result = await instance.runCli(n8n, env, [
				'execute',
				`--id=${workflowId}`,
				'--rawOutput',
			]);
			const run = parseRun(result.stdout);
			if (!run) {
				throw new Error(
					`n8n execute --id=${workflowId} printed no run (exit ${result.status})\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
				);
			}
			const done: CaseRun = {
				run,
				output: `${result.stdout}\n${result.stderr}`,
				counters: sim.counters(),
				generations: sim.generations.map(({ id, prompt }) => ({ id, prompt })),
			};
			cases.set(caseName, done);
			log(
				`execute ${caseName}: ${result.seconds.toFixed(1)} s, status ${run.status}, ${done.counters.posts} POSTs, ${done.counters.cdnRequests} CDN requests`,
			);
			if (process.env.E2E_HOSTILE_DUMP)
				fs.writeFileSync(
					path.join(process.env.E2E_HOSTILE_DUMP, `${label.replace(/\W+/g, '-')}-${caseName}.txt`),
					done.output,
				);
			return done;
		};

		beforeAll(async () => {
			n8n = ensureN8n();
			log(
				`n8n ${n8n.version} ${n8n.cached ? 'from the cache' : `installed in ${n8n.seconds.toFixed(0)} s`}`,
			);
			work = instance.tempDir('aimlapi-veo-hostile-');
			let step = Date.now();
			buildOnce();
			const { tarball, report } = instance.packPackage(path.join(work, 'pack'));
			userFolder = path.join(work, 'user');
			const installed = instance.installIntoUserFolder(userFolder, tarball, n8n.nodeBinDir);
			expect(fs.existsSync(path.join(installed.packageDir, 'package.json'))).toBe(true);
			log(`build + pack (${report.size} bytes) + install: ${seconds(step)}`);

			simulator = await startSimulator({ apiKey: API_KEY, progress: { polls: 2 } });
			env = instance.n8nEnv(n8n, userFolder, {
				N8N_RUNNERS_BROKER_PORT: String(await instance.freePort()),
				...extraEnv,
			});
			step = Date.now();
			await instance.importCredential(n8n, env, work, {
				apiKey: API_KEY,
				baseUrl: simulator.baseUrl,
			});
			const workflows = path.join(work, 'workflows');
			fs.mkdirSync(workflows);
			const write = (id: string, workflow: Workflow) =>
				fs.writeFileSync(
					path.join(workflows, `${id}.json`),
					JSON.stringify({ ...workflow, id, active: false }, null, '\t'),
				);
			write(IDS.retryStop, hostileWorkflow('Hostile: Retry On Fail, stop', RETRY_PROMPTS, RETRY));
			write(
				IDS.retryContinue,
				hostileWorkflow('Hostile: Retry On Fail, continue', RETRY_PROMPTS, {
					...RETRY,
					onError: 'continueRegularOutput',
				}),
			);
			write(
				IDS.errorOutput,
				hostileWorkflow(
					'Hostile: error output',
					[
						'An otter floats',
						'A badger digs [sim:error]',
						'A gecko climbs',
						'A walrus yawns [sim:error]',
					],
					{ onError: 'continueErrorOutput' },
					true,
				),
			);
			write(
				IDS.cdn,
				hostileWorkflow('Hostile: what the video host sends', ['A panda eats bamboo'], {
					onError: 'continueRegularOutput',
				}),
			);
			for (const [id, workflow] of durableTrapWorkflows()) write(id, workflow);
			write(
				IDS.budgetLost,
				hostileWorkflow('Hostile: a budget and lost submit answers', BUDGET_PROMPTS, BUDGET_LOST),
			);
			await instance.importWorkflows(n8n, env, workflows);
			log(`import credential + workflows: ${seconds(step)}`);
		});

		afterAll(async () => {
			await simulator?.close();
			if (work) fs.rmSync(work, { recursive: true, force: true });
			log(`suite wall time: ${seconds(suiteStart)}`);
		});

		test('Retry On Fail, no Continue: a submit answered 500 after acceptance is never sent again; the execution fails saying so', async () => {
			const done = await execute('retry-stop', IDS.retryStop, {
				faults: { postFailAfterAcceptShare: 1, postFailAfterAcceptStatus: 500 },
			});
			const { run, counters, generations, output } = done;
			expect(run.status).toBe('error');
			// one POST per item, all in the first try; n8n's two retries sent nothing
			expect(counters.posts).toBe(3);
			expect(counters.postsAccepted).toBe(3);
			expect(generations).toHaveLength(3);
			const tries = progressLines(output);
			expect(tries.filter((line) => line.includes('3 waiting to submit'))).toHaveLength(1);
			expect(
				tries.filter((line) => line.includes('0 waiting to submit, 3 failed (of 3)')),
			).toHaveLength(3);
			const error = run.data.resultData.error as
				{ message?: string; description?: string } | undefined;
			expect(error).toBeDefined();
			const text = `${error?.message ?? ''}\n${error?.description ?? ''}`;
			expect(text).toMatch(/may have accepted/i);
			expect(text).toContain('did not send the request again');
			// n8n keeps one task for the node, the last try's
			const tasks = tasksOf(run, VEO);
			expect(tasks).toHaveLength(1);
			expect(`${tasks[0].error?.message ?? ''}\n${tasks[0].error?.description ?? ''}`).toContain(
				'did not send the request again',
			);
			expect(run.data.resultData.runData.Rows).toBeUndefined();
		});

		test('Retry On Fail with Continue: n8n re-runs the node on its error rows; still one POST per item, 3 rows with generationMayExist', async () => {
			const { run, counters, generations, output } = await execute(
				'retry-continue',
				IDS.retryContinue,
				{
					faults: { postFailAfterAcceptShare: 1, postFailAfterAcceptStatus: 500 },
				},
			);
			expect(run.status).toBe('success');
			expect(counters.posts).toBe(3);
			expect(generations).toHaveLength(3);
			// n8n ran the node 3 times (its first row was an error row each time): each try logged its
			// end, only the first had anything to submit. n8n's run data keeps the last try alone.
			const tries = progressLines(output);
			expect(tries.filter((line) => line.includes('3 waiting to submit'))).toHaveLength(1);
			expect(
				tries.filter((line) => line.includes('0 waiting to submit, 3 failed (of 3)')),
			).toHaveLength(3);
			expect(tasksOf(run, VEO)).toHaveLength(1);
			const rows = outputOf(run, VEO);
			expect(rows).toHaveLength(3);
			rows.forEach((row, index) => {
				expect(row.json.generationMayExist).toBe(true);
				expect(String(row.json.error)).toContain('lost the API');
				expect(String(row.json.description)).toContain('did not send the request again');
				expect(row.binary).toBeUndefined();
				expect(pairedIndex(row)).toBe(index);
			});
			expect(outputOf(run, 'Rows')).toHaveLength(3);
		});

		const errorOutputTitle = errorOutputTakesDetails
			? 'Continue (using error output): videos leave by output 0, failed items by output 1, paired with their items'
			: 'Continue (using error output): this n8n keeps the failed rows ({ error, details }) on output 0; its error output stays empty';
		test(errorOutputTitle, async () => {
			const done = await execute('error-output', IDS.errorOutput, {});
			const { run, counters } = done;
			expect(run.status).toBe('success');
			expect(counters.posts).toBe(4);
			const checkFailure = (row: RunData) => {
				const details = row.json.details as { id?: string } | undefined;
				expect(typeof details?.id).toBe('string');
				expect(promptOf(done, details?.id)).toContain('[sim:error]');
				expect(String(row.json.error)).toContain(`Generation ${details?.id as string} failed`);
				expect(row.binary).toBeUndefined();
			};
			const success = outputOf(run, VEO, 0);
			const errors = outputOf(run, VEO, 1);
			if (!errorOutputTakesDetails) {
				expect(success.map(pairedIndex)).toEqual([0, 1, 2, 3]);
				expect(errors).toEqual([]);
				[success[1], success[3]].forEach(checkFailure);
				for (const row of [success[0], success[2]])
					expect(row.binary?.data?.mimeType).toBe('video/mp4');
				expect(outputOf(run, 'Videos')).toHaveLength(4);
				expect(run.data.resultData.runData.Failures).toBeUndefined();
				return;
			}
			const videos = outputOf(run, 'Videos');
			expect(videos).toHaveLength(2);
			for (const row of videos) {
				expect(row.json.error).toBeUndefined();
				expect(row.binary?.data?.mimeType).toBe('video/mp4');
			}
			const failures = outputOf(run, 'Failures');
			expect(failures).toHaveLength(2);
			failures.forEach(checkFailure);
			// n8n adds the input item's fields to an error-output row
			expect(failures.map((row) => row.json.index)).toEqual([1, 3]);
			// the node's own outputs, as n8n recorded them: each row paired with its input item
			expect(success.map(pairedIndex)).toEqual([0, 2]);
			expect(errors.map(pairedIndex)).toEqual([1, 3]);
		});

		test("a gzip-encoded video arrives whole: the binary has the fixture's size", async () => {
			const { run, counters } = await execute('cdn-gzip', IDS.cdn, { faults: { cdnGzip: true } });
			expect(run.status).toBe('success');
			expect(counters.posts).toBe(1);
			const rows = outputOf(run, VEO);
			expect(rows).toHaveLength(1);
			expect(rows[0].json.error).toBeUndefined();
			const binary = rows[0].binary?.data as unknown as Record<string, unknown> | undefined;
			expect(binary?.mimeType).toBe('video/mp4');
			expect(binarySize(binary ?? {})).toBe(loadFixture().length);
		});

		test('the video host never received the API key, and no run printed it', () => {
			expect(cases.size).toBe(4);
			let cdnRequests = 0;
			for (const [name, done] of cases) {
				expect({ name, cdnAuthorizationHeaders: done.counters.cdnAuthorizationHeaders }).toEqual({
					name,
					cdnAuthorizationHeaders: 0,
				});
				expect({ name, keyInRun: JSON.stringify(done.run).includes(API_KEY) }).toEqual({
					name,
					keyInRun: false,
				});
				expect({ name, keyInOutput: done.output.includes(API_KEY) }).toEqual({
					name,
					keyInOutput: false,
				});
				cdnRequests += done.counters.cdnRequests;
			}
			// two videos of the error-output case, one of the gzip case
			expect(cdnRequests).toBeGreaterThanOrEqual(3);
		});

		// The durable loop wired or edited carelessly. Generations never finish here (progress 'manual'),
		// so only the node's own rules can end each loop.
		const loopRun = async (caseName: string, workflowId: string) => {
			const done = await execute(caseName, workflowId, { progress: 'manual' });
			expect(done.output).not.toContain(API_KEY);
			expect(JSON.stringify(done.run)).not.toContain(API_KEY);
			return done;
		};

		test('Running wired through a 1 s Wait back into Generate Video: one POST, the item refused naming veoWait and the generation', async () => {
			const { run, counters, generations } = await loopRun('loop-back', IDS.loopBack);
			expect(counters.posts).toBe(1);
			expect(generations).toHaveLength(1);
			expect(run.status).toBe('error');
			expect(tasksOf(run, 'Wait')).toHaveLength(1);
			const error = run.data.resultData.error as
				{ message?: string; description?: string } | undefined;
			const text = `${error?.message ?? ''}\n${error?.description ?? ''}`;
			expect(text).toContain(
				`This item is the Running row of generation ${generations[0].id} (it carries veoWait), which keeps running at the API`,
			);
			expect(text).toContain('not back into Generate Video');
		});

		test('a Set node that moves veoWait.deadline to the year 9999: refused before any GET, naming veoWait', async () => {
			const { run, counters } = await loopRun('loop-edited', IDS.loopEdited);
			expect(counters.posts).toBe(1);
			expect(counters.gets).toBe(0);
			expect(run.status).toBe('error');
			const error = run.data.resultData.error as
				{ message?: string; description?: string } | undefined;
			expect(error?.message).toContain("The item's veoWait is not the loop state this node wrote");
			expect(error?.message).toContain('a loop lasts at most 86400 s');
			expect(error?.description).toContain('Field: veoWait');
		});

		test('a Set node that drops veoWait every round (Wait 1 s, Max Wait 3 s): the loop ends by the first deadline Check Generations gave it', async () => {
			const { run, counters, generations } = await loopRun('loop-dropped', IDS.loopDropped);
			expect(run.status).toBe('success');
			expect(counters.posts).toBe(1);
			// Every round waits 1 s at least, and the first check sets a deadline 3 s later: 2 to 4 checks.
			const rounds = tasksOf(run, 'Check Generations').length;
			log(`loop-dropped: ${rounds} checks, ${counters.gets} GETs before the loop ended`);
			expect(rounds).toBeGreaterThanOrEqual(2);
			expect(rounds).toBeLessThanOrEqual(4);
			expect(counters.gets).toBe(rounds);
			const ended = outputOf(run, 'Ended');
			expect(ended).toHaveLength(1);
			expect(String(ended[0].json.error)).toContain(
				`Generation ${generations[0].id} did not finish within "Max Wait"`,
			);
		});

		test('an API that puts the key into ids, video URLs and status words: no URL fetched, nothing bought twice, the key nowhere in the run or the log', async () => {
			const { run, counters, output } = await execute('key-echo', IDS.retryContinue, {
				statusNames: { queued: API_KEY },
				faults: { keyInIds: 'raw', keyInVideoUrls: 'raw' },
			});
			expect(run.status).toBe('success');
			// The first try's videos were not fetched (their URLs hold the key), so its rows were errors and
			// n8n ran the node again; the retries found "may exist" in the record and sent nothing.
			expect(counters.posts).toBe(3);
			expect(counters.cdnRequests).toBe(0);
			const tries = progressLines(output);
			expect(tries.filter((line) => line.includes('3 waiting to submit'))).toHaveLength(1);
			expect(tries.some((line) => line.includes('[redacted]'))).toBe(true);
			const rows = outputOf(run, VEO);
			expect(rows).toHaveLength(3);
			for (const row of rows) {
				expect(row.json.generationMayExist).toBe(true);
				expect(String(row.json.error)).toContain("generation id contained your API key's text");
			}
			expect(JSON.stringify(run).includes(API_KEY)).toBe(false);
			expect(output.includes(API_KEY)).toBe(false);
		});

		test('Budget: Max Videos 2, 5 prompts, Continue On Fail, every submit accepted then answered 500: 2 POSTs, 5 rows, totals say 2 possibly accepted', async () => {
			const { run, counters, generations, output } = await execute('budget-lost', IDS.budgetLost, {
				faults: { postFailAfterAcceptShare: 1, postFailAfterAcceptStatus: 500 },
			});
			expect(run.status).toBe('success');
			expect(counters.posts).toBe(2);
			expect(generations).toHaveLength(2);
			const rows = outputOf(run, VEO);
			expect(rows).toHaveLength(5);
			rows.forEach((row, index) => expect(pairedIndex(row)).toBe(index));
			expect(rows.slice(0, 2).map((row) => row.json.generationMayExist)).toEqual([true, true]);
			for (const row of rows.slice(2))
				expect(row.json.error).toBe(
					"Not submitted: this execution's budget of 2 videos was reached; nothing was charged for this item",
				);
			for (const row of rows) {
				expect(row.json.runTotals).toEqual({
					videos: 0,
					credits: 0,
					usd: 0,
					costNotReported: 0,
					possiblyAccepted: 2,
					notSubmittedForBudget: 3,
				});
			}
			expect(progressLines(output).at(-1)).toContain(
				'on 0 videos, 2 more possibly accepted (answer lost) of a budget of 2 videos',
			);
			expect(JSON.stringify(run)).not.toContain(API_KEY);
			expect(output).not.toContain(API_KEY);
		});
	});
}

/**
 * Workflows of the durable loop's traps: Running wired back into Generate Video through a 1 s Wait;
 * a Set node that edits `veoWait` between Running and Check Generations; a Set node that keeps only
 * the id, every round, in a loop whose Check Generations has Max Wait 3 s.
 */
function durableTrapWorkflows(): Array<[string, Workflow]> {
	const id = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
	const credentials = { aimlVeoApi: { id: instance.CREDENTIAL_ID, name: 'AIML API account' } };
	const link = (...nodes: string[]) =>
		nodes.map((node) => (node ? [{ node, type: 'main', index: 0 }] : []));
	const split = { waitForCompletion: false, splitByState: true, downloadVideo: false };
	const { waitOptions: _unused, ...generate } = generateParams({
		prompt: "={{ $('One item per prompt').item.json.prompt }}",
	});
	const base = (
		name: string,
		extra: Workflow['nodes'],
		connections: Workflow['connections'],
	): Workflow => ({
		name,
		nodes: [
			{
				id: id(1),
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: id(2),
				name: 'Prompts',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: {
					mode: 'raw',
					jsonOutput: JSON.stringify({ rows: [{ prompt: 'A heron wades at dawn' }] }),
					options: {},
				},
			},
			{
				id: id(3),
				name: 'One item per prompt',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [440, 0],
				parameters: { fieldToSplitOut: 'rows', options: {} },
			},
			{
				id: id(4),
				name: VEO,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [660, 0],
				parameters: { ...generate, ...split, loopOptions: { maxWait: 600 } },
				credentials,
			},
			{
				id: id(5),
				name: 'Wait',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [880, 200],
				parameters: { resume: 'timeInterval', amount: 1, unit: 'seconds' },
				webhookId: id(50),
			},
			{
				id: id(6),
				name: 'Videos',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [880, 0],
				parameters: {},
			},
			...extra,
		],
		connections: {
			Start: { main: link('Prompts') },
			Prompts: { main: link('One item per prompt') },
			'One item per prompt': { main: link(VEO) },
			...connections,
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	});
	const set = (n: number, name: string, parameters: Record<string, unknown>) => ({
		id: id(n),
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [1100, 200],
		parameters: { mode: 'manual', ...parameters, options: {} },
	});
	const check = (loopOptions: Record<string, unknown>, settings: NodeSettings = {}) => ({
		id: id(8),
		name: 'Check Generations',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [1320, 200],
		parameters: { operation: 'get', generationId: '={{ $json.id }}', ...split, loopOptions },
		credentials,
		...settings,
	});
	const ended = {
		id: id(9),
		name: 'Ended',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [1540, 0],
		parameters: {},
	};
	const assignment = (name: string, value: string) => ({ id: id(70), name, value, type: 'string' });
	return [
		[
			IDS.loopBack,
			base('Hostile: Running wired back into Generate Video', [], {
				[VEO]: { main: link('Videos', 'Wait') },
				Wait: { main: link(VEO) },
			}),
		],
		[
			IDS.loopEdited,
			base(
				'Hostile: veoWait edited on the way round',
				[
					set(7, 'Edit veoWait', {
						assignments: {
							assignments: [assignment('veoWait.deadline', '9999-12-31T23:59:59.000Z')],
						},
						includeOtherFields: true,
					}),
					check({ maxWait: 600 }),
					ended,
				],
				{
					[VEO]: { main: link('Videos', 'Edit veoWait') },
					'Edit veoWait': { main: link('Check Generations') },
					'Check Generations': { main: link('Ended') },
				},
			),
		],
		[
			IDS.loopDropped,
			base(
				'Hostile: veoWait dropped every round',
				[
					set(7, 'Keep only id', {
						assignments: { assignments: [assignment('id', '={{ $json.id }}')] },
						includeOtherFields: false,
					}),
					check({ maxWait: 3 }, { onError: 'continueRegularOutput' }),
					ended,
				],
				{
					[VEO]: { main: link('Videos', 'Wait') },
					Wait: { main: link('Keep only id') },
					'Keep only id': { main: link('Check Generations') },
					'Check Generations': { main: link('Ended', 'Wait') },
				},
			),
		],
	];
}
