// Runs exported n8n workflows in-process through n8n-core's own WorkflowExecute, for the
// engine tests, the demo and the benchmark. Nothing here depends on jest.
import { n8nUserFolder } from './env';

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	IPinData,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { BINARY_ENCODING, createRunExecutionData, Workflow } from 'n8n-workflow';

import { baseNodeTypes, CaptureStandIn, pinnedNodeTypes } from './base-nodes';
import { HarnessCredentialsHelper } from './credentials';
import {
	HarnessNodeTypes,
	loadDefaultCredentialTypes,
	loadDefaultNodeTypes,
	type NodeTypeMap,
} from './node-types';

export { AIMLAPI_VEO_NODE_TYPE, loadDefaultNodeTypes } from './node-types';

/** One node as n8n's editor exports it. */
export interface WorkflowNodeJson {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position?: number[];
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id?: string | null; name: string }>;
	disabled?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	continueOnFail?: boolean;
	onError?: string;
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	notes?: string;
	[key: string]: unknown;
}

/** A workflow as n8n's editor exports it (the JSON of "Download" or copy-paste). */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: WorkflowNodeJson[];
	connections: Record<string, unknown>;
	pinData?: Record<string, unknown[]>;
	settings?: Record<string, unknown>;
	staticData?: Record<string, unknown> | null;
	[key: string]: unknown;
}

export interface RunWorkflowOptions {
	/** Exported-workflow JSON. It is copied, never modified. */
	workflow: WorkflowJson;
	/** Plaintext credential data by credential TYPE name, e.g. `{ aimlVeoApi: { apiKey, baseUrl } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Extra node types, or replacements for the defaults, by node type name. */
	nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	/** Extra credential types (the package's own are always known). */
	credentialTypes?: ICredentialType[];
	/**
	 * Where `prepareBinaryData` puts binary data. 'default' keeps it inline (base64 in the
	 * item); 'filesystem' initialises n8n-core's BinaryDataService in filesystem mode, so
	 * items carry an `id` and streams go to disk without being buffered. The service is a
	 * process-wide singleton: runs that overlap in time must use the same mode and folder.
	 */
	binaryMode?: 'default' | 'filesystem';
	/** Storage folder for filesystem mode (default: one temporary folder per process). */
	binaryDataDir?: string;
	/** Execution mode (default 'manual'; sendMessageToUI only reaches the UI in manual mode). */
	mode?: WorkflowExecuteMode;
	/** Aborting it cancels the running execution, as the editor's stop button does. */
	signal?: AbortSignal;
	/**
	 * After an abort, how long to wait for the running node to give up before resolving with
	 * the run data n8n-core reported at cancellation (default 5000 ms). A node that ignores
	 * the cancel signal then keeps running in the background until it returns.
	 */
	cancelGraceMs?: number;
	/** Receives `this.sendMessageToUI(...)`: the node's name and the message (an array if several). */
	onMessageToUI?: (nodeName: string, message: unknown) => void;
	executionId?: string;
	/** Name of the node to start from (default: the Manual Trigger, else n8n's own choice). */
	startNode?: string;
}

export interface RunWorkflowResult {
	run: IRun;
	/** `run.status`: 'success', 'error', 'canceled', 'waiting', … */
	status: string;
	/** `run.data.resultData.error` */
	error?: ExecutionError;
	/** Output items of the node's last run (`[]` if it did not run). */
	items(nodeName: string, output?: number): INodeExecutionData[];
	/**
	 * The bytes of a binary property, stored inline or by id. Data stored by id is read from
	 * the current filesystem storage folder, so read it before a later run switches folders.
	 */
	binaryBuffer(item: INodeExecutionData, property?: string): Promise<Buffer>;
	/** How many times the node's execute/trigger/poll was entered: every retry counts. */
	runCount(nodeName: string): number;
	/** Binary data folder of this run (filesystem mode only). */
	binaryDataDir?: string;
}

const HOST = 'http://127.0.0.1:5678';

let executionCounter = 0;

// ------------------------------------------------------------------- runWorkflow

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const mode = options.mode ?? 'manual';
	const executionId = options.executionId ?? String(++executionCounter);
	const workflowJson = JSON.parse(JSON.stringify(options.workflow)) as WorkflowJson;

	const release = await processSettings.acquire({
		binaryMode: options.binaryMode ?? 'default',
		binaryDataDir: options.binaryDataDir,
	});
	try {
		const known = { ...baseNodeTypes(), ...loadDefaultNodeTypes(), ...options.nodeTypes };
		const nodeTypes = new HarnessNodeTypes({ ...pinnedNodeTypes(workflowJson, known), ...known });
		const credentialsHelper = new HarnessCredentialsHelper(
			credentialTypeMap(options.credentialTypes),
			{ ...options.credentials },
		);

		const workflow = new Workflow({
			id: workflowJson.id ?? 'harness-workflow',
			name: workflowJson.name ?? 'Harness workflow',
			nodes: workflowJson.nodes as unknown as INode[],
			connections: workflowJson.connections as IConnections,
			active: false,
			nodeTypes,
			settings: (workflowJson.settings ?? {}) as IWorkflowSettings,
			staticData: (workflowJson.staticData ?? {}) as IDataObject,
		});

		const hooks = new ExecutionLifecycleHooks(
			mode,
			executionId,
			workflowBase(workflowJson, workflow),
		);
		let reportedRun: IRun | undefined;
		hooks.addHandler('workflowExecuteAfter', (run) => {
			reportedRun ??= run;
		});

		const additionalData = buildAdditionalData(credentialsHelper, {
			executionId,
			workflow,
			onMessageToUI: options.onMessageToUI,
		});
		additionalData.hooks = hooks;

		const startNode = pickStartNode(workflow, options.startNode);
		const execution = new WorkflowExecute(additionalData, mode).run({
			workflow,
			startNode,
			pinData: workflowJson.pinData as IPinData | undefined,
		});

		const run = await settle(
			execution,
			options.signal,
			options.cancelGraceMs ?? 5000,
			() => reportedRun,
		);
		return buildResult(run, workflow, nodeTypes, release.binaryDataDir);
	} finally {
		release();
	}
}

async function settle(
	execution: Promise<IRun> & { cancel(): void },
	signal: AbortSignal | undefined,
	graceMs: number,
	reportedRun: () => IRun | undefined,
): Promise<IRun> {
	if (!signal) return await execution;
	let canceled = false;
	let timer: NodeJS.Timeout | undefined;
	let onAbort: (() => void) | undefined;
	const abandoned = new Promise<IRun>((resolve) => {
		onAbort = () => {
			canceled = true;
			// PCancelable.cancel(): n8n-core marks the run canceled, aborts the signal that
			// getExecutionCancelSignal() hands to nodes and reports the run so far through
			// the workflowExecuteAfter hook.
			execution.cancel();
			timer = setTimeout(() => {
				const run = reportedRun();
				if (run) resolve(run);
			}, graceMs);
		};
		if (signal.aborted) onAbort();
		else signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		const run = await Promise.race([execution, abandoned]);
		// After a cancel the promise resolves with the status the interrupted node caused
		// (usually 'error': an aborted sleep or request is not a "canceled" error to
		// n8n-core), but n8n records the run its hook received at cancellation, whose
		// status is 'canceled'. Both share the same run data.
		return canceled ? (reportedRun() ?? run) : run;
	} finally {
		if (timer) clearTimeout(timer);
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}

function buildResult(
	run: IRun,
	workflow: Workflow,
	nodeTypes: HarnessNodeTypes,
	binaryDataDir: string | undefined,
): RunWorkflowResult {
	const assertNode = (nodeName: string) => {
		const node = workflow.getNode(nodeName);
		if (node === null) throw new Error(`The workflow has no node named "${nodeName}"`);
		return node;
	};
	return {
		run,
		status: run.status,
		error: run.data.resultData.error,
		binaryDataDir,
		items(nodeName, output = 0) {
			assertNode(nodeName);
			const last = run.data.resultData.runData[nodeName]?.at(-1);
			return last?.data?.main?.[output] ?? [];
		},
		async binaryBuffer(item, property = 'data') {
			const binary = item.binary?.[property];
			if (binary === undefined) throw new Error(`The item has no binary property "${property}"`);
			if (binary.id) return await Container.get(BinaryDataService).getAsBuffer(binary);
			return Buffer.from(binary.data, BINARY_ENCODING);
		},
		runCount(nodeName) {
			const node = assertNode(nodeName);
			if (nodeTypes.isInstrumented(node.type)) return nodeTypes.callCount(nodeName);
			// Declarative nodes have no function of their own to count: count their runs.
			return run.data.resultData.runData[nodeName]?.length ?? 0;
		},
	};
}

function pickStartNode(workflow: Workflow, name?: string): INode | undefined {
	if (name !== undefined) {
		const node = workflow.getNode(name);
		if (node === null) throw new Error(`Start node "${name}" is not in the workflow`);
		return node;
	}
	const manual = Object.values(workflow.nodes).find(
		(node) => node.type === 'n8n-nodes-base.manualTrigger' && node.disabled !== true,
	);
	return manual ?? workflow.getStartNode();
}

function workflowBase(json: WorkflowJson, workflow: Workflow): IWorkflowBase {
	const now = new Date();
	return {
		id: workflow.id,
		name: workflow.name ?? '',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		settings: workflow.settings,
		pinData: json.pinData as IPinData | undefined,
	};
}

function credentialTypeMap(extra: ICredentialType[] = []): Record<string, ICredentialType> {
	const types = loadDefaultCredentialTypes();
	for (const type of extra) types[type.name] = type;
	return types;
}

function buildAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	context: {
		executionId?: string;
		workflow?: Workflow;
		onMessageToUI?: (nodeName: string, message: unknown) => void;
	},
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new Error(`${what} is not available in the harness`);
	};
	const { onMessageToUI } = context;
	return {
		credentialsHelper,
		executionId: context.executionId,
		workflowId: context.workflow?.id,
		workflowSettings: context.workflow?.settings,
		currentNodeExecutionIndex: 0,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		restApiUrl: `${HOST}/rest`,
		instanceBaseUrl: `${HOST}/`,
		formBaseUrl: `${HOST}/form`,
		formWaitingBaseUrl: `${HOST}/form-waiting`,
		formTestBaseUrl: `${HOST}/form-test`,
		webhookBaseUrl: `${HOST}/webhook`,
		webhookWaitingBaseUrl: `${HOST}/webhook-waiting`,
		webhookTestBaseUrl: `${HOST}/webhook-test`,
		mcpBaseUrl: `${HOST}/mcp`,
		mcpTestBaseUrl: `${HOST}/mcp-test`,
		executeWorkflow: unsupported('Running sub-workflows'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: unsupported('The task runner (Code node)'),
		logAiEvent: () => {},
		// n8n-core's sendMessageToUI() (manual mode only) ends up here.
		sendDataToUI: onMessageToUI
			? (type, data) => {
					if (type !== 'sendConsoleMessage' || Array.isArray(data)) return;
					const source = String(data.source ?? '');
					const nodeName = /^\[Node: "(.*)"\]$/.exec(source)?.[1] ?? source;
					const messages = Array.isArray(data.messages) ? data.messages : [data.messages];
					onMessageToUI(nodeName, messages.length === 1 ? messages[0] : messages);
				}
			: undefined,
	};
}

// ------------------------------------------------------------- process-wide settings

interface ProcessSettings {
	binaryMode: 'default' | 'filesystem';
	binaryDataDir?: string;
}

/**
 * n8n-core keeps the binary-data mode in a process-wide singleton. Runs
 * that overlap in time must agree on them; sequential runs may change them freely.
 */
const processSettings = new (class {
	private active = 0;

	private current?: { binaryMode: 'default' | 'filesystem'; binaryDataDir?: string };

	private processBinaryDir?: string;

	async acquire(wanted: ProcessSettings): Promise<(() => void) & { binaryDataDir?: string }> {
		const binaryDataDir =
			wanted.binaryMode === 'filesystem'
				? (wanted.binaryDataDir ??
					(this.processBinaryDir ??= mkdtempSync(join(tmpdir(), 'n8n-binary-'))))
				: undefined;
		const next = { binaryMode: wanted.binaryMode, binaryDataDir };

		if (this.active > 0) {
			const same =
				this.current?.binaryMode === next.binaryMode &&
				this.current.binaryDataDir === next.binaryDataDir;
			if (!same) {
				throw new Error(
					'Overlapping harness runs must use the same binaryMode and binaryDataDir (n8n-core keeps them process-wide)',
				);
			}
		} else {
			await this.applyBinaryMode(next.binaryMode, binaryDataDir);
			this.current = next;
		}
		this.active++;

		let released = false;
		const release = Object.assign(
			() => {
				if (released) return;
				released = true;
				this.active--;
			},
			{ binaryDataDir },
		);
		return release;
	}

	private async applyBinaryMode(mode: 'default' | 'filesystem', dir?: string): Promise<void> {
		const config = Container.get(BinaryDataConfig);
		const service = Container.get(BinaryDataService);
		const before = this.current;
		if (mode === 'filesystem') {
			if (before?.binaryMode === 'filesystem' && before.binaryDataDir === dir) return;
			config.mode = 'filesystem';
			config.localStoragePath = dir as string;
			await service.init();
			return;
		}
		// Before any init() the service has no storage manager and keeps data inline. After a
		// filesystem run, re-initialising in 'default' mode brings inline storage back while
		// the filesystem manager stays available for reading ids stored earlier.
		if (config.mode === 'default' && before?.binaryMode !== 'filesystem') return;
		config.mode = 'default';
		if (before?.binaryMode === 'filesystem') await service.init();
	}
})();

// ---------------------------------------------------------------- testCredential

export interface TestCredentialOptions {
	/**
	 * The test request may only go to a loopback address unless this is set, so a test that
	 * forgets the base URL fails instead of calling the real API.
	 */
	allowNonLoopback?: boolean;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	/** What n8n's credential test shows. */
	message: string;
	/** HTTP status of a failed test request. */
	httpStatus?: number;
	/** The API's own error message from the response body, when it has one. */
	apiMessage?: string;
}

/**
 * Runs a credential type's `test.request` the way n8n's credential tester does: the request
 * becomes the routing request of a temporary No-Op node, n8n-core's RoutingNode resolves its
 * expressions (with `$credentials`), the credential's `authenticate` is applied and the
 * request is sent for real. Any 2xx is 'OK'; otherwise the message is what n8n reports (the
 * response's status text), and the body's own message is returned as `apiMessage`.
 */
export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
	options: TestCredentialOptions = {},
): Promise<CredentialTestResult> {
	const { test } = credentialType;
	if (!test) return { status: 'Error', message: 'No testing function found for this credential.' };

	const typeName = credentialType.name;
	const helper = new HarnessCredentialsHelper(
		{ ...loadDefaultCredentialTypes(), [typeName]: credentialType },
		{ [typeName]: data },
	);
	let blocked: string | undefined;
	if (!options.allowNonLoopback) {
		helper.requestGuard = (request) => {
			const target = requestUrl(request);
			if (!isLoopback(target)) {
				blocked = target;
				throw new Error(`Refusing to send a credential test to ${target}`);
			}
		};
	}

	let credentials: ICredentialDataDecryptedObject;
	try {
		credentials = helper.withDefaults(typeName, data);
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}

	const noOp = new CaptureStandIn();
	const testNodeType: INodeType = {
		description: {
			...noOp.description,
			name: 'n8n-nodes-base.noOp',
			credentials: [{ name: typeName, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [typeName]: { id: 'harness', name: credentialType.displayName } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes({ 'n8n-nodes-base.noOp': testNodeType } as NodeTypeMap),
	});
	const additionalData = buildAdditionalData(helper, {});
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const routing = new RoutingNode(context, testNodeType, {
		id: 'harness',
		name: credentialType.displayName,
		type: typeName,
		data: credentials,
	});

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routing.runNode();
	} catch (error) {
		if (blocked !== undefined) {
			return {
				status: 'Error',
				message: `Refusing to send a credential test to ${blocked}: only loopback addresses are allowed unless allowNonLoopback is set`,
			};
		}
		return describeTestFailure(error, test.rules);
	}

	for (const rule of test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const body = response?.[0]?.[0]?.json;
		if (body !== undefined && readPath(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

function describeTestFailure(
	error: unknown,
	rules: NonNullable<ICredentialType['test']>['rules'],
): CredentialTestResult {
	const cause = (error as { cause?: { response?: HttpErrorResponse; code?: string } }).cause;
	const response = cause?.response;
	if (response) {
		const httpStatus = response.status;
		const apiMessage = bodyMessage(response.data);
		for (const rule of rules ?? []) {
			if (rule.type === 'responseCode' && rule.properties.value === httpStatus) {
				return { status: 'Error', message: rule.properties.message, httpStatus, apiMessage };
			}
		}
		if (httpStatus < 200 || httpStatus > 299) {
			return {
				status: 'Error',
				message: response.statusText || `Received HTTP status code: ${httpStatus}`,
				httpStatus,
				apiMessage,
			};
		}
	} else if (cause?.code) {
		return { status: 'Error', message: cause.code };
	}
	return { status: 'Error', message: String((error as Error).message) };
}

interface HttpErrorResponse {
	status: number;
	statusText?: string;
	data?: unknown;
}

function bodyMessage(body: unknown): string | undefined {
	let parsed = body;
	if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
	if (typeof parsed === 'string') {
		const text = parsed;
		try {
			parsed = JSON.parse(text);
		} catch {
			return text.trim() || undefined;
		}
	}
	if (parsed !== null && typeof parsed === 'object') {
		const { message, error } = parsed as { message?: unknown; error?: unknown };
		if (typeof message === 'string') return message;
		if (typeof error === 'string') return error;
		if (
			error !== null &&
			typeof error === 'object' &&
			typeof (error as IDataObject).message === 'string'
		) {
			return (error as IDataObject).message as string;
		}
	}
	return undefined;
}

function requestUrl(request: IHttpRequestOptions): string {
	try {
		return new URL(request.url, request.baseURL).toString();
	} catch {
		return `${request.baseURL ?? ''}${request.url}`;
	}
}

function isLoopback(url: string): boolean {
	try {
		const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
		return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
	} catch {
		return false;
	}
}

function readPath(source: IDataObject, path: string): unknown {
	let current: unknown = source;
	for (const segment of path
		.replace(/\[(\d+)\]/g, '.$1')
		.split('.')
		.filter(Boolean)) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}

/** The folder n8n-core uses as its instance folder in this process. */
export const harnessUserFolder = n8nUserFolder;
