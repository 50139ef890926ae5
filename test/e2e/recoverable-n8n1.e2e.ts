/**
 * examples/durable-batch-recoverable.json in real n8n 1.123.81 (queue mode, one worker): its four
 * Data table nodes (version 1, the only one n8n 1.x has) record, mark and recover generations. n8n
 * 1.x selects a data table from its list or by id, not by name, so the test points the nodes at the
 * table by id, as a user picks it from the list after importing.
 *
 * Opt-in (E2E_RECOVERABLE_N8N1=1): the same example runs in n8n 2.41.1 in queue-soak.e2e.ts.
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSimulator, type Simulator } from '../simulator';
import { buildOnce, cache, instance, queue, type QueueRig, type Workflow } from './support';

interface TableRow {
	generationId: string;
	delivered: boolean;
}
interface RecoverableWorkflows {
	recoverableWorkflow(options: {
		prompts: number;
		waitSeconds: number;
		olderThanSeconds: number;
		pollIntervalS: number;
		recoverPath: string;
		label?: string;
	}): Workflow;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workflows = require('./rig/durable-workflows.js') as RecoverableWorkflows;

const PROMPTS = 3;
const run = process.env.E2E_RECOVERABLE_N8N1 === '1' ? describe : describe.skip;

run(`examples/durable-batch-recoverable.json in n8n ${cache.N8N1_VERSION}`, () => {
	let rig: QueueRig | undefined;
	let simulator: Simulator;
	let work: string;

	beforeAll(async () => {
		const n8n = cache.ensureN8n1();
		work = instance.tempDir('aimlapi-veo-recoverable-n8n1-');
		buildOnce();
		const { tarball } = instance.packPackage(path.join(work, 'pack'));
		simulator = await startSimulator({ progress: { polls: 2 } });
		rig = await queue.startQueueRig({
			n8n,
			tarball,
			workers: 1,
			concurrency: 2,
			env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		});
		await rig.importCredential({ apiKey: 'sim-test-key', baseUrl: simulator.baseUrl });
	});

	afterAll(async () => {
		await rig?.stop();
		await simulator?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	test('the batch records and marks its generations; the recovery delivers an undelivered one, buying nothing', async () => {
		if (!rig) throw new Error('the rig did not start');
		const running = rig;
		const project = (await running.rest('GET', '/projects/personal')) as { id: string };
		const table = (await running.rest('POST', `/projects/${project.id}/data-tables`, {
			name: 'Veo generations',
			columns: [
				{ name: 'generationId', type: 'string' },
				{ name: 'execution', type: 'string' },
				{ name: 'delivered', type: 'boolean' },
			],
		})) as { id: string };
		const route = `/projects/${project.id}/data-tables/${table.id}`;
		const rows = async () =>
			((await running.rest('GET', `${route}/rows?skip=0&take=100`)) as { data: TableRow[] }).data;

		const id = 'recoverablen8n1';
		const recoverPath = `recover-${id}`;
		// A Wait under 65 s: n8n waits inside the run, the loop goes round in one execution.
		const workflow = workflows.recoverableWorkflow({
			prompts: PROMPTS,
			waitSeconds: 1,
			olderThanSeconds: 0,
			pollIntervalS: 1,
			recoverPath,
		});
		for (const node of workflow.nodes as Array<{
			type: string;
			parameters: Record<string, unknown>;
		}>)
			if (node.type === 'n8n-nodes-base.dataTable')
				node.parameters.dataTableId = { __rl: true, mode: 'id', value: table.id };
		const batch = await running.deployWebhookWorkflow(workflow, { id });
		await running.waitForWebhook(recoverPath);

		const done = await running.waitForFinish(await running.trigger(batch));
		expect(done.status).toBe('success');
		const ids = simulator.generations.map((generation) => generation.id);
		expect(ids).toHaveLength(PROMPTS);
		const marked = await rows();
		expect(marked.map((row) => row.generationId).sort()).toEqual([...ids].sort());
		for (const row of marked) expect(row.delivered).toBe(true);

		// One delivery lost after the fact: the row says not delivered; the recovery fetches it by id.
		await running.rest('PATCH', `${route}/rows`, {
			filter: {
				type: 'and',
				filters: [{ columnName: 'generationId', condition: 'eq', value: ids[0] }],
			},
			data: { delivered: false },
		});
		const posts = simulator.counters().posts;
		const recovered = await running.waitForFinish(
			await running.trigger({ id, webhookPath: recoverPath }),
		);
		expect(recovered.status).toBe('success');
		const videos = queue
			.nodeItemsAllRuns(recovered.runData, 'Recovered videos')
			.filter((item) => item.binary?.data)
			.map((item) => String(item.json.id));
		process.stdout.write(
			`[n8n1 recoverable] batch ${done.status}, recovery ${recovered.status}: ${videos.length} video(s), ${simulator.counters().posts - posts} POSTs\n`,
		);
		expect(videos).toEqual([ids[0]]);
		expect(simulator.counters().posts - posts).toBe(0);
		for (const row of await rows()) expect(row.delivered).toBe(true);
		expect(simulator.counters().cdnAuthorizationHeaders).toBe(0);
	});
});
