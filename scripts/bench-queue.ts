/**
 * Benchmark in real n8n 2.41.1 queue mode (Postgres, Redis, main + ONE worker with concurrency 1):
 * E executions of one video each, generation time T, run once with the in-run wait and once with
 * the durable loop, side by side in one run. Prints wall time (first trigger to last execution
 * stopped) and the worker time held per video, from the worker's own "started/finished execution"
 * log lines. The in-run wait holds the only worker slot for each whole generation, so it takes
 * about E × T; the durable loop lets go of the worker at the Wait node.
 *
 *   npm run bench          (runs this after the engine benchmark; `npm run bench:queue` alone),
 *   then the soak (scripts/bench-soak.ts)
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import type { Simulator } from '../test/simulator';
import { startSimulator } from '../test/simulator';
import { soakBenchmark } from './bench-soak';

const E = 20;
const T_MS = 20_000;
const POLL_S = 5;
/** The shortest wait n8n persists (over 65 s). */
const WAIT_S = 66;

const REPO_ROOT = resolve(__dirname, '..', '..');
/* eslint-disable @typescript-eslint/no-require-imports */
const cache = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'n8n-cache.js'));
const instance = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'n8n-instance.js'));
const queue = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'queue-mode.js'));
const workflows = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'durable-workflows.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

interface Rig {
	deployWebhookWorkflow(workflow: unknown): Promise<unknown>;
	trigger(deployed: unknown): Promise<string>;
	waitForFinish(
		id: string,
		timeoutMs?: number,
	): Promise<{
		status: string;
		runData: Record<string, unknown>;
		execution: { stoppedAt?: string };
	}>;
	importCredential(data: { apiKey: string; baseUrl: string }): Promise<unknown>;
	workerBusyMs(): Map<string, number>;
	stop(): Promise<void>;
}

interface Result {
	way: string;
	wallS: number;
	workerSPerVideo: number;
	videos: number;
	posts: number;
	failed: number;
}

/** Triggers E executions at once, waits for all, and measures them. */
async function runWay(rig: Rig, sim: Simulator, way: string, workflow: unknown): Promise<Result> {
	const deployed = await rig.deployWebhookWorkflow(workflow);
	const postsBefore = sim.counters().posts;
	const started = Date.now();
	const ids: string[] = [];
	for (let i = 0; i < E; i++) ids.push(await rig.trigger(deployed));
	let lastStop = started;
	let videos = 0;
	let failed = 0;
	for (const id of ids) {
		const done = await rig.waitForFinish(id, 60 * 60_000);
		if (done.status !== 'success') failed++;
		videos += queue
			.nodeItemsAllRuns(done.runData, 'Videos')
			.filter((item: { binary?: { data?: unknown } }) => item.binary?.data).length;
		lastStop = Math.max(lastStop, Date.parse(String(done.execution.stoppedAt)) || Date.now());
	}
	const busy = rig.workerBusyMs();
	const workerMs = ids.reduce((sum, id) => sum + (busy.get(id) ?? 0), 0);
	return {
		way,
		wallS: (lastStop - started) / 1000,
		workerSPerVideo: workerMs / 1000 / E,
		videos,
		posts: sim.counters().posts - postsBefore,
		failed,
	};
}

export async function queueBenchmark(): Promise<void> {
	const n8n = cache.ensureN8n2();
	const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (build.status !== 0) throw new Error(`npm run build failed\n${build.stdout}\n${build.stderr}`);
	const work = mkdtempSync(join(tmpdir(), 'aimlapi-veo-bench-queue-'));
	// The simulated account never runs dry here: the benchmark measures waiting, not spending.
	const sim = await startSimulator({ generationMs: T_MS, balanceUsd: 1_000_000 });
	let rig: Rig | undefined;
	try {
		const { tarball } = instance.packPackage(join(work, 'pack'));
		rig = (await queue.startQueueRig({ n8n, tarball, workers: 1, concurrency: 1 })) as Rig;
		await rig.importCredential({ apiKey: 'sim-test-key', baseUrl: sim.baseUrl });
		process.stdout.write(
			`\nQueue mode (n8n ${n8n.version}, Postgres, Redis, main + 1 worker with concurrency 1): E = ${E} executions × 1 video, T = ${T_MS / 1000} s\n`,
		);
		const inRun = await runWay(
			rig,
			sim,
			`in-run wait (poll ${POLL_S} s)`,
			workflows.inRunWorkflow({ prompts: 1, pollIntervalS: POLL_S, label: 'bench-in-run' }),
		);
		process.stdout.write(`  done: ${inRun.way}\n`);
		const durable = await runWay(
			rig,
			sim,
			`durable loop (Wait ${WAIT_S} s)`,
			workflows.durableWorkflow({ prompts: 1, waitSeconds: WAIT_S, label: 'bench-durable' }),
		);
		process.stdout.write(`  done: ${durable.way}\n`);
		printTable([inRun, durable]);
	} finally {
		await rig?.stop();
		await sim.close();
		rmSync(work, { recursive: true, force: true });
	}
}

function printTable(results: Result[]): void {
	const inRun = results[0];
	const header = [
		'way to wait',
		'wall s',
		'E × T s',
		'wall / in-run wall',
		'worker s per video',
		'videos in Videos',
		'POSTs',
		'failed executions',
	];
	const lines = results.map((r) => [
		r.way,
		r.wallS.toFixed(1),
		((E * T_MS) / 1000).toFixed(0),
		(r.wallS / inRun.wallS).toFixed(3),
		r.workerSPerVideo.toFixed(2),
		`${r.videos} of ${E}`,
		String(r.posts),
		String(r.failed),
	]);
	const table = [header, header.map(() => '---'), ...lines]
		.map((cells) => `| ${cells.join(' | ')} |`)
		.join('\n');
	process.stdout.write(`\n${table}\n`);
}

/** `--soak` runs the soak alone. */
async function main(): Promise<void> {
	if (process.argv[2] !== '--soak') await queueBenchmark();
	await soakBenchmark();
}

if (require.main === module) {
	main().then(
		() => process.exit(0),
		(error: unknown) => {
			process.stderr.write(
				`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
			);
			process.exit(1);
		},
	);
}
