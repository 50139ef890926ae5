'use strict';
// `npm run dev`: build the package, install it into a local n8n (Node 24 + n8n 2.x from the
// cache folder) as a community package, start the AIML API simulator with a ready credential,
// import the example workflows and open the editor on http://127.0.0.1:5678. Ctrl-C stops all.
//
// Ports: n8n 5678, simulator API 5699, simulator CDN 5700 (change with DEV_N8N_PORT,
// DEV_SIMULATOR_PORT, DEV_CDN_PORT). The n8n user folder lives in the cache folder (dev-user/).
const { spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const cache = require('./n8n-cache');
const instance = require('./n8n-instance');

const N8N_PORT = Number(process.env.DEV_N8N_PORT || 5678);
const SIMULATOR_PORT = Number(process.env.DEV_SIMULATOR_PORT || 5699);
const CDN_PORT = Number(process.env.DEV_CDN_PORT || 5700);

function say(message) {
	process.stdout.write(`[dev] ${message}\n`);
}

function step(what, command, args) {
	say(what);
	const result = spawnSync(command, args, { cwd: instance.REPO_ROOT, stdio: 'inherit' });
	if (result.status !== 0) throw new Error(`${what} failed`);
}

function assertPortFree(port, what) {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', () =>
			reject(
				new Error(
					`port ${port} (${what}) is in use on 127.0.0.1; stop what uses it or set another port (see test/e2e/rig/dev.js)`,
				),
			),
		);
		server.listen(port, '127.0.0.1', () => server.close(resolve));
	});
}

async function main() {
	const started = Date.now();
	for (const [port, what] of [
		[N8N_PORT, 'n8n'],
		[SIMULATOR_PORT, 'simulator API'],
		[CDN_PORT, 'simulator CDN'],
	]) {
		await assertPortFree(port, what);
	}
	step('building the package', 'npm', ['run', 'build']);
	step('compiling the simulator', 'npx', ['tsc', '-p', 'tsconfig.tools.json']);
	const n8n = cache.ensureN8n2();

	const devDir = path.join(cache.cacheDir(), 'dev');
	const userFolder = path.join(devDir, 'user');
	const outputDir = path.join(devDir, 'output');
	fs.mkdirSync(outputDir, { recursive: true });
	const { tarball } = instance.packPackage(path.join(devDir, 'pack'));
	const installed = instance.installIntoUserFolder(userFolder, tarball, n8n.nodeBinDir);
	fs.rmSync(tarball, { force: true });
	say(`installed ${path.basename(tarball)} into the n8n user folder ${userFolder}`);

	const { startSimulator } = require(
		path.join(instance.REPO_ROOT, '.build', 'test', 'simulator', 'index.js'),
	);
	const simulator = await startSimulator({
		port: SIMULATOR_PORT,
		cdnPort: CDN_PORT,
		generationMs: 8000,
	});
	say(
		`simulator: API ${simulator.baseUrl}, CDN ${simulator.cdnUrl} (a video is ready 8 s after submit)`,
	);

	const env = instance.n8nEnv(n8n, userFolder, {
		// the examples write to output/…, relative to n8n's working folder
		N8N_RESTRICT_FILE_ACCESS_TO: outputDir,
	});
	let n8nProcess;
	let stopping = false;
	const stop = async (code) => {
		if (stopping) return;
		stopping = true;
		say('stopping');
		if (n8nProcess) await n8nProcess.stop();
		await simulator.close();
		process.exit(code);
	};
	process.on('SIGINT', () => stop(0));
	process.on('SIGTERM', () => stop(0));

	try {
		await instance.importCredential(n8n, env, devDir, {
			apiKey: 'sim-test-key',
			baseUrl: simulator.baseUrl,
		});
		const workflows = path.join(devDir, 'workflows');
		fs.rmSync(workflows, { recursive: true, force: true });
		fs.mkdirSync(workflows);
		const ids = {};
		for (const file of fs
			.readdirSync(path.join(instance.REPO_ROOT, 'examples'))
			.filter((name) => name.endsWith('.json'))) {
			const workflow = JSON.parse(
				fs.readFileSync(path.join(instance.REPO_ROOT, 'examples', file), 'utf8'),
			);
			const id = `dev${file.replace(/\.json$/, '').replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 16);
			ids[file] = id;
			fs.writeFileSync(
				path.join(workflows, file),
				JSON.stringify({ ...workflow, id, active: false }, null, '\t'),
			);
		}
		await instance.importWorkflows(n8n, env, workflows);
		say(
			`imported the credential "${instance.CREDENTIAL_NAME}" (pointing at the simulator) and ${Object.keys(ids).length} example workflows`,
		);

		n8nProcess = await instance.startN8n(
			n8n,
			{ ...env },
			{ port: N8N_PORT, stdio: ['ignore', 'inherit', 'inherit'], cwd: devDir },
		);
		// a fresh user folder gets its owner here; later runs find it already set up
		await instance.ownerCookie(n8nProcess.url);
		n8nProcess.child.on('exit', (code) => {
			if (!stopping) {
				say(`n8n exited (${code})`);
				stop(1);
			}
		});
		const example = ids['text-to-video.json'];
		say('');
		say(
			`n8n ${n8n.version} is ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${n8nProcess.url}`,
		);
		say(`log in as ${instance.OWNER.email} / ${instance.OWNER.password}`);
		if (example) say(`an example with the node: ${n8nProcess.url}/workflow/${example}`);
		say(`the package: ${installed.packageDir} (run "npm run dev" again after a change)`);
		say('Ctrl-C stops n8n and the simulator');
	} catch (error) {
		say(error.message);
		await stop(1);
	}
}

main().catch((error) => {
	process.stderr.write(`[dev] ${error.message}\n`);
	process.exit(1);
});
