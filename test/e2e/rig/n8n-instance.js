'use strict';
// Runs the packed package inside a real n8n: pack, install the tarball the way n8n installs a
// community package, run n8n's CLI commands, start the editor, set up its owner. Used by the
// end-to-end tests (test/e2e) and by `npm run dev`. Every server binds 127.0.0.1.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const PACKAGE_NAME = require(path.join(REPO_ROOT, 'package.json')).name;
const CREDENTIAL_ID = 'aimlapi-veo-credential';
const CREDENTIAL_NAME = 'AIML API account';
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Local',
	lastName: 'Owner',
	password: 'Veo-local-1234',
};

function withNodePath(nodeBinDir, env = process.env) {
	return { ...env, PATH: `${nodeBinDir}${path.delimiter}${env.PATH}` };
}

function check(result, what) {
	if (result.error) throw new Error(`${what}: ${result.error.message}`);
	if (result.status !== 0) {
		throw new Error(
			`${what} exited with ${result.status}\n${String(result.stdout ?? '').slice(-4000)}\n${String(result.stderr ?? '').slice(-4000)}`,
		);
	}
	return result;
}

/** `npm pack` of the built package into destDir; returns the tarball's path and npm's report. */
function packPackage(destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	const result = check(
		spawnSync('npm', ['pack', '--json', '--pack-destination', destDir], {
			cwd: REPO_ROOT,
			encoding: 'utf8',
		}),
		'npm pack',
	);
	const [report] = JSON.parse(result.stdout);
	return { tarball: path.join(destDir, report.filename), report };
}

/**
 * Installs a package tarball into `<userFolder>/.n8n/nodes` the way n8n 2.x's
 * CommunityPackagesService.downloadPackage does for a community package: unpack it into
 * `node_modules/<name>`, drop devDependencies/peerDependencies/optionalDependencies from its
 * package.json, run `npm install` in that folder with n8n's flags (no scripts, no lockfile, no bin
 * links, shallow), and record it in the folder's package.json ledger. n8n loads every package in
 * that node_modules at start. (n8n also writes a row into its database when it installs from the
 * UI; loading does not need it.)
 */
function installIntoUserFolder(userFolder, tarball, nodeBinDir) {
	const started = Date.now();
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	check(
		spawnSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
			encoding: 'utf8',
		}),
		'tar -xzf',
	);
	const packageJsonPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(
		fs.readFileSync(packageJsonPath, 'utf8'),
	);
	fs.writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2), 'utf8');
	check(
		spawnSync(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
				'--loglevel=error',
			],
			{ cwd: packageDir, encoding: 'utf8', env: withNodePath(nodeBinDir) },
		),
		'npm install in the unpacked package',
	);
	const ledgerPath = path.join(nodesDir, 'package.json');
	let ledger = { name: 'installed-nodes', private: true, dependencies: {} };
	try {
		const existing = JSON.parse(fs.readFileSync(ledgerPath, 'utf8'));
		if (existing && existing.dependencies) ledger = existing;
	} catch {
		// no ledger yet
	}
	ledger.dependencies[PACKAGE_NAME] = packageJson.version;
	fs.writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
	return { nodesDir, packageDir, seconds: (Date.now() - started) / 1000 };
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * The environment n8n runs with: its own user folder, loopback only, no telemetry or update
 * checks, and its own task-broker port so two instances on one machine do not collide.
 */
function n8nEnv(n8n, userFolder, extra = {}) {
	const env = withNodePath(n8n.nodeBinDir);
	for (const key of Object.keys(env)) {
		// an outer n8n's or test runner's settings must not leak in
		if (key.startsWith('N8N_') || key === 'DB_TYPE' || key === 'NODE_OPTIONS' || key === 'NODE_ENV')
			delete env[key];
	}
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_NO_COLOR: 'true',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		// the vetted community-node list and the MCP server registry are fetched from api.n8n.io;
		// nothing here may leave the machine
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		...(n8n.version.startsWith('2.') ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		...extra,
	};
}

/** Runs an n8n CLI command without blocking the event loop (the simulator may live in this process). */
function runCli(n8n, env, args, { timeoutMs = 300000 } = {}) {
	const started = Date.now();
	return new Promise((resolve) => {
		const child = spawn(n8n.node, [n8n.bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		const stdout = [];
		const stderr = [];
		child.stdout.on('data', (chunk) => stdout.push(chunk));
		child.stderr.on('data', (chunk) => stderr.push(chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('close', (status, signal) => {
			clearTimeout(timer);
			resolve({
				status: status ?? (signal ? `killed by ${signal}` : null),
				stdout: Buffer.concat(stdout).toString('utf8'),
				stderr: Buffer.concat(stderr).toString('utf8'),
				seconds: (Date.now() - started) / 1000,
			});
		});
	});
}

async function importCredential(n8n, env, dir, { apiKey, baseUrl }) {
	const file = path.join(dir, 'credential.json');
	const credential = {
		id: CREDENTIAL_ID,
		name: CREDENTIAL_NAME,
		type: 'aimlVeoApi',
		data: { apiKey, baseUrl },
	};
	fs.writeFileSync(file, JSON.stringify([credential], null, '\t'));
	return check(
		await runCli(n8n, env, ['import:credentials', `--input=${file}`]),
		'n8n import:credentials',
	);
}

/** Imports one workflow file, or every .json file of a folder. */
async function importWorkflows(n8n, env, fileOrDir) {
	const args = fs.statSync(fileOrDir).isDirectory()
		? ['--separate', `--input=${fileOrDir}`]
		: [`--input=${fileOrDir}`];
	return check(
		await runCli(n8n, env, ['import:workflow', ...args]),
		`n8n import:workflow ${path.basename(fileOrDir)}`,
	);
}

/** `n8n execute --id`; returns the run (IRun) that n8n prints after its log lines, or throws with the output. */
async function executeWorkflow(n8n, env, id) {
	const result = await runCli(n8n, env, ['execute', `--id=${id}`, '--rawOutput']);
	const stdout = result.stdout;
	const start = stdout.search(/^\{/m);
	let run;
	if (start !== -1) {
		try {
			run = JSON.parse(stdout.slice(start));
		} catch {
			run = undefined;
		}
	}
	if (!run) {
		throw new Error(
			`n8n execute --id=${id} printed no run (exit ${result.status})\n${stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
		);
	}
	return { run, seconds: result.seconds, status: result.status };
}

/** The items a node output on its first run, first output. */
function nodeItems(run, nodeName) {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs)
		throw new Error(
			`node "${nodeName}" did not run; nodes that ran: ${Object.keys(run.data.resultData.runData).join(', ')}`,
		);
	return runs[0].data.main[0];
}

async function waitFor(check, timeoutMs, what) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	while (Date.now() < deadline) {
		try {
			if (await check()) return;
		} catch (error) {
			lastError = error;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/**
 * Starts `n8n start` on 127.0.0.1:<port>; resolves once the REST API answers. The process's
 * output goes to `logFile` (or `stdio`). Returns { child, url, stop() }. `readyTimeoutMs` bounds the
 * start (a restart on a loaded machine may need more than the default).
 */
async function startN8n(n8n, env, { port, logFile, stdio, cwd, readyTimeoutMs = 180000 } = {}) {
	const brokerPort = await freePort();
	const fullEnv = {
		...env,
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}`,
	};
	const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
	const child = spawn(n8n.node, [n8n.bin, 'start'], {
		env: fullEnv,
		cwd,
		stdio: stdio ?? ['ignore', out, out],
	});
	let exited = false;
	child.on('exit', () => {
		exited = true;
	});
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (exited || child.exitCode !== null) return;
		const gone = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		const timer = setTimeout(() => {
			if (!exited) child.kill('SIGKILL');
		}, 20000);
		await gone;
		clearTimeout(timer);
	};
	try {
		await waitFor(
			async () => {
				if (exited)
					throw new Error(`n8n exited with ${child.exitCode}${logFile ? `; see ${logFile}` : ''}`);
				// n8n answers every route with 200 "n8n is starting up" until its database migrations have
				// run (slow on a busy machine); /healthz/readiness turns 200 only then. /rest/settings
				// answers before every controller is mounted; a GET of /rest/login answers 401 (not 404)
				// once the auth routes are in place.
				const ready = await fetch(`${url}/healthz/readiness`);
				if (!ready.ok) return false;
				const settings = await fetch(`${url}/rest/settings`);
				if (!settings.ok) return false;
				const login = await fetch(`${url}/rest/login`);
				return login.status !== 404;
			},
			readyTimeoutMs,
			`n8n on ${url}`,
		);
	} catch (error) {
		await stop();
		throw error;
	}
	return { child, url, stop };
}

function cookieFrom(response) {
	const header = response.headers.getSetCookie
		? response.headers.getSetCookie().join('; ')
		: (response.headers.get('set-cookie') ?? '');
	const match = /n8n-auth=([^;]+)/.exec(header);
	return match ? match[1] : undefined;
}

/** Creates the owner of a fresh instance (or logs in when it exists); returns the n8n-auth cookie value. */
async function ownerCookie(url, owner = OWNER) {
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	let cookie = setup.ok ? cookieFrom(setup) : undefined;
	if (!cookie) {
		const login = await fetch(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				emailOrLdapLoginId: owner.email,
				email: owner.email,
				password: owner.password,
			}),
		});
		if (!login.ok)
			throw new Error(
				`owner setup answered ${setup.status} and login ${login.status}: ${await login.text()}`,
			);
		cookie = cookieFrom(login);
	}
	if (!cookie) throw new Error('n8n set no n8n-auth cookie');
	return cookie;
}

/**
 * fetch keeps connections alive between calls; n8n's server closes one that sat idle for 5 s. On a
 * busy machine the client can pick such a connection just as the server closes it, and the call fails
 * with "other side closed" although n8n never read the request. That one case is sent again, once, on
 * a fresh connection; any other failure is the test's to see.
 */
async function fetchOnLiveConnection(url, init) {
	try {
		return await fetch(url, init);
	} catch (error) {
		if (error?.cause?.code !== 'UND_ERR_SOCKET') throw error;
		return await fetch(url, init);
	}
}

async function rest(url, cookie, method, route, body) {
	const response = await fetchOnLiveConnection(`${url}/rest${route}`, {
		method,
		headers: {
			cookie: `n8n-auth=${cookie}`,
			'content-type': 'application/json',
			'browser-id': 'e2e',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok)
		throw new Error(`${method} /rest${route} answered ${response.status}: ${text.slice(0, 2000)}`);
	const parsed = text ? JSON.parse(text) : undefined;
	return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/** n8n's own `flatted` (the format of an execution's `data` over REST), so the package needs no dependency. */
function loadFlatted(n8n) {
	return require(
		require.resolve('flatted', { paths: [path.join(n8n.dir, 'node_modules', 'n8n')] }),
	);
}

/** An execution over REST: { status, finished, runData, error, execution }. */
async function readExecution(n8n, url, cookie, executionId) {
	const execution = await rest(url, cookie, 'GET', `/executions/${executionId}`);
	const data =
		typeof execution.data === 'string' ? loadFlatted(n8n).parse(execution.data) : execution.data;
	const resultData = data?.resultData ?? {};
	return {
		status: execution.status,
		finished: execution.finished,
		runData: resultData.runData ?? {},
		error: resultData.error,
		execution,
	};
}

/** Polls until the execution's status is one of `statuses` (by default: ended); returns it as readExecution does. */
async function waitForExecution(
	n8n,
	url,
	cookie,
	executionId,
	statuses = FINISHED,
	timeoutMs = 5 * 60000,
) {
	let read;
	await waitFor(
		async () => {
			read = await readExecution(n8n, url, cookie, executionId);
			return statuses.includes(read.status);
		},
		timeoutMs,
		`execution ${executionId} to be ${statuses.join(' or ')} (last seen: ${read?.status})`,
	);
	return read;
}

function tempDir(prefix) {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

module.exports = {
	REPO_ROOT,
	PACKAGE_NAME,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	OWNER,
	packPackage,
	installIntoUserFolder,
	freePort,
	n8nEnv,
	runCli,
	importCredential,
	importWorkflows,
	executeWorkflow,
	nodeItems,
	startN8n,
	ownerCookie,
	rest,
	FINISHED,
	readExecution,
	waitForExecution,
	tempDir,
	waitFor,
};
