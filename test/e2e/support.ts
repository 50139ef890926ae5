/**
 * Shared pieces of the end-to-end tests: typed handles on the plain-JS scripts in test/e2e/rig,
 * the build + pack step, and copies of the example workflows made fit for a quick CI run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface N8nInstall {
	dir: string;
	version: string;
	node: string;
	nodeBinDir: string;
	bin: string;
	cached: boolean;
	seconds: number;
}

export interface CliResult {
	status: number | string | null;
	stdout: string;
	stderr: string;
	seconds: number;
}

export interface RunData {
	json: Record<string, unknown>;
	binary?: Record<
		string,
		{ mimeType: string; fileName?: string; fileSize?: string; fileExtension?: string }
	>;
	pairedItem?: { item: number } | Array<{ item: number }>;
}

export interface WorkflowRun {
	status?: string;
	finished?: boolean;
	data: { resultData: { error?: unknown; runData: Record<string, unknown> } };
}

export interface StartedN8n {
	url: string;
	child: { pid?: number };
	stop(): Promise<void>;
}

interface CacheModule {
	cacheDir(): string;
	ensureN8n2(): N8nInstall;
	ensureN8n1(): N8nInstall;
	N8N2_VERSION: string;
	N8N1_VERSION: string;
}

interface InstanceModule {
	REPO_ROOT: string;
	PACKAGE_NAME: string;
	CREDENTIAL_ID: string;
	packPackage(destDir: string): {
		tarball: string;
		report: { size: number; unpackedSize: number; files: Array<{ path: string }> };
	};
	installIntoUserFolder(
		userFolder: string,
		tarball: string,
		nodeBinDir: string,
	): { nodesDir: string; packageDir: string; seconds: number };
	freePort(): Promise<number>;
	n8nEnv(n8n: N8nInstall, userFolder: string, extra?: Record<string, string>): NodeJS.ProcessEnv;
	runCli(n8n: N8nInstall, env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult>;
	importCredential(
		n8n: N8nInstall,
		env: NodeJS.ProcessEnv,
		dir: string,
		data: { apiKey: string; baseUrl: string },
	): Promise<CliResult>;
	importWorkflows(n8n: N8nInstall, env: NodeJS.ProcessEnv, fileOrDir: string): Promise<CliResult>;
	executeWorkflow(
		n8n: N8nInstall,
		env: NodeJS.ProcessEnv,
		id: string,
	): Promise<{ run: WorkflowRun; seconds: number; status: number | string | null }>;
	nodeItems(run: WorkflowRun, nodeName: string): RunData[];
	startN8n(
		n8n: N8nInstall,
		env: NodeJS.ProcessEnv,
		options: { port: number; logFile?: string },
	): Promise<StartedN8n>;
	ownerCookie(url: string): Promise<string>;
	rest<T = unknown>(
		url: string,
		cookie: string,
		method: string,
		route: string,
		body?: unknown,
	): Promise<T>;
	FINISHED: string[];
	readExecution(
		n8n: N8nInstall,
		url: string,
		cookie: string,
		executionId: string,
	): Promise<ExecutionRead>;
	waitForExecution(
		n8n: N8nInstall,
		url: string,
		cookie: string,
		executionId: string,
		statuses?: string[],
		timeoutMs?: number,
	): Promise<ExecutionRead>;
	tempDir(prefix: string): string;
}

/** A worker process of the queue-mode rig. */
export interface QueueWorker {
	name: string;
	logFile: string;
	concurrency: number;
	child: { pid?: number };
}

/** One job a worker ran, from its log lines (a resumed execution has one job per resume). */
export interface WorkerJob {
	executionId: string;
	jobId: string;
	logFile: string;
	startedAt: number;
	endedAt: number;
	outcome: 'finished' | 'errored' | 'unfinished';
}

export interface ExecutionRead {
	status: string;
	finished: boolean;
	runData: Record<string, Array<{ data?: { main?: Array<RunData[] | null> } }>>;
	error?: unknown;
	execution: Record<string, unknown>;
}

export interface DeployedWorkflow {
	id: string;
	webhookPath: string;
}

/** n8n in queue mode on Postgres and Redis (test/e2e/rig/queue-mode.js). */
export interface QueueRig {
	dir: string;
	url: string;
	env: NodeJS.ProcessEnv;
	workers: QueueWorker[];
	startMain(): Promise<StartedN8n>;
	killMain(): Promise<void>;
	restartMain(): Promise<StartedN8n>;
	startWorker(options?: { concurrency?: number }): Promise<QueueWorker>;
	killWorker(worker: QueueWorker): Promise<void>;
	importCredential(data: { apiKey: string; baseUrl: string }): Promise<CliResult>;
	deployWebhookWorkflow(workflow: Workflow, options?: { id?: string }): Promise<DeployedWorkflow>;
	/** Resolves once main listens on the webhook `webhookPath` (a published workflow's other webhooks). */
	waitForWebhook(webhookPath: string): Promise<void>;
	trigger(deployed: DeployedWorkflow, body?: unknown): Promise<string>;
	readExecution(executionId: string): Promise<ExecutionRead>;
	waitForStatus(
		executionId: string,
		statuses: string[],
		timeoutMs?: number,
	): Promise<ExecutionRead>;
	waitForFinish(executionId: string, timeoutMs?: number): Promise<ExecutionRead>;
	rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
	workerJobs(): WorkerJob[];
	workerBusyMs(): Map<string, number>;
	workerLogFiles(): string[];
	tails(lines?: number): string;
	stop(): Promise<void>;
}

interface QueueModule {
	DEBIAN_PACKAGES: string;
	FINISHED: string[];
	serverBinaries(): { redisServer: string; pgBin: string };
	startQueueRig(options: {
		n8n: N8nInstall;
		tarball?: string;
		workers?: number;
		concurrency?: number;
		env?: Record<string, string>;
	}): Promise<QueueRig>;
	webhookWorkflow(workflow: Workflow, webhookPath: string): Workflow;
	nodeItemsAllRuns(
		runData: ExecutionRead['runData'],
		nodeName: string,
		outputIndex?: number,
	): RunData[];
	workerJobs(logFiles: string[]): WorkerJob[];
	workerBusyMs(logFiles: string[]): Map<string, number>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const cache = require('./rig/n8n-cache.js') as CacheModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const instance = require('./rig/n8n-instance.js') as InstanceModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const queue = require('./rig/queue-mode.js') as QueueModule;

export const REPO_ROOT = instance.REPO_ROOT;
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

let built = false;
/** `npm run build` once per test process (the e2e tests test what `npm pack` ships). */
export function buildOnce(): void {
	if (built) return;
	const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (result.status !== 0)
		throw new Error(`npm run build failed\n${result.stdout}\n${result.stderr}`);
	built = true;
}

export interface Workflow {
	id?: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		typeVersion: number;
		parameters: Record<string, unknown>;
		[key: string]: unknown;
	}>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export function readExample(file: string): Workflow {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Workflow;
}

export function nodeOf(workflow: Workflow, name: string): Workflow['nodes'][number] {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`${workflow.name} has no node "${name}"`);
	return node;
}

/** Lowers the poll interval of every AIML API Veo node that waits (the simulator finishes in about a second). */
export function shortPolls(workflow: Workflow): Workflow {
	for (const node of workflow.nodes) {
		if (!node.type.endsWith('.aimlApiVeo') || node.parameters.waitForCompletion !== true) continue;
		node.parameters.waitOptions = { ...(node.parameters.waitOptions as object), pollInterval: 1 };
	}
	return workflow;
}

export function isMp4(file: string): boolean {
	const head = Buffer.alloc(8);
	const fd = fs.openSync(file, 'r');
	try {
		fs.readSync(fd, head, 0, 8, 0);
	} finally {
		fs.closeSync(fd);
	}
	return head.toString('latin1', 4, 8) === 'ftyp';
}

export function seconds(since: number): string {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
