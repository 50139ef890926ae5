/**
 * The durable loop in real n8n 2.41.1 queue mode: Postgres, Redis, a main process and two workers,
 * the packed package installed as n8n installs it, the simulator in this process. The example
 * `durable-batch.json` with 10 prompts runs as a production execution while a worker, then the main
 * process, is SIGKILLed mid-wait: every video must reach "Videos", with one POST per prompt and no
 * key at the video host. The in-run wait runs in queue mode too.
 */
import * as fs from 'fs';
import * as path from 'path';

import { pollsMarker, startSimulator, videoBytesMarker, type Simulator } from '../simulator';
import {
	buildOnce,
	cache,
	instance,
	nodeOf,
	queue,
	seconds,
	type DeployedWorkflow,
	type QueueRig,
	type Workflow,
} from './support';

interface DurableWorkflows {
	durableWorkflow(options: { prompts: number; waitSeconds: number; label?: string }): Workflow;
	inRunWorkflow(options: { prompts: number; pollIntervalS: number; label?: string }): Workflow;
	togetherWorkflow(options: {
		prompts: number;
		waitSeconds: number;
		label?: string;
		suffix?: (index: number) => string;
	}): Workflow;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workflows = require('./rig/durable-workflows.js') as DurableWorkflows;

const PROMPTS = 10;
/** Over n8n's 65 s, so the Wait node saves the execution and the worker lets go of it. */
const WAIT_S = 66;
const log = (message: string) => process.stdout.write(`[queue] ${message}\n`);
/** n8n's cap for one stored binary file in database mode, MiB, on main and workers (n8n's default is 512). */
const STORE_CAP_MIB = 5;

describe('the durable loop in n8n 2.41.1 queue mode (Postgres, Redis, main + 2 workers)', () => {
	let rig: QueueRig | undefined;
	let simulator: Simulator;
	let work: string;
	let durable: DeployedWorkflow;
	let inRun: DeployedWorkflow;

	const withTails = (body: (rig: QueueRig) => Promise<void>) => async () => {
		if (!rig) throw new Error('the rig did not start');
		try {
			await body(rig);
		} catch (error) {
			log(`logs:\n${rig.tails()}`);
			throw error;
		}
	};

	/** Every video reached Videos, each bought once, and no worker held the execution while it waited. */
	const expectAllVideos = async (running: QueueRig, id: string, postsBefore: number) => {
		const done = await running.waitForFinish(id, 10 * 60_000);
		expect(done.status).toBe('success');
		const videos = queue.nodeItemsAllRuns(done.runData, 'Videos');
		expect(videos).toHaveLength(PROMPTS);
		for (const video of videos) expect(video.binary?.data?.mimeType).toBe('video/mp4');
		expect(new Set(videos.map((video) => video.json.id)).size).toBe(PROMPTS);
		expect(simulator.counters().posts - postsBefore).toBe(PROMPTS);
		expect(simulator.counters().cdnAuthorizationHeaders).toBe(0);
		const jobs = running
			.workerJobs()
			.filter((job) => job.executionId === id)
			.sort((a, b) => a.startedAt - b.startedAt);
		// The start, then one resume per round through the Wait node; each job ended before the next began.
		expect(jobs.length).toBeGreaterThanOrEqual(3);
		for (let i = 1; i < jobs.length; i++)
			expect(jobs[i - 1].endedAt).toBeLessThan(jobs[i].startedAt);
		log(
			`execution ${id}: ${videos.length} videos, ${jobs.length} worker jobs, worker time ${running.workerBusyMs().get(id)} ms`,
		);
		return jobs;
	};

	beforeAll(async () => {
		const n8n = cache.ensureN8n2();
		work = instance.tempDir('aimlapi-veo-queue-');
		buildOnce();
		const { tarball } = instance.packPackage(path.join(work, 'pack'));
		// Each generation finishes at its second status check: the loop goes round the Wait node twice.
		simulator = await startSimulator({ progress: { polls: 2 } });
		const step = Date.now();
		// n8n's check for executions whose worker vanished runs every minute here (default: 3 hours).
		// Binary data stays in n8n's queue-mode default (Postgres), its file cap lowered from 512 to
		// 5 MiB so a 6 MiB video is too big; the other cases' videos are a few KB.
		rig = await queue.startQueueRig({
			n8n,
			tarball,
			workers: 2,
			concurrency: 2,
			env: {
				N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
				N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: String(STORE_CAP_MIB),
			},
		});
		log(`Postgres + Redis + main + 2 workers ready: ${seconds(step)}`);
		await rig.importCredential({ apiKey: 'sim-test-key', baseUrl: simulator.baseUrl });
		durable = await rig.deployWebhookWorkflow(
			workflows.durableWorkflow({ prompts: PROMPTS, waitSeconds: WAIT_S }),
		);
		inRun = await rig.deployWebhookWorkflow(
			workflows.inRunWorkflow({ prompts: PROMPTS, pollIntervalS: 1 }),
		);
	});

	afterAll(async () => {
		await rig?.stop();
		await simulator?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	test(
		'a worker SIGKILLed mid-wait: a replacement resumes, every video reaches Videos, POSTs = prompts',
		withTails(async (running) => {
			const posts = simulator.counters().posts;
			const started = Date.now();
			const id = await running.trigger(durable);
			await running.waitForStatus(id, ['waiting']);
			const [first] = running.workerJobs().filter((job) => job.executionId === id);
			const worker = running.workers.find((candidate) => candidate.logFile === first.logFile);
			if (!worker) throw new Error(`no live worker wrote ${first.logFile}`);
			await running.killWorker(worker);
			const replacement = await running.startWorker();
			log(
				`execution ${id} waiting; its worker killed and a replacement ready ${seconds(started)} after the call`,
			);
			const jobs = await expectAllVideos(running, id, posts);
			expect(jobs[0].logFile).toBe(worker.logFile);
			expect(jobs.slice(1).some((job) => job.logFile !== worker.logFile)).toBe(true);
			expect(replacement.logFile).toBeTruthy();
			log(`done ${seconds(started)} after the call`);
		}),
	);

	// The main process SIGKILLed mid-wait and restarted: the placed soak (queue-soak.e2e.ts) does it
	// with a 30-prompt batch in every run, beside three worker kills.

	test(
		'Hand On Together, a worker SIGKILLed mid-wait: held videos survive the saved waits, Videos runs once with all 10',
		withTails(async (running) => {
			// Generation i ends at its (i mod 3 + 1)-th check: the batch goes round three persisted waits,
			// with finished videos held (on Running, saved with the execution) on the way.
			const together = await running.deployWebhookWorkflow(
				workflows.togetherWorkflow({
					prompts: PROMPTS,
					waitSeconds: WAIT_S,
					suffix: (i) => ` ${pollsMarker((i % 3) + 1)}`,
				}),
			);
			const posts = simulator.counters().posts;
			const gets = simulator.counters().gets;
			const started = Date.now();
			const id = await running.trigger(together);
			await running.waitForStatus(id, ['waiting']);
			const [first] = running.workerJobs().filter((job) => job.executionId === id);
			const worker = running.workers.find((candidate) => candidate.logFile === first.logFile);
			if (!worker) throw new Error(`no live worker wrote ${first.logFile}`);
			await running.killWorker(worker);
			await running.startWorker();
			const done = await running.waitForFinish(id, 10 * 60_000);
			expect(done.status).toBe('success');
			const videoRuns = done.runData.Videos as unknown[];
			expect(videoRuns).toHaveLength(1);
			const videos = queue.nodeItemsAllRuns(done.runData, 'Videos');
			expect(videos).toHaveLength(PROMPTS);
			for (const video of videos) expect(video.binary?.data?.mimeType).toBe('video/mp4');
			expect(new Set(videos.map((video) => video.json.id)).size).toBe(PROMPTS);
			expect(simulator.counters().posts - posts).toBe(PROMPTS);
			// Checks of 10, 6 and 3 running generations, then the 7 held ones read again at the hand-off.
			expect(simulator.counters().gets - gets).toBe(10 + 6 + 3 + 7);
			expect(simulator.counters().cdnAuthorizationHeaders).toBe(0);
			const checks = queue.nodeItemsAllRuns(done.runData, 'Check Generations', 1);
			expect(
				checks.filter((row) => (row.json.veoWait as { held?: string }).held === 'completed'),
			).toHaveLength(4 + 7);
			log(
				`together: execution ${id}, ${videos.length} videos in 1 run of Videos, ${seconds(started)} after the call`,
			);
		}),
	);

	test(
		'the in-run wait also works in queue mode (one worker job holds the whole wait)',
		withTails(async (running) => {
			const posts = simulator.counters().posts;
			const id = await running.trigger(inRun);
			const done = await running.waitForFinish(id);
			expect(done.status).toBe('success');
			const videos = queue.nodeItemsAllRuns(done.runData, 'Videos');
			expect(videos).toHaveLength(PROMPTS);
			for (const video of videos) expect(video.binary?.data?.mimeType).toBe('video/mp4');
			expect(simulator.counters().posts - posts).toBe(PROMPTS);
			expect(running.workerJobs().filter((job) => job.executionId === id)).toHaveLength(1);
			expect(simulator.counters().cdnAuthorizationHeaders).toBe(0);
		}),
	);

	test(
		'the in-run wait dies with its worker: n8n marks the execution crashed, and nothing is bought twice',
		withTails(async (running) => {
			simulator.setOptions({ progress: 'manual' });
			try {
				const posts = simulator.counters().posts;
				const id = await running.trigger(inRun);
				await simulator.whenGenerations(simulator.generations.length + PROMPTS);
				const [job] = running.workerJobs().filter((candidate) => candidate.executionId === id);
				const worker = running.workers.find((candidate) => candidate.logFile === job?.logFile);
				if (!worker) throw new Error(`no live worker is running execution ${id}`);
				await running.killWorker(worker);
				await running.startWorker();
				// The videos finish at the API: paid for, but no longer the workflow's.
				simulator.advance('all', 'completed');
				const done = await running.waitForFinish(id);
				log(`in-run execution ${id} after its worker was killed: ${done.status}`);
				expect(done.status).toBe('crashed');
				expect(simulator.counters().posts - posts).toBe(PROMPTS);
			} finally {
				simulator.setOptions({ progress: { polls: 2 } });
			}
		}),
	);

	test(
		'a 6 MiB video over a 5 MiB database-mode cap ends as a named download failure; the others are delivered',
		withTails(async (running) => {
			const prompts = 4;
			const big = 2;
			const bigBytes = 6 * 1024 * 1024;
			const workflow = workflows.inRunWorkflow({ prompts, pollIntervalS: 1, label: 'capped' });
			const promptsNode = nodeOf(workflow, 'Prompts');
			const { rows } = JSON.parse(String(promptsNode.parameters.jsonOutput)) as {
				rows: Array<{ prompt: string }>;
			};
			rows[big].prompt += ` ${videoBytesMarker(bigBytes)}`;
			promptsNode.parameters.jsonOutput = JSON.stringify({ rows });
			nodeOf(workflow, 'Generate Video').onError = 'continueRegularOutput';
			const deployed = await running.deployWebhookWorkflow(workflow);
			const posts = simulator.counters().posts;
			const started = Date.now();
			const id = await running.trigger(deployed);
			const done = await running.waitForFinish(id);
			log(`capped store: execution ${id} ${done.status} ${seconds(started)} after the call`);
			expect(done.status).toBe('success');
			expect(simulator.counters().posts - posts).toBe(prompts);
			const videos = queue.nodeItemsAllRuns(done.runData, 'Videos');
			expect(videos).toHaveLength(prompts);
			const failed = videos.filter((video) => video.json.error !== undefined);
			expect(failed).toHaveLength(1);
			const [row] = failed;
			const generation = simulator.generations.find((candidate) =>
				candidate.prompt.includes(videoBytesMarker(bigBytes)),
			);
			expect(row.json.id).toBe(generation?.id);
			expect(row.json.error).toBe(
				`Downloading the video of generation ${generation?.id} failed: n8n's binary data store refused the 6 MB video: it is over n8n's size limit of ${STORE_CAP_MIB} MB for stored files (N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE)`,
			);
			expect(String(row.json.videoUrl)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/generations\//);
			expect(row.json.description).toContain(String(row.json.videoUrl));
			expect(row.binary).toBeUndefined();
			const delivered = videos.filter((video) => video.json.error === undefined);
			for (const video of delivered) {
				expect(video.binary?.data?.mimeType).toBe('video/mp4');
				// Kept by n8n's queue-mode default store, the database.
				expect(String((video.binary?.data as { id?: string } | undefined)?.id)).toMatch(
					/^database:/,
				);
			}
			expect(delivered).toHaveLength(prompts - 1);
			const bigAnswer = simulator.requests.find(
				(request) => request.path === new URL(String(row.json.videoUrl)).pathname,
			);
			expect(bigAnswer?.bodyBytes).toBe(bigBytes);
			expect(simulator.counters().cdnAuthorizationHeaders).toBe(0);
			log(
				`capped store: ${delivered.length} videos delivered, 1 refused (${bigAnswer?.bodyBytes} bytes read whole, then refused); POSTs ${prompts}`,
			);
		}),
	);
});
