'use strict';
// Runs n8n in queue mode the way it is run in production: a main process (`n8n start`) that takes
// webhooks and resumes waiting executions, workers (`n8n worker`) that run every production
// execution, Redis between them, Postgres under all of them. Each server is a child of this
// process on 127.0.0.1, on free ports, in temp folders; the rig can SIGKILL any n8n process and
// start another, reads executions over n8n's REST API and measures how long workers held each
// execution from their logs. Used by the end-to-end tests in test/e2e.
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');

const {
	freePort,
	importCredential,
	installIntoUserFolder,
	importWorkflows,
	n8nEnv,
	ownerCookie,
	rest,
	FINISHED,
	readExecution,
	waitForExecution,
	startN8n,
	tempDir,
	waitFor,
} = require('./n8n-instance');

const DEBIAN_PACKAGES = 'redis-server postgresql';
// Generous: a readiness timeout decides no outcome, and a restart on a machine loaded by other work
// (load average 10 and more) has taken over 180 s.
const START_TIMEOUT_MS = 360000;
const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';

// ---------------------------------------------------------------------------------------------
// processes

/** Every process below `pid`, read from /proc (children first found, grandchildren after). */
function descendants(pid) {
	const parentOf = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// the command name may contain spaces and parentheses: the fields start after the last ')'
			const [, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			parentOf.set(Number(entry), Number(ppid));
		} catch {
			// the process ended while we read
		}
	}
	const found = [];
	const queue = [pid];
	while (queue.length > 0) {
		const parent = queue.shift();
		for (const [child, ppid] of parentOf) {
			if (ppid === parent) {
				found.push(child);
				queue.push(child);
			}
		}
	}
	return found;
}

function hasExited(child) {
	return child.exitCode !== null || child.signalCode !== null;
}

function exited(child) {
	if (hasExited(child)) return Promise.resolve();
	return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Sends `signal` to a child and every process it started (n8n starts a task-runner process of its
 * own), like a container dying. The tree is listed before anything is killed: once a parent is
 * gone its children belong to init and cannot be found from it any more.
 */
async function killTree(child, signal = 'SIGKILL') {
	if (hasExited(child)) return;
	for (const pid of [child.pid, ...descendants(child.pid)]) {
		try {
			process.kill(pid, signal);
		} catch {
			// already gone
		}
	}
	await exited(child);
}

/** Runs a command to completion without blocking the event loop; throws with its output on failure. */
function run(command, args, options = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		const output = [];
		child.stdout.on('data', (chunk) => output.push(chunk));
		child.stderr.on('data', (chunk) => output.push(chunk));
		child.on('error', reject);
		child.on('close', (status) => {
			const text = Buffer.concat(output).toString('utf8');
			if (status === 0) resolve(text);
			else
				reject(
					new Error(
						`${path.basename(command)} ${args.join(' ')} exited with ${status}\n${text.slice(-4000)}`,
					),
				);
		});
	});
}

/** Starts a long-running server whose stdout and stderr go to `logFile`. */
function spawnLogged(command, args, logFile, options = {}) {
	const out = fs.openSync(logFile, 'a');
	try {
		const child = spawn(command, args, { ...options, stdio: ['ignore', out, out] });
		// without a listener a failed spawn would throw in whichever test is running
		child.on('error', (error) =>
			fs.appendFileSync(logFile, `spawn ${command} failed: ${error.message}\n`),
		);
		return child;
	} finally {
		fs.closeSync(out);
	}
}

// ---------------------------------------------------------------------------------------------
// Redis and Postgres from the Debian packages

function onPath(name) {
	const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin'];
	return dirs.map((dir) => path.join(dir, name)).find((file) => fs.existsSync(file));
}

/** The newest /usr/lib/postgresql/<version>/bin that holds the server. */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs.readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v))
		: [];
	versions.sort((a, b) => Number(b) - Number(a));
	return versions
		.map((v) => path.join(root, v, 'bin'))
		.find(
			(dir) => fs.existsSync(path.join(dir, 'postgres')) && fs.existsSync(path.join(dir, 'initdb')),
		);
}

/** Paths of redis-server and the Postgres server binaries; throws naming the Debian packages when any is missing. */
function serverBinaries() {
	const redisServer = onPath('redis-server');
	const pgBin = postgresBinDir();
	const missing = [
		!redisServer && 'redis-server',
		!pgBin && 'postgres + initdb under /usr/lib/postgresql/<version>/bin',
	].filter(Boolean);
	if (missing.length > 0) {
		throw new Error(
			`n8n queue mode needs Redis and PostgreSQL servers; missing: ${missing.join(', ')}. ` +
				`Install the Debian packages: apt-get install -y ${DEBIAN_PACKAGES}`,
		);
	}
	return { redisServer, pgBin };
}

/** PING over the Redis protocol; resolves true on +PONG. */
function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let reply = '';
		socket.setTimeout(2000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString('latin1');
			if (reply.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(reply.startsWith('+PONG')));
		socket.on('error', () => resolve(false));
	});
}

/** redis-server on 127.0.0.1:<free port>, no persistence. Returns { port, logFile, stop() }. */
async function startRedis(dir) {
	const { redisServer } = serverBinaries();
	const port = await freePort();
	const logFile = path.join(dir, 'redis.log');
	const child = spawnLogged(
		redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		],
		logFile,
	);
	const stop = () => killTree(child, 'SIGTERM');
	try {
		await waitFor(
			async () => {
				if (hasExited(child)) throw new Error(`redis-server exited; see ${logFile}`);
				return redisPing(port);
			},
			30000,
			`redis-server on port ${port}`,
		);
	} catch (error) {
		await stop();
		throw error;
	}
	return { port, logFile, stop };
}

/**
 * Postgres refuses to run as root: as root, the cluster belongs to the `postgres` user (created by
 * the Debian package) and the server runs as that user; otherwise as whoever runs the tests.
 */
function postgresOwner() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	const id = (flag) =>
		Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	if (!Number.isInteger(uid) || uid <= 0)
		throw new Error(
			`running as root, but there is no "postgres" user to run Postgres as; apt-get install -y ${DEBIAN_PACKAGES}`,
		);
	return { uid, gid: id('-g') };
}

async function initCluster(pgBin, dir, owner, superPassword) {
	const pwfile = path.join(dir, 'superuser.pw');
	fs.writeFileSync(pwfile, superPassword, { mode: 0o600 });
	if (owner) {
		fs.chownSync(dir, owner.uid, owner.gid);
		fs.chownSync(pwfile, owner.uid, owner.gid);
	}
	// trust over the unix socket in the cluster's own folder (for setting it up), passwords over TCP
	await run(
		path.join(pgBin, 'initdb'),
		[
			'-D',
			path.join(dir, 'data'),
			'-U',
			'postgres',
			`--pwfile=${pwfile}`,
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'--encoding=UTF8',
			'--locale=C',
			'--no-sync',
		],
		{ ...owner, cwd: dir },
	);
}

function psql(pgBin, dir, port, sql) {
	return run(path.join(pgBin, 'psql'), [
		'-X',
		'-h',
		dir,
		'-p',
		String(port),
		'-U',
		'postgres',
		'-d',
		'postgres',
		'-v',
		'ON_ERROR_STOP=1',
		'-Atc',
		sql,
	]);
}

/**
 * A Postgres cluster of its own in a temp folder, listening on 127.0.0.1:<free port> and a unix
 * socket in that folder, with a database and a password-authenticated role for n8n.
 * Returns { host, port, database, user, password, dir, logFile, stop() }.
 */
async function startPostgres() {
	const { pgBin } = serverBinaries();
	const owner = postgresOwner();
	// a folder of its own: the one the rig keeps its logs in is private to this user
	const dir = tempDir('n8n-queue-postgres-');
	const db = {
		host: '127.0.0.1',
		port: await freePort(),
		database: 'n8n',
		user: 'n8n',
		password: crypto.randomBytes(12).toString('hex'),
		dir,
	};
	db.logFile = path.join(dir, 'postgres.log');
	let child;
	// SIGINT is Postgres's "fast shutdown": it ends its backends and exits
	db.stop = async () => {
		if (child) {
			const timer = setTimeout(() => killTree(child, 'SIGKILL'), 20000);
			await killTree(child, 'SIGINT');
			clearTimeout(timer);
		}
		fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		await initCluster(pgBin, dir, owner, crypto.randomBytes(12).toString('hex'));
		// fsync off: the tests kill n8n processes, never Postgres or the machine
		child = spawnLogged(
			path.join(pgBin, 'postgres'),
			[
				'-D',
				path.join(dir, 'data'),
				'-p',
				String(db.port),
				'-k',
				dir,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'max_connections=200',
			],
			db.logFile,
			{ ...owner, cwd: dir },
		);
		await waitFor(
			async () => {
				if (hasExited(child))
					throw new Error(`postgres exited: ${fs.readFileSync(db.logFile, 'utf8').slice(-2000)}`);
				return (await psql(pgBin, dir, db.port, 'select 1')).trim() === '1';
			},
			60000,
			`postgres on port ${db.port}`,
		);
		await psql(pgBin, dir, db.port, `CREATE ROLE ${db.user} LOGIN PASSWORD '${db.password}'`);
		await psql(pgBin, dir, db.port, `CREATE DATABASE ${db.database} OWNER ${db.user}`);
	} catch (error) {
		await db.stop();
		throw error;
	}
	return db;
}

// ---------------------------------------------------------------------------------------------
// n8n in queue mode

/** The environment main and workers share: queue mode, the same Redis, Postgres and encryption key, JSON logs (they carry timestamps). */
function queueEnv(n8n, userFolder, { redis, postgres, encryptionKey }, extra = {}) {
	return n8nEnv(n8n, userFolder, {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_LOG_FORMAT: 'json',
		N8N_LOG_LEVEL: 'info',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		...extra,
	});
}

/**
 * `n8n worker`; resolves once its readiness endpoint says the database and Redis are connected and
 * it takes jobs. Each worker needs its own health-server and task-broker port.
 */
async function startWorkerProcess(n8n, env, { concurrency, logFile }) {
	const healthPort = await freePort();
	const workerEnv = {
		...env,
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	};
	const child = spawnLogged(
		n8n.node,
		[n8n.bin, 'worker', `--concurrency=${concurrency}`],
		logFile,
		{ env: workerEnv },
	);
	try {
		await waitFor(
			async () => {
				if (hasExited(child))
					throw new Error(
						`n8n worker exited with ${child.exitCode ?? child.signalCode}; see ${logFile}`,
					);
				return (await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`)).ok;
			},
			START_TIMEOUT_MS,
			`n8n worker (${path.basename(logFile)})`,
		);
	} catch (error) {
		await killTree(child);
		throw error;
	}
	return child;
}

/** A copy of `workflow` whose Manual Trigger is a Webhook node (POST `webhookPath`, answers at once), under the same name. */
function webhookWorkflow(workflow, webhookPath) {
	const copy = JSON.parse(JSON.stringify(workflow));
	const trigger = copy.nodes.find((node) => node.type === MANUAL_TRIGGER);
	if (!trigger) throw new Error(`workflow "${copy.name}" has no Manual Trigger to replace`);
	Object.assign(trigger, {
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
	});
	return copy;
}

/** Every item a node output on `outputIndex`, over all its runs (in a loop a node runs several times). */
function nodeItemsAllRuns(runData, nodeName, outputIndex = 0) {
	const runs = runData[nodeName];
	if (!runs)
		throw new Error(
			`node "${nodeName}" did not run; nodes that ran: ${Object.keys(runData).join(', ')}`,
		);
	return runs.flatMap((taskData) => taskData.data?.main?.[outputIndex] ?? []);
}

// ---------------------------------------------------------------------------------------------
// worker time from the worker logs

const JOB_LINE = /^Worker (started|finished|errored while running) execution (\S+) \(job (\S+)\)/;

function logRecords(logFile) {
	let text;
	try {
		text = fs.readFileSync(logFile, 'utf8');
	} catch {
		return [];
	}
	const records = [];
	for (const line of text.split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			// n8n's JSON format keeps the timestamp among the metadata
			const { message, level, metadata = {} } = JSON.parse(line);
			const time = Date.parse(metadata.timestamp);
			if (typeof message === 'string' && Number.isFinite(time))
				records.push({ message, level, time, metadata });
		} catch {
			// not a log record
		}
	}
	return records;
}

/**
 * The jobs n8n workers ran, from their log lines "Worker started execution E (job J)" and
 * "Worker finished execution E (job J)" (or "Worker errored while running ..."): one entry per
 * job with { executionId, jobId, logFile, startedAt, endedAt, outcome }. A job a killed worker
 * never finished ends at that worker's last log line, with outcome 'unfinished'.
 */
function workerJobs(logFiles) {
	const jobs = [];
	for (const logFile of logFiles) {
		const open = new Map();
		let last;
		for (const record of logRecords(logFile)) {
			last = record.time;
			const match = JOB_LINE.exec(record.message);
			if (!match) continue;
			const [, event, executionId, jobId] = match;
			if (event === 'started') {
				const job = {
					executionId,
					jobId,
					logFile,
					startedAt: last,
					endedAt: undefined,
					outcome: 'unfinished',
				};
				open.set(jobId, job);
				jobs.push(job);
			} else if (open.has(jobId)) {
				Object.assign(open.get(jobId), {
					endedAt: last,
					outcome: event === 'finished' ? 'finished' : 'errored',
				});
				open.delete(jobId);
			}
		}
		for (const job of open.values()) job.endedAt = last;
	}
	return jobs;
}

/** Milliseconds workers were busy with each execution, summed over all its jobs (the first run and every resume). */
function workerBusyMs(logFiles) {
	const busy = new Map();
	for (const job of workerJobs(logFiles)) {
		busy.set(job.executionId, (busy.get(job.executionId) ?? 0) + (job.endedAt - job.startedAt));
	}
	return busy;
}

/** The last lines of a log, JSON records shown as "time level message". */
function tail(logFile, lines) {
	let text;
	try {
		text = fs.readFileSync(logFile, 'utf8');
	} catch {
		return '(no log)';
	}
	return text
		.trimEnd()
		.split('\n')
		.slice(-lines)
		.map((line) => {
			try {
				const { level, message, metadata = {} } = JSON.parse(line);
				return `${metadata.timestamp} ${level} ${message}`;
			} catch {
				return line;
			}
		})
		.join('\n');
}

// ---------------------------------------------------------------------------------------------
// the rig

/**
 * Starts Postgres, Redis, n8n main and `workers` workers (each `--concurrency=concurrency`), with
 * the package `tarball` installed in the user folder they share. `env` adds to every n8n
 * process's environment. Returns the rig (see the methods below); call `rig.stop()` when done,
 * whatever happened.
 */
async function startQueueRig({ n8n, tarball, workers = 2, concurrency = 2, env: extraEnv = {} }) {
	const rig = new QueueRig(n8n);
	try {
		if (tarball) installIntoUserFolder(rig.userFolder, tarball, n8n.nodeBinDir);
		await rig.start({ workers, concurrency, extraEnv });
	} catch (error) {
		process.stderr.write(`[queue-mode] start failed; logs:\n${rig.tails()}\n`);
		await rig.stop();
		throw error;
	}
	return rig;
}

class QueueRig {
	constructor(n8n) {
		this.n8n = n8n;
		this.dir = tempDir('n8n-queue-');
		this.userFolder = path.join(this.dir, 'user');
		this.workers = [];
		this.mainStarts = 0;
		this.workerStarts = 0;
		this.logFiles = [];
		this.triggering = Promise.resolve();
	}

	async start({ workers, concurrency, extraEnv }) {
		this.postgres = await startPostgres();
		this.logFiles.push(this.postgres.logFile);
		this.redis = await startRedis(this.dir);
		this.logFiles.push(this.redis.logFile);
		const encryptionKey = crypto.randomBytes(24).toString('hex');
		this.env = queueEnv(
			this.n8n,
			this.userFolder,
			{ redis: this.redis, postgres: this.postgres, encryptionKey },
			extraEnv,
		);
		this.port = await freePort();
		// main first: it creates the schema (migrations) that workers expect
		await this.startMain();
		// allSettled: no worker may still be starting when a failed start tears the rig down
		const started = await Promise.allSettled(
			Array.from({ length: workers }, () => this.startWorker({ concurrency })),
		);
		const failed = started.find((result) => result.status === 'rejected');
		if (failed) throw failed.reason;
	}

	/** `n8n start` on the rig's port (the same one after a restart); logs in as the owner. */
	async startMain() {
		const logFile = this.newLog(`main-${++this.mainStarts}.log`);
		this.main = await startN8n(this.n8n, this.env, {
			port: this.port,
			logFile,
			readyTimeoutMs: START_TIMEOUT_MS,
		});
		this.url = this.main.url;
		// n8n listens (and answers every route with "n8n is starting up", status 200) before its
		// migrations have run; readiness turns 200 once the database is migrated and n8n is up
		await waitFor(
			async () => (await fetch(`${this.url}/healthz/readiness`)).ok,
			START_TIMEOUT_MS,
			`n8n main readiness on ${this.url}`,
		);
		this.cookie = await ownerCookie(this.url);
		return this.main;
	}

	/** SIGKILL of main and its task runner. */
	async killMain() {
		if (this.main) await killTree(this.main.child);
	}

	async restartMain() {
		await this.killMain();
		return this.startMain();
	}

	/** Starts another worker; returns { name, logFile, child, concurrency }. */
	async startWorker({ concurrency = 2 } = {}) {
		const name = `worker-${++this.workerStarts}`;
		const logFile = this.newLog(`${name}.log`);
		const worker = { name, logFile, concurrency, child: undefined };
		worker.child = await startWorkerProcess(this.n8n, this.env, { concurrency, logFile });
		this.workers.push(worker);
		return worker;
	}

	/** SIGKILL of a worker and its task runner. */
	async killWorker(worker) {
		await killTree(worker.child);
		this.workers = this.workers.filter((candidate) => candidate !== worker);
	}

	newLog(name) {
		const file = path.join(this.dir, name);
		this.logFiles.push(file);
		return file;
	}

	workerLogFiles() {
		return this.logFiles.filter((file) => /worker-\d+\.log$/.test(file));
	}

	async importCredential(data) {
		return importCredential(this.n8n, this.env, this.dir, data);
	}

	/**
	 * Imports `workflow` with its Manual Trigger turned into a webhook and publishes it (so main
	 * listens on the webhook). Returns { id, webhookPath }.
	 */
	async deployWebhookWorkflow(workflow, { id = crypto.randomBytes(8).toString('hex') } = {}) {
		const webhookPath = `queue-${id}`;
		const file = path.join(this.dir, `workflow-${id}.json`);
		fs.writeFileSync(
			file,
			JSON.stringify({ ...webhookWorkflow(workflow, webhookPath), id, active: false }),
		);
		await importWorkflows(this.n8n, this.env, file);
		const stored = await this.rest('GET', `/workflows/${id}`);
		await this.rest('POST', `/workflows/${id}/activate`, { versionId: stored.versionId });
		await this.waitForWebhook(webhookPath);
		return { id, webhookPath };
	}

	/**
	 * n8n 2.x publishes an activated workflow through an outbox, after the REST call has answered.
	 * A CORS preflight for the webhook answers 404 until main has registered it, and starts nothing.
	 */
	async waitForWebhook(webhookPath) {
		await waitFor(
			async () => {
				const response = await fetch(`${this.url}/webhook/${webhookPath}`, {
					method: 'OPTIONS',
					headers: { origin: this.url, 'access-control-request-method': 'POST' },
				});
				return response.status === 204;
			},
			60000,
			`main to register the webhook ${webhookPath}`,
		);
	}

	rest(method, route, body) {
		return rest(this.url, this.cookie, method, route, body);
	}

	async executionIds(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.rest('GET', `/executions?filter=${filter}&limit=100`);
		return page.results.map((execution) => Number(execution.id));
	}

	/**
	 * POSTs `body` to the workflow's webhook and returns the new execution's id. The webhook answers
	 * without the id, so the id is the one that appears after the call: triggers are serialized.
	 */
	trigger(deployed, body = {}) {
		const next = this.triggering.then(() => this.triggerOne(deployed, body));
		this.triggering = next.catch(() => undefined);
		return next;
	}

	async triggerOne({ id, webhookPath }, body) {
		const before = Math.max(0, ...(await this.executionIds(id)));
		const response = await fetch(`${this.url}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (!response.ok)
			throw new Error(
				`POST /webhook/${webhookPath} answered ${response.status}: ${await response.text()}`,
			);
		let executionId;
		await waitFor(
			async () => {
				executionId = (await this.executionIds(id))
					.filter((candidate) => candidate > before)
					.sort((a, b) => a - b)[0];
				return executionId !== undefined;
			},
			30000,
			`the execution of workflow ${id}`,
		);
		return String(executionId);
	}

	/** An execution over REST: { status, finished, runData, error, execution }. */
	readExecution(executionId) {
		return readExecution(this.n8n, this.url, this.cookie, executionId);
	}

	/** Polls until the execution's status is one of `statuses`; returns it as readExecution does. */
	waitForStatus(executionId, statuses, timeoutMs = 5 * 60000) {
		return waitForExecution(this.n8n, this.url, this.cookie, executionId, statuses, timeoutMs);
	}

	/** Waits until the execution has ended (success, error, crashed or canceled); returns { status, runData, ... }. */
	waitForFinish(executionId, timeoutMs = 5 * 60000) {
		return this.waitForStatus(executionId, FINISHED, timeoutMs);
	}

	workerJobs() {
		return workerJobs(this.workerLogFiles());
	}

	workerBusyMs() {
		return workerBusyMs(this.workerLogFiles());
	}

	/** The last lines of every log of the rig, for a failing test. */
	tails(lines = 40) {
		return this.logFiles
			.map((file) => `--- ${path.basename(file)}\n${tail(file, lines)}`)
			.join('\n');
	}

	/** Kills every n8n process, stops Redis and Postgres, removes the temp folders. */
	async stop() {
		const steps = [
			...this.workers.map((worker) => () => killTree(worker.child)),
			() => this.main && killTree(this.main.child),
			() => this.redis?.stop(),
			() => this.postgres?.stop(),
		];
		for (const step of steps) {
			try {
				await step();
			} catch (error) {
				process.stderr.write(`[queue-mode] teardown: ${error.message}\n`);
			}
		}
		this.workers = [];
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

module.exports = {
	QueueRig,
	DEBIAN_PACKAGES,
	FINISHED,
	serverBinaries,
	startPostgres,
	startRedis,
	startQueueRig,
	webhookWorkflow,
	nodeItemsAllRuns,
	workerJobs,
	workerBusyMs,
	killTree,
	run,
};
