/**
 * Benchmark: N videos through real workflows on n8n's engine, against the simulator with a fixed
 * generation time T and poll interval I. Prints measured wall time, the ideal, their ratio and the
 * sequential baseline (N × the single-video time measured in the same run), requests per video,
 * and the peak memory growth while 50 videos of 20 MB are downloaded in filesystem binary mode.
 *
 *   npm run bench
 */
import { fork } from 'child_process';
import { cpus, totalmem } from 'os';

import type { WorkflowJson } from '../test/harness/engine';
import { runWorkflow } from '../test/harness/engine';
import type { Simulator } from '../test/simulator';
import { startSimulator } from '../test/simulator';
import { startNode } from '../test/harness/workflow-json';

const T_MS = 2000;
const I_S = 1;
const VEO_TYPE = 'n8n-nodes-aimlapi-veo.aimlApiVeo';
/** The simulated account never runs dry here: the benchmark measures waiting, not spending. */
const BALANCE_USD = 1_000_000;

function batchWorkflow(
	n: number,
	maxConcurrent: number,
	download: boolean,
	label: string,
	budget?: Record<string, unknown>,
): WorkflowJson {
	const rows = Array.from({ length: n }, (_, i) => ({ prompt: `${label} video ${i + 1}` }));
	const nodes = [
		startNode(),
		// One item per row, pinned: n8n's own nodes do not run in-process.
		{
			name: 'Rows',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: {},
		},
		{
			name: 'Veo',
			type: VEO_TYPE,
			typeVersion: 1,
			position: [600, 0],
			credentials: { aimlVeoApi: { id: 'bench', name: 'bench' } },
			onError: 'continueRegularOutput',
			parameters: {
				operation: 'generate',
				model: 'google/veo-3.0-fast',
				prompt: '={{ $json.prompt }}',
				options: {},
				waitForCompletion: true,
				downloadVideo: download,
				binaryPropertyName: 'data',
				waitOptions: { pollInterval: I_S, maxWait: 600, maxConcurrent },
				...(budget ? { budget } : {}),
			},
		},
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return {
		name: `bench ${label}`,
		nodes,
		connections,
		pinData: { Rows: rows.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

const REPEATS = 3;

interface CaseResult {
	name: string;
	n: number;
	wallS: number;
	/** Every repeat's wall time; wallS is their median. */
	wallsS: number[];
	idealS: number;
	failed: number;
	apiRequestsPerVideo: number;
	allRequestsPerVideo: number;
	/** The catalogue's and the deprecation feed's reads in the run (one batch): the goal is ≤ 2. */
	catalogueReads: number;
	rejected429: number;
	cdnAuth: number;
	maxConcurrent: number;
}

/** Runs a case REPEATS times; reports the median wall time and the counters of the median run. */
async function runCase(
	sim: Simulator,
	name: string,
	n: number,
	limit: number | undefined,
	maxConcurrent: number,
	budget?: Record<string, unknown>,
): Promise<CaseResult> {
	const runs: CaseResult[] = [];
	for (let repeat = 0; repeat < REPEATS; repeat++)
		runs.push(await runOnce(sim, name, n, limit, maxConcurrent, budget));
	runs.sort((a, b) => a.wallS - b.wallS);
	const median = runs[Math.floor(runs.length / 2)];
	return {
		...median,
		failed: Math.max(...runs.map((run) => run.failed)),
		cdnAuth: Math.max(...runs.map((run) => run.cdnAuth)),
		wallsS: runs.map((run) => run.wallS),
	};
}

async function runOnce(
	sim: Simulator,
	name: string,
	n: number,
	limit: number | undefined,
	maxConcurrent: number,
	budget?: Record<string, unknown>,
): Promise<CaseResult> {
	sim.reset();
	sim.setOptions({ generationMs: T_MS, concurrencyLimit: limit });
	const started = Date.now();
	const result = await runWorkflow({
		workflow: batchWorkflow(n, maxConcurrent, true, name, budget),
		credentials: { aimlVeoApi: { apiKey: 'sim-test-key', baseUrl: sim.baseUrl } },
		mode: 'trigger',
	});
	const wallS = (Date.now() - started) / 1000;
	const rows = result.items('Veo');
	const failed =
		rows.filter((row) => row.json.error !== undefined || row.json.status !== 'completed').length +
		(n - rows.length);
	const counters = sim.counters();
	const api = sim.requests.filter((r) => r.origin === 'api').length;
	const catalogueReads = sim.requests.filter(
		(r) => r.origin === 'api' && r.path.startsWith('/v1/models'),
	).length;
	const ideal = limit ? Math.ceil(n / limit) * (T_MS / 1000 + I_S) : T_MS / 1000 + I_S;
	return {
		name,
		n,
		wallS,
		wallsS: [wallS],
		idealS: ideal,
		failed,
		apiRequestsPerVideo: api / n,
		allRequestsPerVideo: (api + counters.cdnRequests) / n,
		catalogueReads,
		rejected429: counters.postsRejected[429] ?? 0,
		cdnAuth: counters.cdnAuthorizationHeaders,
		maxConcurrent: counters.maxConcurrent,
	};
}

/** Child process: downloads `n` videos of the simulator's size in filesystem mode; reports peak RSS growth. */
async function memoryChild(baseUrl: string, n: number): Promise<void> {
	const credentials = { aimlVeoApi: { apiKey: 'sim-test-key', baseUrl } };
	// Warm up: load everything once, so the baseline holds the code and not the work.
	await runWorkflow({
		workflow: batchWorkflow(1, 1, false, 'warm-up'),
		credentials,
		binaryMode: 'filesystem',
		mode: 'trigger',
	});
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
	const started = Date.now();
	const result = await runWorkflow({
		workflow: batchWorkflow(n, n, true, 'memory'),
		credentials,
		binaryMode: 'filesystem',
		mode: 'trigger',
	});
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	const rows = result.items('Veo');
	const stored = rows.filter((row) =>
		String(row.binary?.data?.id ?? '').startsWith('filesystem'),
	).length;
	const bytes = rows.reduce((sum, row) => sum + Number(row.binary?.data?.bytes ?? 0), 0);
	process.send?.({
		baseline,
		peak,
		stored,
		bytes,
		rows: rows.length,
		wallS: (Date.now() - started) / 1000,
	});
}

async function memoryCase(n: number, videoBytes: number) {
	const sim = await startSimulator({ generationMs: T_MS, videoBytes, balanceUsd: BALANCE_USD });
	try {
		const child = fork(__filename, ['--memory-child', sim.baseUrl, String(n)], {
			execArgv: ['--expose-gc'],
		});
		return await new Promise<{
			baseline: number;
			peak: number;
			stored: number;
			bytes: number;
			rows: number;
			wallS: number;
		}>((resolve, reject) => {
			child.on('message', (message) => resolve(message as never));
			child.on('error', reject);
			child.on(
				'exit',
				(code) => code !== 0 && reject(new Error(`memory child exited with ${code}`)),
			);
		});
	} finally {
		await sim.close();
	}
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main() {
	if (process.argv[2] === '--memory-child') {
		await memoryChild(process.argv[3], Number(process.argv[4]));
		return;
	}
	const sim = await startSimulator({ generationMs: T_MS, balanceUsd: BALANCE_USD });
	process.stdout.write(
		`Benchmark: T = ${T_MS / 1000} s generation, I = ${I_S} s poll interval, ${cpus().length} cores, ${mb(totalmem())} MB RAM, Node ${process.version}, ${new Date().toISOString()}\n`,
	);
	const results: CaseResult[] = [];
	try {
		for (const n of [1, 10, 50, 200]) {
			results.push(await runCase(sim, `N=${n}, no account limit`, n, undefined, Math.max(n, 1)));
			process.stdout.write(`  done: N=${n}\n`);
		}
		results.push(await runCase(sim, 'N=50, account limit L=5', 50, 5, 25));
		process.stdout.write('  done: N=50, L=5\n');
		// A budget that lets every video through: what it costs is checks, not requests.
		results.push(
			await runCase(sim, 'N=50, budget $1000 and 50 videos', 50, undefined, 50, {
				maxSpendUsd: 1000,
				maxVideos: 50,
			}),
		);
		process.stdout.write('  done: N=50 with a budget\n');
	} finally {
		await sim.close();
	}
	const single = results[0].wallS;
	// Failed items and key-at-CDN counts are the worst of the repeats; requests are of the median run.
	const header = [
		'case',
		`wall s (median of ${REPEATS})`,
		'range s',
		'ideal s',
		'ratio',
		'sequential s (N × single)',
		'vs sequential',
		'failed',
		'API req/video',
		'incl. download',
		'catalogue reads/batch',
		'429s',
		'peak running',
		'key at CDN',
	];
	const lines = results.map((r) => [
		r.name,
		r.wallS.toFixed(2),
		`${Math.min(...r.wallsS).toFixed(2)}–${Math.max(...r.wallsS).toFixed(2)}`,
		r.idealS.toFixed(2),
		(r.wallS / r.idealS).toFixed(3),
		(r.n * single).toFixed(1),
		`${((r.n * single) / r.wallS).toFixed(1)}× faster`,
		String(r.failed),
		r.apiRequestsPerVideo.toFixed(2),
		r.allRequestsPerVideo.toFixed(2),
		String(r.catalogueReads),
		String(r.rejected429),
		String(r.maxConcurrent),
		String(r.cdnAuth),
	]);
	const table = [header, header.map(() => '---'), ...lines]
		.map((cells) => `| ${cells.join(' | ')} |`)
		.join('\n');
	process.stdout.write(
		`\n${table}\n\nGoal for requests per video: ≤ ⌈T/I⌉ + 2 = ${Math.ceil(T_MS / 1000 / I_S) + 2}, plus the batch's catalogue reads (API req/video counts them, spread over the batch's videos).\nGoal for the catalogue's and deprecation feed's reads: ≤ 2 per batch, none per video.\n`,
	);

	const memory = await memoryCase(50, 20 * 1024 * 1024);
	process.stdout.write(
		`\nMemory: ${memory.rows} videos of 20 MB (${mb(memory.bytes)} MB in all, ${memory.stored} stored on disk by n8n's filesystem binary mode) in ${memory.wallS.toFixed(1)} s; ` +
			`RSS before ${mb(memory.baseline)} MB, peak ${mb(memory.peak)} MB: peak growth ${mb(memory.peak - memory.baseline)} MB (goal ≤ 100 MB).\n`,
	);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	},
);
