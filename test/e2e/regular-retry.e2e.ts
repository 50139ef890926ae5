/**
 * What n8n's own Retry (the executions list's, `POST /rest/executions/:id/retry`, with the original
 * workflow and with the current one) does to generations already bought, in real n8n 2.41.1
 * regular mode: one `n8n start` process on its default SQLite database, the packed package installed
 * as n8n installs it, the simulator in this process.
 *
 * - After a crash: the n8n process SIGKILLed while (a) the in-run wait runs, (b) the durable loop's
 *   check step runs (the simulator holds its status check open until the kill), (c) the durable loop
 *   waits at its Wait node; then n8n started again on the same folder.
 * - After a failure: a generation fails and the node stops the workflow, in the in-run wait and in
 *   the durable loop.
 *
 * One n8n instance and one kill serve every crash case. No outcome is decided by the clock: the kill
 * follows what the simulator saw, and generations end when the test says so.
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSimulator, type Simulator } from '../simulator';
import {
	buildOnce,
	cache,
	instance,
	queue,
	seconds,
	type DeployedWorkflow,
	type ExecutionRead,
	type QueueRig,
	type Workflow,
} from './support';

interface DurableWorkflows {
	durableWorkflow(options: { prompts: number; waitSeconds: number; label?: string }): Workflow;
	inRunWorkflow(options: { prompts: number; pollIntervalS: number; label?: string }): Workflow;
}
interface RegularRig extends QueueRig {
	mainLogFiles(): string[];
	deployWebhookWorkflows(workflows: Workflow[]): Promise<DeployedWorkflow[]>;
}
interface RegularModule {
	startRegularRig(options: {
		n8n: ReturnType<typeof cache.ensureN8n2>;
		tarball?: string;
		env?: Record<string, string>;
	}): Promise<RegularRig>;
}
interface SoakModule {
	retryExecution(rig: QueueRig, executionId: string, loadWorkflow: boolean): Promise<string>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const workflows = require('./rig/durable-workflows.js') as DurableWorkflows;
const regular = require('./rig/regular-mode.js') as RegularModule;
const soak = require('./rig/soak.js') as SoakModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const PROMPTS = 4;
/**
 * Every Wait is over n8n's 65 s, so n8n saves the execution as waiting. The durable loop that fails
 * resumes first, the one killed in its check step next, the one killed while waiting after n8n has
 * started again (the restart must take under about 90 s; the test says so when it did not).
 */
const WAIT_FAILING_S = 66;
const WAIT_CHECK_S = 80;
const WAIT_WAITING_S = 170;
const log = (message: string) => process.stdout.write(`[regular-retry] ${message}\n`);

const videosOf = (done: ExecutionRead) =>
	done.runData.Videos
		? queue.nodeItemsAllRuns(done.runData, 'Videos').filter((item) => item.binary?.data)
		: [];
const savedNodes = (read: ExecutionRead) => Object.keys(read.runData).join(', ');

interface Retried {
	status: string;
	bought: number;
	videos: number;
	nodes: string;
}

/** One execution of the crash round: its id and the generations it bought before the kill. */
interface Victim {
	id: string;
	generations: string[];
	afterRestart?: ExecutionRead;
	/** When n8n answered again after the kill (epoch ms). */
	restartedAt?: number;
}

describe('n8n Retry after a crash and after a failure in n8n 2.41.1 regular mode (SQLite)', () => {
	let rig: RegularRig | undefined;
	let simulator: Simulator;
	let work: string;
	const deployed: Record<'inRun' | 'failing' | 'check' | 'waiting', DeployedWorkflow> = {} as never;
	const crash: Partial<Record<'inRun' | 'check' | 'waiting' | 'failing', Victim>> = {};

	const withTails = (body: (rig: RegularRig) => Promise<void>) => async () => {
		if (!rig) throw new Error('the rig did not start');
		try {
			await body(rig);
		} catch (error) {
			log(`logs:\n${rig.tails()}`);
			throw error;
		}
	};

	const retry = async (
		running: RegularRig,
		id: string,
		loadWorkflow: boolean,
	): Promise<Retried> => {
		const posts = simulator.counters().posts;
		const retried = await soak.retryExecution(running, id, loadWorkflow);
		const done = await running.waitForFinish(retried, 5 * 60_000);
		const result = {
			status: done.status,
			bought: simulator.counters().posts - posts,
			videos: videosOf(done).length,
			nodes: savedNodes(done),
		};
		log(`Retry of ${id} (loadWorkflow ${loadWorkflow}) → ${retried}: ${JSON.stringify(result)}`);
		return result;
	};

	/** Triggers a workflow and returns the execution with the generations it bought (all PROMPTS of them). */
	const start = async (running: RegularRig, workflow: DeployedWorkflow, until?: string) => {
		const before = simulator.generations.length;
		const id = await running.trigger(workflow);
		if (until) await running.waitForStatus(id, [until]);
		await simulator.whenGenerations(before + PROMPTS);
		const generations = simulator.generations.slice(before, before + PROMPTS).map((g) => g.id);
		return { id, generations };
	};

	/** What a request asks for: its path and query, decoded (an id's ':' travels as %3A). */
	const asked = (request: { path: string; query: string }) =>
		decodeURIComponent(`${request.path}?${request.query}`);

	const checked = (ids: string[], from = 0) =>
		simulator.requests
			.slice(from)
			.some(
				(request) =>
					request.origin === 'api' &&
					request.method === 'GET' &&
					ids.some((id) => asked(request).includes(id)),
			);

	/** The generations the node logged as bought, from every n8n log (the killed process's too). */
	const loggedIds = (running: RegularRig) =>
		running
			.mainLogFiles()
			.flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'))
			.map((line) => /Generate Video: item \d+ submitted as generation ([^\s"\\]+)/.exec(line)?.[1])
			.filter((id): id is string => id !== undefined);

	beforeAll(async () => {
		const n8n = cache.ensureN8n2();
		work = instance.tempDir('aimlapi-veo-regular-retry-');
		const built = Date.now();
		buildOnce();
		const { tarball } = instance.packPackage(path.join(work, 'pack'));
		log(`build and pack: ${seconds(built)}`);
		simulator = await startSimulator({ progress: 'manual', balanceUsd: 1_000_000 });
		let step = Date.now();
		rig = await regular.startRegularRig({ n8n, tarball });
		log(`n8n start (SQLite) ready: ${seconds(step)}`);
		step = Date.now();
		await rig.importCredential({ apiKey: 'sim-test-key', baseUrl: simulator.baseUrl });
		const durable = (label: string, waitSeconds: number) =>
			workflows.durableWorkflow({ prompts: PROMPTS, waitSeconds, label });
		[deployed.inRun, deployed.failing, deployed.check, deployed.waiting] =
			await rig.deployWebhookWorkflows([
				workflows.inRunWorkflow({ prompts: PROMPTS, pollIntervalS: 1, label: 'regular-in-run' }),
				durable('regular-fail', WAIT_FAILING_S),
				durable('regular-check', WAIT_CHECK_S),
				durable('regular-wait', WAIT_WAITING_S),
			]);
		log(`credential and 4 workflows deployed: ${seconds(step)}`);
	});

	afterAll(async () => {
		await rig?.stop();
		await simulator?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	test(
		'the in-run wait, after a failure: Retry resumes the accepted generations and buys only the failed one anew',
		withTails(async (running) => {
			simulator.setOptions({ progress: 'manual' });
			const { id, generations } = await start(running, deployed.inRun);
			const [failing, ...others] = generations;
			simulator.advance(failing, 'error');
			for (const other of others) simulator.advance(other, 'completed');
			const failed = await running.waitForFinish(id);
			log(`in-run ${id} with a failed generation: ${failed.status}; saved: ${savedNodes(failed)}`);
			expect(failed.status).toBe('error');
			simulator.setOptions({ progress: { polls: 2 } });
			const original = await retry(running, id, false);
			expect(original).toMatchObject({ status: 'success', bought: 1, videos: PROMPTS });
			const current = await retry(running, id, true);
			expect(current).toMatchObject({ status: 'success', bought: 1, videos: PROMPTS });
		}),
	);

	test(
		'one kill of n8n while an in-run wait and a check step run and a loop waits; then n8n starts again',
		withTails(async (running) => {
			simulator.setOptions({ progress: 'manual', faults: {} });
			// The loop that fails: its check ends the workflow before the kill.
			crash.failing = await start(running, deployed.failing, 'waiting');
			const [failing, ...others] = crash.failing.generations;
			simulator.advance(failing, 'error');
			for (const other of others) simulator.advance(other, 'completed');
			crash.check = await start(running, deployed.check, 'waiting');
			crash.waiting = await start(running, deployed.waiting, 'waiting');
			crash.inRun = await start(running, deployed.inRun);
			const failed = await running.waitForFinish(crash.failing.id, 5 * 60_000);
			log(`durable ${crash.failing.id} with a failed generation: ${failed.status}`);
			// From now on every status check is held open: the check step that resumes next cannot end.
			const mark = simulator.requests.length;
			simulator.setOptions({ faults: { getHangShare: 1 } });
			const { check, waiting } = crash;
			await simulator.whenRequest(
				(request) =>
					simulator.requests.indexOf(request) >= mark &&
					request.method === 'GET' &&
					check.generations.some((g) => asked(request).includes(g)),
			);
			// The loop that waits was not resumed yet: it is killed at its Wait node.
			expect(checked(waiting.generations)).toBe(false);
			const step = Date.now();
			await running.killMain();
			simulator.setOptions({ faults: {} });
			await running.startMain();
			const restartedAt = Date.now();
			log(`n8n killed and started again: ${seconds(step)}`);
			for (const victim of [crash.inRun, check, waiting]) {
				victim.afterRestart = await running.readExecution(victim.id);
				victim.restartedAt = restartedAt;
				log(
					`${victim.id} after the restart: ${victim.afterRestart.status}; saved: ${savedNodes(victim.afterRestart)}`,
				);
			}
			// Every generation bought before the kill is in n8n's log (the killed process's).
			const logged = loggedIds(running);
			for (const victim of [crash.inRun, check, waiting])
				expect(logged).toEqual(expect.arrayContaining(victim.generations));
			simulator.advance('all', 'completed');
			simulator.setOptions({ progress: { polls: 2 } });
		}),
	);

	const victim = (name: keyof typeof crash): Victim => {
		const found = crash[name];
		if (!found || (name !== 'failing' && !found.afterRestart))
			throw new Error('the crash round did not run');
		return found;
	};

	test(
		'(a) the in-run wait killed: n8n marks it crashed; Retry runs it from the start and buys every video again',
		withTails(async (running) => {
			const { id, afterRestart } = victim('inRun');
			expect(afterRestart?.status).toBe('crashed');
			const original = await retry(running, id, false);
			expect(original).toMatchObject({ status: 'success', bought: PROMPTS, videos: PROMPTS });
			const current = await retry(running, id, true);
			expect(current).toMatchObject({ status: 'success', bought: PROMPTS, videos: PROMPTS });
		}),
	);

	test(
		'(b) the check step killed: n8n marks it crashed; Retry resumes the check from the saved items, buying nothing',
		withTails(async (running) => {
			const { id, afterRestart } = victim('check');
			expect(afterRestart?.status).toBe('crashed');
			const original = await retry(running, id, false);
			expect(original).toMatchObject({ status: 'success', bought: 0, videos: PROMPTS });
			const current = await retry(running, id, true);
			expect(current).toMatchObject({ status: 'success', bought: 0, videos: PROMPTS });
		}),
	);

	test(
		'(c) the loop killed while it waits: n8n resumes it after the restart, nothing to retry',
		withTails(async (running) => {
			const { id, afterRestart, restartedAt } = victim('waiting');
			// A Wait that ran out while n8n was down is another case: n8n resumes it while it starts, and
			// its crash recovery, which runs then too, may mark it crashed (seen once). Not measured here.
			const waitTill = Date.parse(String(afterRestart?.execution.waitTill));
			if (!(waitTill > (restartedAt ?? Infinity)))
				throw new Error(
					`n8n took longer to start again than the Wait had left (waitTill ${String(afterRestart?.execution.waitTill)}); raise WAIT_WAITING_S`,
				);
			expect(afterRestart?.status).toBe('waiting');
			const posts = simulator.counters().posts;
			const done = await running.waitForFinish(id, 5 * 60_000);
			log(`${id} resumed after the restart: ${done.status}, ${videosOf(done).length} videos`);
			expect(done.status).toBe('success');
			expect(videosOf(done)).toHaveLength(PROMPTS);
			expect(simulator.counters().posts - posts).toBe(0);
			await expect(soak.retryExecution(running, id, false)).rejects.toThrow(/409/);
		}),
	);

	test(
		'the durable loop, after a failure: Retry checks the same generations again, buying nothing',
		withTails(async (running) => {
			const { id } = victim('failing');
			const failed = await running.readExecution(id);
			expect(failed.status).toBe('error');
			const original = await retry(running, id, false);
			expect(original).toMatchObject({ status: 'error', bought: 0, videos: 0 });
			const current = await retry(running, id, true);
			expect(current).toMatchObject({ status: 'error', bought: 0, videos: 0 });
		}),
	);
});
