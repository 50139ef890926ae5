import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import { AimlVeoApi } from '../../credentials/AimlVeoApi.credentials';
import {
	AIMLAPI_VEO_NODE_TYPE,
	loadDefaultNodeTypes,
	runWorkflow,
	testCredential,
	type WorkflowJson,
	type WorkflowNodeJson,
} from '../harness/engine';

// ------------------------------------------------------------------ test helpers

interface SeenRequest {
	method?: string;
	url?: string;
	authorization?: string;
	headers: IncomingMessage['headers'];
	body: string;
}

async function startServer(
	handle: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ server: Server; baseUrl: string; seen: SeenRequest[] }> {
	const seen: SeenRequest[] = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		req.on('end', () => {
			seen.push({
				method: req.method,
				url: req.url,
				authorization: req.headers.authorization,
				headers: req.headers,
				body,
			});
			handle(req, body, res);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { server, baseUrl: `http://127.0.0.1:${port}`, seen };
}

async function stopServer(server: Server): Promise<void> {
	await new Promise<void>((resolve) => server.close(() => resolve()));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

/** A test node type with one main input and output around the given execute(). */
function testNode(
	name: string,
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>,
	extra: Partial<INodeTypeDescription> = {},
): INodeType {
	return {
		description: {
			displayName: name,
			name,
			group: ['transform'],
			version: 1,
			description: 'Test node',
			defaults: { name },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
			...extra,
		},
		execute,
	};
}

/** Chains the nodes one after the other, in the given order. */
function chain(nodes: WorkflowNodeJson[], extra: Partial<WorkflowJson> = {}): WorkflowJson {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = {
			main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]],
		};
	}
	return {
		name: 'Harness test',
		nodes: nodes.map((node, index) => ({ position: [index * 220, 0], ...node })),
		connections,
		settings: { executionOrder: 'v1' },
		...extra,
	};
}

const manualTrigger: WorkflowNodeJson = {
	id: 'trigger',
	name: 'When clicking ‘Execute workflow’',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};

/** An Edit Fields node; a test pins its output (n8n's real node runs in the e2e tests). */
function fields(name: string): WorkflowNodeJson {
	return { id: name, name, type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: {} };
}

const json = (...objects: IDataObject[]) => objects.map((object) => ({ json: object }));

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	tempDirs.push(dir);
	return dir;
}

afterAll(() => {
	for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A promise the test settles by hand, to hold a node at a known point instead of sleeping. */
function gate(): { promise: Promise<void>; open: () => void } {
	let open!: () => void;
	const promise = new Promise<void>((resolve) => (open = resolve));
	return { promise, open };
}

// ------------------------------------------------------------------------ tests

describe('runWorkflow', () => {
	it('runs Manual Trigger → pinned items → a node calling the API with the AIML API credential', async () => {
		const api = await startServer((_req, body, res) => {
			const { prompt } = JSON.parse(body) as { prompt: string };
			sendJson(res, 200, { id: `task-${prompt}`, status: 'queued' });
		});
		try {
			const callApi = testNode(
				'callApi',
				async function () {
					const { baseUrl } = await this.getCredentials('aimlVeoApi');
					const items = this.getInputData();
					const out: INodeExecutionData[] = [];
					for (let i = 0; i < items.length; i++) {
						const response = (await this.helpers.httpRequestWithAuthentication.call(
							this,
							'aimlVeoApi',
							{
								method: 'POST',
								url: `${String(baseUrl)}/v2/video/generations`,
								body: { prompt: items[i].json.prompt },
								json: true,
							},
						)) as IDataObject;
						out.push({ json: response, pairedItem: { item: i } });
					}
					return [out];
				},
				{ credentials: [{ name: 'aimlVeoApi', required: true }] },
			);

			const result = await runWorkflow({
				workflow: chain(
					[
						manualTrigger,
						fields('Prompts'),
						{
							id: 'call',
							name: 'Call API',
							type: 'harness-test.callApi',
							typeVersion: 1,
							parameters: {},
							credentials: { aimlVeoApi: { id: 'cred-1', name: 'AIML API account' } },
						},
					],
					{ pinData: { Prompts: json({ prompt: 'cat' }, { prompt: 'dog' }) } },
				),
				nodeTypes: { 'harness-test.callApi': callApi },
				credentials: { aimlVeoApi: { apiKey: 'test-key-123', baseUrl: api.baseUrl } },
			});

			expect(result.error).toBeUndefined();
			expect(result.status).toBe('success');
			expect(result.items('Prompts').map((item) => item.json)).toEqual([
				{ prompt: 'cat' },
				{ prompt: 'dog' },
			]);
			expect(result.items('Call API').map((item) => item.json)).toEqual([
				{ id: 'task-cat', status: 'queued' },
				{ id: 'task-dog', status: 'queued' },
			]);
			expect(api.seen).toHaveLength(2);
			for (const request of api.seen) {
				expect(request.authorization).toBe('Bearer test-key-123');
				expect(request.url).toBe('/v2/video/generations');
			}
			expect(result.runCount('Call API')).toBe(1);
		} finally {
			await stopServer(api.server);
		}
	});

	it('starts from a Schedule Trigger and passes items through No Operation', async () => {
		const result = await runWorkflow({
			workflow: chain(
				[
					{
						id: 'schedule',
						name: 'Schedule Trigger',
						type: 'n8n-nodes-base.scheduleTrigger',
						typeVersion: 1.2,
						parameters: { rule: { interval: [{ field: 'hours' }] } },
					},
					fields('Data'),
					{ id: 'noop', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
				],
				{ pinData: { Data: json({ n: 1 }) } },
			),
		});
		expect(result.status).toBe('success');
		expect(result.items('Schedule Trigger').map((item) => item.json)).toEqual([{}]);
		expect(result.items('Done').map((item) => item.json)).toEqual([{ n: 1 }]);
	});

	it('uses pinned data instead of running the node', async () => {
		const neverRuns = testNode('neverRuns', async () => {
			throw new Error('should not run');
		});
		const result = await runWorkflow({
			workflow: chain(
				[
					manualTrigger,
					{
						id: 'pinned',
						name: 'Pinned',
						type: 'harness-test.neverRuns',
						typeVersion: 1,
						parameters: {},
					},
					{ id: 'noop', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
				],
				{ pinData: { Pinned: [{ json: { pinned: true } }] } },
			),
			nodeTypes: { 'harness-test.neverRuns': neverRuns },
		});
		expect(result.status).toBe('success');
		expect(result.runCount('Pinned')).toBe(0);
		expect(result.items('Done').map((item) => item.json)).toEqual([{ pinned: true }]);
	});

	it('fails clearly on a node type it does not know', async () => {
		await expect(
			runWorkflow({
				workflow: chain([
					manualTrigger,
					{
						id: 'x',
						name: 'Sheets',
						type: 'n8n-nodes-base.googleSheets',
						typeVersion: 4.2,
						parameters: {},
					},
				]),
			}),
		).rejects.toThrow('Unrecognized node type: n8n-nodes-base.googleSheets');
	});

	it('runs a pinned node of a type it has no stand-in for, with as many inputs as are wired to it', async () => {
		const workflow = chain(
			[
				manualTrigger,
				fields('Left'),
				{ id: 'm', name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3.2, parameters: {} },
			],
			{ pinData: { Left: json({ side: 'left' }), Merge: json({ merged: true }) } },
		);
		workflow.connections[manualTrigger.name] = {
			main: [
				[
					{ node: 'Left', type: 'main', index: 0 },
					{ node: 'Merge', type: 'main', index: 1 },
				],
			],
		};
		const result = await runWorkflow({ workflow });
		expect(result.status).toBe('success');
		expect(result.items('Merge').map((item) => item.json)).toEqual([{ merged: true }]);
		// Unpinned, the same node type is unknown: nothing stands in for what n8n's node would do.
		delete workflow.pinData?.Merge;
		await expect(runWorkflow({ workflow })).rejects.toThrow(
			'Unrecognized node type: n8n-nodes-base.merge',
		);
	});

	it('refuses a workflow with parameter issues, as n8n does', async () => {
		const needsField = testNode(
			'needsField',
			async function () {
				return [this.getInputData()];
			},
			{
				properties: [
					{
						displayName: 'Field To Split Out',
						name: 'fieldToSplitOut',
						type: 'string',
						default: '',
						required: true,
					},
				],
			},
		);
		await expect(
			runWorkflow({
				workflow: chain([
					manualTrigger,
					{
						id: 'split',
						name: 'Split Out',
						type: 'harness-test.needsField',
						typeVersion: 1,
						parameters: { fieldToSplitOut: '' },
					},
				]),
				nodeTypes: { 'harness-test.needsField': needsField },
			}),
		).rejects.toThrow(/Split Out/);
	});

	it('applies a function-style authenticate of an extra credential type', async () => {
		const api = await startServer((_req, _body, res) => sendJson(res, 200, { ok: true }));
		try {
			const headerKeyApi: ICredentialType = {
				name: 'headerKeyApi',
				displayName: 'Header Key API',
				properties: [
					{ displayName: 'Key', name: 'key', type: 'string', default: '' },
					{ displayName: 'Header', name: 'header', type: 'string', default: 'x-api-key' },
				],
				authenticate: async (credentials, request) => ({
					...request,
					headers: { ...request.headers, [String(credentials.header)]: String(credentials.key) },
				}),
			};
			const caller = testNode(
				'caller',
				async function () {
					const body = (await this.helpers.httpRequestWithAuthentication.call(
						this,
						'headerKeyApi',
						{
							url: `${api.baseUrl}/ping`,
							json: true,
						},
					)) as IDataObject;
					return [[{ json: body }]];
				},
				{ credentials: [{ name: 'headerKeyApi', required: true }] },
			);
			const result = await runWorkflow({
				workflow: chain([
					manualTrigger,
					{
						id: 'c',
						name: 'Caller',
						type: 'harness-test.caller',
						typeVersion: 1,
						parameters: {},
						credentials: { headerKeyApi: { id: '7', name: 'Key' } },
					},
				]),
				nodeTypes: { 'harness-test.caller': caller },
				credentialTypes: [headerKeyApi],
				// The header name comes from the credential type's default.
				credentials: { headerKeyApi: { key: 'k-1' } },
			});
			expect(result.status).toBe('success');
			expect(result.items('Caller')[0].json).toEqual({ ok: true });
			expect(api.seen).toHaveLength(1);
			expect(api.seen[0].headers['x-api-key']).toBe('k-1');
		} finally {
			await stopServer(api.server);
		}
	});

	it('rejects overlapping runs that want different binary modes', async () => {
		// The first run is held inside its node until the other runs were tried: they overlap for sure.
		const running = gate();
		const release = gate();
		const slow = testNode('slow', async function () {
			running.open();
			await release.promise;
			return [this.getInputData()];
		});
		const slowRun = runWorkflow({
			workflow: chain([
				manualTrigger,
				{ id: 's', name: 'Slow', type: 'harness-test.slow', typeVersion: 1, parameters: {} },
			]),
			nodeTypes: { 'harness-test.slow': slow },
		});
		try {
			await running.promise;
			await expect(
				runWorkflow({ workflow: chain([manualTrigger]), binaryMode: 'filesystem' }),
			).rejects.toThrow('Overlapping harness runs');
			// The same settings may overlap.
			const parallel = await runWorkflow({ workflow: chain([manualTrigger]) });
			expect(parallel.status).toBe('success');
		} finally {
			release.open();
		}
		expect((await slowRun).status).toBe('success');
	});

	it('delivers sendMessageToUI calls to onMessageToUI', async () => {
		const talker = testNode('talker', async function () {
			this.sendMessageToUI({ progress: 50 });
			this.sendMessageToUI('done');
			return [this.getInputData()];
		});
		const messages: Array<[string, unknown]> = [];
		const result = await runWorkflow({
			workflow: chain([
				manualTrigger,
				{ id: 't', name: 'Talker', type: 'harness-test.talker', typeVersion: 1, parameters: {} },
			]),
			nodeTypes: { 'harness-test.talker': talker },
			onMessageToUI: (nodeName, message) => messages.push([nodeName, message]),
		});
		expect(result.status).toBe('success');
		expect(messages).toEqual([
			['Talker', { progress: 50 }],
			['Talker', 'done'],
		]);
	});
});

describe('errors, retries and cancellation', () => {
	const failing = testNode('failing', async function () {
		throw new NodeOperationError(this.getNode(), 'The API said no');
	});

	it('stops the workflow on a failing node by default', async () => {
		const result = await runWorkflow({
			workflow: chain([
				manualTrigger,
				{ id: 'f', name: 'Fails', type: 'harness-test.failing', typeVersion: 1, parameters: {} },
				{ id: 'noop', name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
			]),
			nodeTypes: { 'harness-test.failing': failing },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The API said no');
		expect(result.run.data.resultData.lastNodeExecuted).toBe('Fails');
		expect(result.items('After')).toEqual([]);
	});

	it("honours onError 'continueRegularOutput' (the input items go on)", async () => {
		const result = await runWorkflow({
			workflow: chain(
				[
					manualTrigger,
					fields('Data'),
					{
						id: 'f',
						name: 'Fails',
						type: 'harness-test.failing',
						typeVersion: 1,
						parameters: {},
						onError: 'continueRegularOutput',
					},
					{
						id: 'noop',
						name: 'After',
						type: 'n8n-nodes-base.noOp',
						typeVersion: 1,
						parameters: {},
					},
				],
				{ pinData: { Data: json({ prompt: 'x' }) } },
			),
			nodeTypes: { 'harness-test.failing': failing },
		});
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.run.data.resultData.runData.Fails[0].error?.message).toBe('The API said no');
		expect(result.items('After').map((item) => item.json)).toEqual([{ prompt: 'x' }]);
	});

	it("honours onError 'continueErrorOutput' for items a node returns as errors", async () => {
		const perItem = testNode('perItem', async function () {
			const items = this.getInputData();
			return [
				items.map((item, index) =>
					item.json.bad
						? {
								json: {},
								error: new NodeOperationError(this.getNode(), 'bad item', { itemIndex: index }),
								pairedItem: { item: index },
							}
						: { json: item.json, pairedItem: { item: index } },
				),
			];
		});
		const workflow = chain(
			[
				manualTrigger,
				fields('List'),
				{
					id: 'p',
					name: 'Per Item',
					type: 'harness-test.perItem',
					typeVersion: 1,
					parameters: {},
					onError: 'continueErrorOutput',
				},
			],
			{ pinData: { List: json({ n: 1 }, { n: 2, bad: true }) } },
		);
		const result = await runWorkflow({ workflow, nodeTypes: { 'harness-test.perItem': perItem } });
		expect(result.status).toBe('success');
		expect(result.items('Per Item', 0).map((item) => item.json)).toEqual([{ n: 1 }]);
		expect(result.items('Per Item', 1).map((item) => item.json.error)).toEqual(['bad item']);
	});

	it('retries a node with Retry On Fail and counts every try', async () => {
		let calls = 0;
		const flaky = testNode('flaky', async function () {
			calls++;
			if (calls < 3) {
				throw new NodeApiError(this.getNode(), { message: 'busy' }, { httpCode: '503' });
			}
			return [[{ json: { ok: true, calls } }]];
		});
		const result = await runWorkflow({
			workflow: chain([
				manualTrigger,
				{
					id: 'f',
					name: 'Flaky',
					type: 'harness-test.flaky',
					typeVersion: 1,
					parameters: {},
					retryOnFail: true,
					maxTries: 3,
					waitBetweenTries: 10,
				},
			]),
			nodeTypes: { 'harness-test.flaky': flaky },
		});
		expect(result.status).toBe('success');
		expect(result.items('Flaky').map((item) => item.json)).toEqual([{ ok: true, calls: 3 }]);
		expect(result.runCount('Flaky')).toBe(3);
		// n8n keeps one run entry for the node, however many tries it took.
		expect(result.run.data.resultData.runData.Flaky).toHaveLength(1);
	});

	it('gives up after maxTries and reports the last error', async () => {
		const result = await runWorkflow({
			workflow: chain([
				manualTrigger,
				{
					id: 'f',
					name: 'Fails',
					type: 'harness-test.failing',
					typeVersion: 1,
					parameters: {},
					retryOnFail: true,
					maxTries: 2,
					waitBetweenTries: 10,
				},
			]),
			nodeTypes: { 'harness-test.failing': failing },
		});
		expect(result.status).toBe('error');
		expect(result.runCount('Fails')).toBe(2);
	});

	it('cancels the running execution when the signal aborts', async () => {
		let sawAbort = false;
		const sleeping = gate();
		const sleeper = testNode('sleeper', async function () {
			try {
				const sleepy = sleep(30_000, this.getExecutionCancelSignal());
				sleeping.open();
				await sleepy;
			} catch (error) {
				sawAbort = this.getExecutionCancelSignal()?.aborted === true;
				throw error;
			}
			return [this.getInputData()];
		});
		const controller = new AbortController();
		void sleeping.promise.then(() => controller.abort());
		const result = await runWorkflow({
			workflow: chain([
				manualTrigger,
				{ id: 's', name: 'Sleeper', type: 'harness-test.sleeper', typeVersion: 1, parameters: {} },
				{ id: 'noop', name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
			]),
			nodeTypes: { 'harness-test.sleeper': sleeper },
			signal: controller.signal,
			// No grace period can end the run first: it resolves because the node's sleep was cut short.
			cancelGraceMs: 10 * 60_000,
		});
		expect(sawAbort).toBe(true);
		expect(result.status).toBe('canceled');
		expect(result.items('After')).toEqual([]);
	});

	it('resolves after the grace period even if a node ignores the cancel signal', async () => {
		const running = gate();
		const release = gate();
		const finished = gate();
		let nodeReturned = false;
		// Ignores the cancel signal: it returns only when the test lets it.
		const stubborn = testNode('stubborn', async function () {
			running.open();
			await release.promise;
			nodeReturned = true;
			finished.open();
			return [this.getInputData()];
		});
		const controller = new AbortController();
		void running.promise.then(() => controller.abort());
		const result = await runWorkflow({
			workflow: chain([
				manualTrigger,
				{
					id: 's',
					name: 'Stubborn',
					type: 'harness-test.stubborn',
					typeVersion: 1,
					parameters: {},
				},
			]),
			nodeTypes: { 'harness-test.stubborn': stubborn },
			signal: controller.signal,
			cancelGraceMs: 200,
		});
		try {
			// The run was given up on while the node was still held: the grace period ended it, not the node.
			expect(nodeReturned).toBe(false);
			expect(result.status).toBe('canceled');
		} finally {
			release.open();
		}
		// The node itself runs on in the background until it returns.
		await finished.promise;
		expect(nodeReturned).toBe(true);
	});
});

describe('binary data', () => {
	const makeFile = testNode('makeFile', async function () {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const text = `hello ${String(items[i].json.name)}`;
			const data = await this.helpers.prepareBinaryData(
				Buffer.from(text),
				'hello.txt',
				'text/plain',
			);
			out.push({ json: items[i].json, binary: { data }, pairedItem: { item: i } });
		}
		return [out];
	});

	it('keeps binary data inline by default and reads it back', async () => {
		const result = await runWorkflow({
			workflow: chain(
				[
					manualTrigger,
					fields('Data'),
					{
						id: 'm',
						name: 'Make File',
						type: 'harness-test.makeFile',
						typeVersion: 1,
						parameters: {},
					},
					{
						id: 'w',
						name: 'Write File',
						type: 'n8n-nodes-base.readWriteFile',
						typeVersion: 1,
						parameters: {},
					},
				],
				{ pinData: { Data: json({ name: 'world' }) } },
			),
			nodeTypes: { 'harness-test.makeFile': makeFile },
		});
		expect(result.error).toBeUndefined();
		// What the Write File node received, as the e2e tests see the real node write it.
		const [item] = result.items('Write File');
		expect(item.binary?.data.data).toBe(Buffer.from('hello world').toString('base64'));
		expect((await result.binaryBuffer(item)).toString()).toBe('hello world');
	});

	it('stores a 20 MB stream on disk in filesystem mode and reads it back', async () => {
		const size = 20 * 1024 * 1024;
		const chunkSize = 64 * 1024;
		const chunkFor = (index: number) => Buffer.alloc(chunkSize, index % 251);
		const expected = createHash('sha256');
		for (let i = 0; i < size / chunkSize; i++) expected.update(chunkFor(i));
		const expectedHash = expected.digest('hex');

		const bigFile = testNode('bigFile', async function () {
			let index = 0;
			const stream = new Readable({
				read() {
					this.push(index < size / chunkSize ? chunkFor(index++) : null);
				},
			});
			const data = await this.helpers.prepareBinaryData(
				stream,
				'big.bin',
				'application/octet-stream',
			);
			return [[{ json: { made: true }, binary: { data } }]];
		});

		const storage = tempDir('harness-binary-');
		const result = await runWorkflow({
			workflow: chain([
				manualTrigger,
				{ id: 'b', name: 'Big File', type: 'harness-test.bigFile', typeVersion: 1, parameters: {} },
			]),
			nodeTypes: { 'harness-test.bigFile': bigFile },
			binaryMode: 'filesystem',
			binaryDataDir: storage,
		});

		expect(result.error).toBeUndefined();
		expect(result.binaryDataDir).toBe(storage);
		const [item] = result.items('Big File');
		const binary = item.binary?.data;
		expect(binary?.id).toMatch(/^filesystem-v2:/);
		expect(binary?.data).toBe('filesystem-v2');
		expect(binary?.bytes).toBe(size);
		expect(binary?.fileName).toBe('big.bin');
		const buffer = await result.binaryBuffer(item);
		expect(buffer.length).toBe(size);
		expect(sha256(buffer)).toBe(expectedHash);

		// A default-mode run afterwards keeps binary data inline again.
		const inline = await runWorkflow({
			workflow: chain(
				[
					manualTrigger,
					fields('Data'),
					{
						id: 'm',
						name: 'Make File',
						type: 'harness-test.makeFile',
						typeVersion: 1,
						parameters: {},
					},
				],
				{ pinData: { Data: json({ name: 'again' }) } },
			),
			nodeTypes: { 'harness-test.makeFile': makeFile },
		});
		const [inlineItem] = inline.items('Make File');
		expect(inlineItem.binary?.data.id).toBeUndefined();
		expect(inlineItem.binary?.data.data).toBe(Buffer.from('hello again').toString('base64'));
		// …and the data stored by the filesystem run can still be read.
		expect(sha256(await result.binaryBuffer(item))).toBe(expectedHash);
	});
});

describe('testCredential', () => {
	let api: Awaited<ReturnType<typeof startServer>>;

	beforeAll(async () => {
		api = await startServer((req, _body, res) => {
			if (req.url !== '/v2/billing') return sendJson(res, 404, { message: 'Not found' });
			if (req.headers.authorization === 'Bearer good-key')
				return sendJson(res, 200, { balance: 10 });
			sendJson(res, 401, {
				message: 'This request requires a valid API key. Get one at https://aimlapi.com/app/keys',
			});
		});
	});

	afterAll(async () => {
		await stopServer(api.server);
	});

	it('reports OK for a key the API accepts', async () => {
		const result = await testCredential(new AimlVeoApi(), {
			apiKey: 'good-key',
			baseUrl: api.baseUrl,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(api.seen.at(-1)).toMatchObject({
			method: 'GET',
			url: '/v2/billing',
			authorization: 'Bearer good-key',
		});
	});

	it('reports an error like n8n does for a key the API refuses, with the API’s message', async () => {
		// A trailing slash on the base URL is trimmed by the credential's test request.
		const result = await testCredential(new AimlVeoApi(), {
			apiKey: 'bad-key',
			baseUrl: `${api.baseUrl}/`,
		});
		expect(result).toEqual({
			status: 'Error',
			message: 'Unauthorized',
			httpStatus: 401,
			apiMessage: 'This request requires a valid API key. Get one at https://aimlapi.com/app/keys',
		});
		expect(api.seen.at(-1)?.url).toBe('/v2/billing');
	});

	it('refuses to send the test anywhere but a loopback address unless allowed', async () => {
		const result = await testCredential(new AimlVeoApi(), { apiKey: 'good-key' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('https://api.aimlapi.com/v2/billing');
	});
});

describe('default node types', () => {
	it('loads the package’s node when its source exists, and nothing else', () => {
		const types = loadDefaultNodeTypes();
		const names = Object.keys(types);
		expect(names.every((name) => name === AIMLAPI_VEO_NODE_TYPE)).toBe(true);
		for (const type of Object.values(types)) {
			expect(type.description.name).toBe('aimlApiVeo');
		}
	});
});
