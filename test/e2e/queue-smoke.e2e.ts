/**
 * Proves the queue-mode rig (scripts/e2e/queue-mode.js) with n8n's own nodes only: Postgres,
 * Redis, n8n main and two workers; a workflow whose Wait node (70 s, so n8n persists the wait)
 * sits between the trigger and a last node; and the process that would resume it killed mid-wait.
 */
import * as fs from 'fs';
import * as path from 'path';

import { buildOnce, cache, instance, queue, seconds, type DeployedWorkflow, type ExecutionRead, type QueueRig, type Workflow } from './support';

const LAST_NODE = 'After the wait';
const WORKFLOW: Workflow = {
	name: 'Queue smoke: wait 70 s',
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'q1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'q2',
			name: 'Wait 70 s',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [220, 0],
			webhookId: '6f1f0c55-3c2a-4d55-9a43-0d3f5d1e7a01',
			// waits of 65 s or more are saved with the execution instead of held in memory
			parameters: { resume: 'timeInterval', amount: 70, unit: 'seconds' },
		},
		{ id: 'q3', name: LAST_NODE, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, 0], parameters: {} },
	],
	connections: {
		Start: { main: [[{ node: 'Wait 70 s', type: 'main', index: 0 }]] },
		'Wait 70 s': { main: [[{ node: LAST_NODE, type: 'main', index: 0 }]] },
	},
};
const log = (message: string) => process.stdout.write(`[queue-smoke] ${message}\n`);

describe('n8n queue mode: main + 2 workers on Postgres and Redis', () => {
	let rig: QueueRig | undefined;
	let work: string;
	let deployed: DeployedWorkflow;

	/** Runs a test body; when it fails, prints the tails of the rig's logs before teardown removes them. */
	const withTails = (body: (rig: QueueRig) => Promise<void>) => async () => {
		if (!rig) throw new Error('the rig did not start');
		try {
			await body(rig);
		} catch (error) {
			log(`logs:\n${rig.tails()}`);
			throw error;
		}
	};

	const triggerUntilWaiting = async (running: QueueRig): Promise<{ id: string; started: number }> => {
		const started = Date.now();
		const id = await running.trigger(deployed, { smoke: true });
		await running.waitForStatus(id, ['waiting']);
		log(`execution ${id} is waiting ${seconds(started)} after the webhook call`);
		return { id, started };
	};

	/** The execution ended well, its last node ran, and it took two worker jobs: the start and the resume. */
	const expectResumed = (done: ExecutionRead, id: string, running: QueueRig) => {
		expect(done.status).toBe('success');
		expect(queue.nodeItemsAllRuns(done.runData, LAST_NODE)).toHaveLength(1);
		const jobs = running.workerJobs().filter((job) => job.executionId === id).sort((a, b) => a.startedAt - b.startedAt);
		expect(jobs.map((job) => job.outcome)).toEqual(['finished', 'finished']);
		// the first job ended when the wait began: no worker held the execution while it waited
		expect(jobs[0].endedAt).toBeLessThan(jobs[1].startedAt);
		log(`execution ${id}: worker time ${running.workerBusyMs().get(id)} ms over ${jobs.length} jobs (${jobs.map((job) => path.basename(job.logFile)).join(', ')})`);
		return jobs;
	};

	beforeAll(async () => {
		const n8n = cache.ensureN8n2();
		work = instance.tempDir('aimlapi-veo-queue-');
		buildOnce();
		const { tarball } = instance.packPackage(path.join(work, 'pack'));
		const step = Date.now();
		rig = await queue.startQueueRig({ n8n, tarball, workers: 2, concurrency: 2 });
		log(`Postgres + Redis + main + 2 workers ready: ${seconds(step)}`);
		deployed = await rig.deployWebhookWorkflow(WORKFLOW);
	});

	afterAll(async () => {
		await rig?.stop();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	test('both workers SIGKILLed mid-wait: a replacement worker resumes the execution', withTails(async (running) => {
		const { id, started } = await triggerUntilWaiting(running);
		const killed = [...running.workers];
		for (const worker of killed) await running.killWorker(worker);
		const replacements = await Promise.all([running.startWorker(), running.startWorker()]);
		log(`both workers killed, two replacements ready ${seconds(started)} after the webhook call`);

		const done = await running.waitForFinish(id);
		log(`execution ${id} ${done.status} ${seconds(started)} after the webhook call`);
		const [first, resumed] = expectResumed(done, id, running);
		expect(killed.map((worker) => worker.logFile)).toContain(first.logFile);
		expect(replacements.map((worker) => worker.logFile)).toContain(resumed.logFile);
	}));

	test('main SIGKILLed mid-wait: the restarted main has the execution resumed', withTails(async (running) => {
		const { id, started } = await triggerUntilWaiting(running);
		await running.killMain();
		await running.startMain();
		log(`main killed and restarted ${seconds(started)} after the webhook call`);

		const done = await running.waitForFinish(id);
		log(`execution ${id} ${done.status} ${seconds(started)} after the webhook call`);
		expectResumed(done, id, running);
	}));
});
