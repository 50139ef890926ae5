/**
 * The durable loop under repeated kills, and what n8n's own Retry of a crashed or failed execution
 * does, in real n8n 2.41.1 queue mode (Postgres, Redis, a main process and two workers, the packed
 * package installed as n8n installs it, the simulator in this process).
 *
 * - A worker SIGKILLed inside a node (the loop's check step, held open by the simulator until the
 *   kill; the in-run wait): n8n saves the execution as `error` with an empty run, and its Retry has
 *   nothing to run; the ids of what was bought are in the worker's log.
 * - The batch that kill lost, recovered by the recoverable example's own branch from the n8n Data
 *   table its loop wrote before the first Wait: every video, no POST, the rows marked delivered.
 * - Retry after a failure in each way of waiting: the POSTs it causes are counted.
 * - The soak (CI): 30 prompts handed on together while a worker is killed and replaced in every
 *   wait and main is killed once, each kill placed when Postgres has the execution saved `waiting`
 *   and Redis holds no Bull job of it; generations end at their third answered check.
 * - The soak on a clock (N8N_E2E_SOAK=1): a worker killed every ~35 s, main once.
 *
 * No outcome is decided by the clock: the kills follow what the simulator, Postgres and Redis
 * showed, or, in the soak on a clock, a schedule whose times the assertions do not read.
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSimulator, type Simulator } from '../simulator';
import * as soak from './rig/soak';
import type { SoakFigures } from './rig/soak';
import {
	buildOnce,
	cache,
	instance,
	queue,
	seconds,
	type DeployedWorkflow,
	type ExecutionRead,
	type QueueRig,
	type QueueWorker,
	type Workflow,
} from './support';

interface DurableWorkflows {
	durableWorkflow(options: { prompts: number; waitSeconds: number; label?: string }): Workflow;
	togetherWorkflow(options: { prompts: number; waitSeconds: number; label?: string }): Workflow;
	inRunWorkflow(options: { prompts: number; pollIntervalS: number; label?: string }): Workflow;
	recoverableWorkflow(options: {
		prompts: number;
		waitSeconds: number;
		olderThanSeconds: number;
		pollIntervalS: number;
		recoverPath: string;
		label?: string;
	}): Workflow;
}
interface TableRow {
	generationId: string;
	execution: string;
	delivered: boolean;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const workflows = require('./rig/durable-workflows.js') as DurableWorkflows;
/* eslint-enable @typescript-eslint/no-require-imports */

const PROMPTS = 4;
/** Over n8n's 65 s, so the Wait node saves the execution and the worker lets go of it. */
const WAIT_S = 66;
/** The soak's batch: the full 30 prompts of the benchmark. */
const SOAK_PROMPTS = 30;
/**
 * The recovery takes records older than this. Each record is written before the loop's first Wait
 * (WAIT_S, longer), and the recovery starts only after the worker was killed past that Wait: the
 * order of events, not a race, makes every record of the lost batch old enough.
 */
const RECOVER_OLDER_THAN_S = 60;
/** The data table the recoverable example writes to, by name. */
const TABLE = 'Veo generations';
/**
 * The placed soak: every generation ends at its third answered check, so the execution is saved
 * waiting three times; the kills of each wait (a worker that ran the last round; main once).
 */
const PLACED_CHECKS = 3;
const PLACED_PLAN: Array<Array<'worker' | 'main'>> = [['worker'], ['worker', 'main'], ['worker']];
const log = (message: string) => process.stdout.write(`[soak] ${message}\n`);

const videosOf = (done: ExecutionRead) =>
	done.runData.Videos
		? queue.nodeItemsAllRuns(done.runData, 'Videos').filter((item) => item.binary?.data)
		: [];

describe('kills, n8n Retry and a soak in n8n 2.41.1 queue mode', () => {
	let rig: QueueRig | undefined;
	let simulator: Simulator;
	let work: string;
	let durable: DeployedWorkflow;
	let inRun: DeployedWorkflow;
	let recoverable: DeployedWorkflow;
	let recovery: DeployedWorkflow;
	let tableRoute: string;
	/** The batch the kill test lost: its execution and the generations it bought. */
	let lost: { execution: string; ids: string[] } | undefined;

	const withTails = (body: (rig: QueueRig) => Promise<void>) => async () => {
		if (!rig) throw new Error('the rig did not start');
		try {
			await body(rig);
		} catch (error) {
			log(`logs:\n${rig.tails()}`);
			throw error;
		}
	};

	/** The live worker running the execution now (from the workers' own job lines). */
	const workerRunning = (running: QueueRig, id: string): QueueWorker => {
		const job = running
			.workerJobs()
			.filter((candidate) => candidate.executionId === id && candidate.outcome === 'unfinished')
			.at(-1);
		const worker = running.workers.find((candidate) => candidate.logFile === job?.logFile);
		if (!worker) throw new Error(`no live worker is running execution ${id}`);
		return worker;
	};

	/** Kills the worker running `id` (inside a node) and starts a replacement. */
	const killInside = async (running: QueueRig, id: string) => {
		await running.killWorker(workerRunning(running, id));
		await running.startWorker();
	};

	/** The generations Generate Video logged as bought, from the workers' logs (the killed one's too; n8n writes JSON lines). */
	const loggedIds = (running: QueueRig) =>
		running
			.workerLogFiles()
			.flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'))
			.map((line) => /Generate Video: item \d+ submitted as generation ([^\s"\\]+)/.exec(line)?.[1])
			.filter((id): id is string => id !== undefined);

	/**
	 * n8n's end of an execution whose worker died inside a node: once the job counts as stalled,
	 * main saves it as `error` with an empty run (no items, no node context). A Retry then has nothing
	 * to run; the bought generations' ids remain in the worker's log.
	 */
	const expectLostThenRetry = async (running: QueueRig, id: string, before: number) => {
		const ended = await running.waitForStatus(id, ['error']);
		log(
			`execution ${id} after its worker was killed: ${ended.status}, saved nodes: [${Object.keys(ended.runData).join(', ')}]`,
		);
		expect(Object.keys(ended.runData)).toEqual([]);
		const { done, bought } = await retry(running, id, false);
		expect(bought).toBe(0);
		expect(Object.keys(done.runData)).toEqual([]);
		const ids = simulator.generations.slice(before, before + PROMPTS).map((g) => g.id);
		expect(loggedIds(running)).toEqual(expect.arrayContaining(ids));
	};

	const retry = async (running: QueueRig, id: string, loadWorkflow: boolean) => {
		const posts = simulator.counters().posts;
		const retried = await soak.retryExecution(running, id, loadWorkflow);
		const done = await running.waitForFinish(retried, 10 * 60_000);
		const bought = simulator.counters().posts - posts;
		log(
			`Retry of ${id} (loadWorkflow ${loadWorkflow}) → execution ${retried}: ${done.status}, ${bought} POSTs, ${videosOf(done).length} videos in Videos`,
		);
		return { done, bought };
	};

	beforeAll(async () => {
		const n8n = cache.ensureN8n2();
		work = instance.tempDir('aimlapi-veo-soak-');
		buildOnce();
		const { tarball } = instance.packPackage(path.join(work, 'pack'));
		simulator = await startSimulator({ progress: { polls: 2 }, balanceUsd: 1_000_000 });
		const step = Date.now();
		// n8n's check for executions whose worker vanished runs every minute here (default: 3 hours).
		rig = await queue.startQueueRig({
			n8n,
			tarball,
			workers: 2,
			concurrency: 2,
			env: { N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1' },
		});
		log(`Postgres + Redis + main + 2 workers ready: ${seconds(step)}`);
		await rig.importCredential({ apiKey: 'sim-test-key', baseUrl: simulator.baseUrl });
		durable = await rig.deployWebhookWorkflow(
			workflows.durableWorkflow({ prompts: PROMPTS, waitSeconds: WAIT_S, label: 'retry' }),
		);
		inRun = await rig.deployWebhookWorkflow(
			workflows.inRunWorkflow({ prompts: PROMPTS, pollIntervalS: 1, label: 'retry-in-run' }),
		);
		// The recoverable example's data table, made as a user makes it (n8n's REST API of the UI).
		const project = (await rig.rest('GET', '/projects/personal')) as { id: string };
		const table = (await rig.rest('POST', `/projects/${project.id}/data-tables`, {
			name: TABLE,
			columns: [
				{ name: 'generationId', type: 'string' },
				{ name: 'execution', type: 'string' },
				{ name: 'delivered', type: 'boolean' },
			],
		})) as { id: string };
		tableRoute = `/projects/${project.id}/data-tables/${table.id}`;
		const workflowId = 'recoverable00001';
		const recoverPath = `recover-${workflowId}`;
		recoverable = await rig.deployWebhookWorkflow(
			workflows.recoverableWorkflow({
				prompts: PROMPTS,
				waitSeconds: WAIT_S,
				olderThanSeconds: RECOVER_OLDER_THAN_S,
				pollIntervalS: 1,
				recoverPath,
				label: 'recoverable',
			}),
			{ id: workflowId },
		);
		await rig.waitForWebhook(recoverPath);
		recovery = { id: workflowId, webhookPath: recoverPath };
	});

	afterAll(async () => {
		await rig?.stop();
		await simulator?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	afterEach(() => simulator.setOptions({ progress: { polls: 2 }, faults: {} }));

	test(
		'a worker killed inside the check step: n8n ends the execution with nothing saved; Retry runs nothing; the ids are in the log',
		withTails(async (running) => {
			const posts = simulator.counters().posts;
			const before = simulator.generations.length;
			// The recoverable example: the same loop, with each generation recorded before the Wait.
			const id = await running.trigger(recoverable);
			await running.waitForStatus(id, ['waiting']);
			// From now on every status check is held open: the resumed check step cannot finish.
			const mark = simulator.requests.length;
			simulator.setOptions({ faults: { getHangShare: 1 } });
			await simulator.whenRequest(
				(request) =>
					request.origin === 'api' &&
					request.method === 'GET' &&
					simulator.requests.indexOf(request) >= mark,
			);
			await killInside(running, id);
			simulator.setOptions({ faults: {} });
			await expectLostThenRetry(running, id, before);
			expect(simulator.counters().posts - posts).toBe(PROMPTS);
			lost = {
				execution: id,
				ids: simulator.generations.slice(before, before + PROMPTS).map((g) => g.id),
			};
		}),
	);

	test(
		'the lost batch recovered from the data table: every video delivered, nothing bought, rows marked delivered',
		withTails(async (running) => {
			if (!lost) throw new Error('the kill test before this one left no lost batch to recover');
			const { execution, ids } = lost;
			const rows = async () =>
				((await running.rest('GET', `${tableRoute}/rows?skip=0&take=100`)) as { data: TableRow[] })
					.data;
			const recorded = (await rows()).filter((row) => ids.includes(row.generationId));
			log(`records of the lost batch before recovery: ${JSON.stringify(recorded)}`);
			expect(recorded.map((row) => row.generationId).sort()).toEqual([...ids].sort());
			for (const row of recorded) {
				expect(row.execution).toBe(execution);
				expect(row.delivered).toBe(false);
			}
			const posts = simulator.counters().posts;
			const started = Date.now();
			const id = await running.trigger(recovery);
			const done = await running.waitForFinish(id, 10 * 60_000);
			const recovered = queue
				.nodeItemsAllRuns(done.runData, 'Recovered videos')
				.filter((item) => item.binary?.data)
				.map((item) => String(item.json.id));
			log(
				`recovery ${id}: ${done.status}, ${recovered.length} videos of ${ids.length} in ${seconds(started)}, ${simulator.counters().posts - posts} POSTs`,
			);
			expect(done.status).toBe('success');
			expect(recovered.sort()).toEqual([...ids].sort());
			expect(simulator.counters().posts - posts).toBe(0);
			const after = (await rows()).filter((row) => ids.includes(row.generationId));
			expect(after).toHaveLength(ids.length);
			for (const row of after) expect(row.delivered).toBe(true);
			expect(simulator.counters().cdnAuthorizationHeaders).toBe(0);
		}),
	);

	test(
		'the in-run wait: a worker killed mid-wait, the same: nothing saved, Retry runs nothing, the ids are in the log',
		withTails(async (running) => {
			simulator.setOptions({ progress: 'manual' });
			const posts = simulator.counters().posts;
			const before = simulator.generations.length;
			const id = await running.trigger(inRun);
			await simulator.whenGenerations(before + PROMPTS);
			await killInside(running, id);
			simulator.advance('all', 'completed');
			simulator.setOptions({ progress: { polls: 2 } });
			await expectLostThenRetry(running, id, before);
			expect(simulator.counters().posts - posts).toBe(PROMPTS);
		}),
	);

	test(
		'the in-run wait: Retry after a failure resumes the accepted generations and buys only the failed one anew',
		withTails(async (running) => {
			simulator.setOptions({ progress: 'manual' });
			const posts = simulator.counters().posts;
			const before = simulator.generations.length;
			const id = await running.trigger(inRun);
			await simulator.whenGenerations(before + PROMPTS);
			const [failing, ...others] = simulator.generations.slice(before);
			simulator.advance(failing.id, 'error');
			for (const other of others) simulator.advance(other.id, 'completed');
			const failed = await running.waitForFinish(id);
			log(`in-run execution ${id} with one failed generation: ${failed.status}`);
			expect(failed.status).toBe('error');
			simulator.setOptions({ progress: { polls: 2 } });
			const { done, bought } = await retry(running, id, false);
			// The failed generation was never charged; the node's saved record forgets it, keeps the rest.
			expect(bought).toBe(1);
			expect(done.status).toBe('success');
			const videos = videosOf(done).map((video) => String(video.json.id));
			expect(videos).toHaveLength(PROMPTS);
			for (const other of others) expect(videos).toContain(other.id);
			expect(videos).not.toContain(failing.id);
			expect(simulator.counters().posts - posts).toBe(PROMPTS + 1);
		}),
	);

	test(
		'the durable loop: Retry after a failure of the check step checks again, buying nothing',
		withTails(async (running) => {
			simulator.setOptions({ progress: 'manual' });
			const posts = simulator.counters().posts;
			const before = simulator.generations.length;
			const id = await running.trigger(durable);
			await running.waitForStatus(id, ['waiting']);
			const [failing, ...others] = simulator.generations.slice(before, before + PROMPTS);
			simulator.advance(failing.id, 'error');
			for (const other of others) simulator.advance(other.id, 'completed');
			const failed = await running.waitForFinish(id, 10 * 60_000);
			log(`durable execution ${id} with one failed generation: ${failed.status}`);
			expect(failed.status).toBe('error');
			const { done, bought } = await retry(running, id, false);
			expect(bought).toBe(0);
			expect(done.status).toBe('error');
			expect(simulator.counters().posts - posts).toBe(PROMPTS);
		}),
	);

	const workerKills = (figures: SoakFigures) =>
		figures.kills.filter((kill) => kill.what !== 'main');
	const mainKills = (figures: SoakFigures) => figures.kills.filter((kill) => kill.what === 'main');

	test(
		`the soak, kills placed by state: ${SOAK_PROMPTS} prompts handed on together, a worker killed and replaced in every wait, main once; every video arrives, one POST each`,
		withTails(async (running) => {
			simulator.setOptions({ progress: { polls: PLACED_CHECKS } });
			const deployed = await running.deployWebhookWorkflow(
				workflows.togetherWorkflow({
					prompts: SOAK_PROMPTS,
					waitSeconds: WAIT_S,
					label: 'placed-soak',
				}),
			);
			const figures = await soak.runPlacedSoak(running, simulator, deployed, {
				plan: PLACED_PLAN,
				log,
			});
			log(`placed soak: ${JSON.stringify(figures)}`);
			expect(figures.unplaced).toEqual([]);
			expect(figures.waits).toBe(PLACED_CHECKS);
			expect(workerKills(figures).length).toBeGreaterThanOrEqual(3);
			expect(mainKills(figures)).toHaveLength(1);
			for (const kill of figures.kills) expect(kill.status).toBe('waiting');
			expect(figures.status).toBe('success');
			expect(figures.videoRuns).toBe(1);
			expect(figures.videos).toBe(SOAK_PROMPTS);
			expect(figures.distinctVideos).toBe(SOAK_PROMPTS);
			expect(figures.posts).toBe(SOAK_PROMPTS);
			expect(figures.cdnKeys).toBe(0);
		}),
	);

	// The soak on a clock: a random kill may land inside a check step, and then the batch is lost
	// (above), so its outcome depends on timing and CI does not run it: N8N_E2E_SOAK=1 runs it here,
	// and `npm run bench:queue -- --soak` runs it with 150 s generations.
	const soakTest = process.env.N8N_E2E_SOAK === '1' ? test : test.skip;
	soakTest(
		`the soak: ${SOAK_PROMPTS} prompts, a worker killed and replaced every ~35 s (3 or more), main killed once`,
		withTails(async (running) => {
			// Each generation finishes at its third answered check: two rounds through the Wait node.
			simulator.setOptions({ progress: { polls: 3 } });
			const deployed = await running.deployWebhookWorkflow(
				workflows.durableWorkflow({ prompts: SOAK_PROMPTS, waitSeconds: WAIT_S, label: 'soak' }),
			);
			const figures = await soak.runSoak(running, simulator, deployed, {
				killEveryMs: 35_000,
				minWorkerKills: 3,
				mainKillAtTick: 2,
				log,
			});
			log(`soak: ${JSON.stringify(figures)}`);
			expect(workerKills(figures).length).toBeGreaterThanOrEqual(3);
			expect(mainKills(figures)).toHaveLength(1);
			expect(figures.status).toBe('success');
			expect(figures.distinctVideos).toBe(SOAK_PROMPTS);
			expect(figures.posts).toBe(SOAK_PROMPTS);
			expect(figures.cdnKeys).toBe(0);
		}),
	);
});
