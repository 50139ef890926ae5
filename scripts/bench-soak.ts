/**
 * The soak, in full, in real n8n 2.41.1 queue mode (Postgres, Redis, main + two workers with
 * concurrency 2): one execution of the durable loop with 30 prompts (generation time T = 150 s, so
 * the batch goes round the Wait node two or three times) while a worker is SIGKILLed and replaced
 * every 35 s (three times at least, and on until the batch has ended) and the main process is
 * SIGKILLed and restarted once. An execution n8n marks `crashed` is retried once the kills are over,
 * as from the executions list. Prints the outcome: videos in Videos, POSTs, keys at the video host,
 * the kills, the Retries it took and the wall time.
 *
 *   npm run bench:queue            (after the in-run/durable comparison)
 *   npm run bench:queue -- --soak  (the soak alone)
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import { startSimulator } from '../test/simulator';
import type { SoakFigures } from '../test/e2e/rig/soak';

const PROMPTS = 30;
const T_MS = 150_000;
const WAIT_S = 66;
const KILL_EVERY_MS = 35_000;

const REPO_ROOT = resolve(__dirname, '..', '..');
/* eslint-disable @typescript-eslint/no-require-imports */
const cache = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'n8n-cache.js'));
const instance = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'n8n-instance.js'));
const queue = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'queue-mode.js'));
const workflows = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'durable-workflows.js'));
const soak = require(join(REPO_ROOT, 'test', 'e2e', 'rig', 'soak.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

interface SoakRig {
	importCredential(data: { apiKey: string; baseUrl: string }): Promise<unknown>;
	deployWebhookWorkflow(workflow: unknown): Promise<unknown>;
	stop(): Promise<void>;
}

export async function soakBenchmark(): Promise<void> {
	const n8n = cache.ensureN8n2();
	const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (build.status !== 0) throw new Error(`npm run build failed\n${build.stdout}\n${build.stderr}`);
	const work = mkdtempSync(join(tmpdir(), 'aimlapi-veo-bench-soak-'));
	const sim = await startSimulator({ generationMs: T_MS, balanceUsd: 1_000_000 });
	let rig: SoakRig | undefined;
	try {
		const { tarball } = instance.packPackage(join(work, 'pack'));
		// n8n's check for executions whose worker vanished: every minute (default: 3 hours).
		rig = (await queue.startQueueRig({
			n8n,
			tarball,
			workers: 2,
			concurrency: 2,
			env: { N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1' },
		})) as SoakRig;
		await rig.importCredential({ apiKey: 'sim-test-key', baseUrl: sim.baseUrl });
		process.stdout.write(
			`\nSoak (n8n ${n8n.version} queue mode, Postgres, Redis, main + 2 workers): ${PROMPTS} prompts, T = ${T_MS / 1000} s, Wait ${WAIT_S} s, a worker killed every ${KILL_EVERY_MS / 1000} s, main killed once\n`,
		);
		const deployed = await rig.deployWebhookWorkflow(
			workflows.durableWorkflow({ prompts: PROMPTS, waitSeconds: WAIT_S, label: 'bench-soak' }),
		);
		const figures = (await soak.runSoak(rig, sim, deployed, {
			killEveryMs: KILL_EVERY_MS,
			minWorkerKills: 3,
			mainKillAtTick: 2,
			log: (message: string) => process.stdout.write(`  ${message}\n`),
		})) as SoakFigures;
		printSoak(figures);
	} finally {
		await rig?.stop();
		await sim.close();
		rmSync(work, { recursive: true, force: true });
	}
}

function printSoak(f: SoakFigures): void {
	const workerKills = f.kills.filter((kill) => kill.what !== 'main');
	const mainKills = f.kills.filter((kill) => kill.what === 'main');
	const at = (kills: SoakFigures['kills']) => kills.map((kill) => kill.atS.toFixed(0)).join(', ');
	const header = [
		'prompts',
		'worker kills (s after the call)',
		'main kills (s)',
		'Retries',
		'status',
		'videos in Videos',
		'POSTs',
		'keys at CDN',
		'wall s',
	];
	const line = [
		String(PROMPTS),
		`${workerKills.length} (${at(workerKills)})`,
		`${mainKills.length} (${at(mainKills)})`,
		String(f.retries),
		f.status,
		`${f.distinctVideos} of ${PROMPTS}`,
		String(f.posts),
		String(f.cdnKeys),
		f.wallS.toFixed(1),
	];
	const table = [header, header.map(() => '---'), line]
		.map((cells) => `| ${cells.join(' | ')} |`)
		.join('\n');
	process.stdout.write(`\n${table}\n`);
}
