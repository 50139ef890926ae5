// n8n's community-package scanner (@n8n/scan-community-package), run on this checkout without the
// npm registry. The scanner lints a published version twice, with one ESLint set-up: the source its
// provenance points at, and the tarball npm serves. This runs the same two legs on the working tree
// and on what `npm pack` makes of it, and fails on any error or warning (the scanner itself fails on
// errors only). Its third check, npm provenance, needs a version published from GitHub Actions and
// cannot run here. Needs `npm run build` first, or the tarball would hold no compiled node.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCANNER = '@n8n/scan-community-package/scanner/scanner.mjs';
// The tarball leg's files, as the scanner's analyzePackageByName lints them (not exported there).
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
	return result.stdout;
}

function packInto(dir) {
	const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], ROOT));
	return path.join(dir, packed.filename);
}

function unpack(tarball, dir) {
	fs.mkdirSync(dir);
	run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], ROOT);
	return dir;
}

/** Without dist/ the tarball leg would lint nothing but package.json and pass. */
function assertBuilt(packageDir) {
	const { n8n } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	const missing = [...n8n.nodes, ...n8n.credentials].filter(
		(entry) => !fs.existsSync(path.join(packageDir, entry)),
	);
	if (missing.length > 0)
		throw new Error(`the packed package lacks ${missing.join(', ')}: run "npm run build" first`);
}

/** Lints like the scanner's analyzePackage, with the eslint and fast-glob the scanner resolves, counting warnings too. */
async function lintLikeTheScanner(scanner, dir, patterns) {
	const requireFromScanner = createRequire(import.meta.resolve(SCANNER));
	const { ESLint } = requireFromScanner('eslint');
	const glob = requireFromScanner('fast-glob');
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = await eslint.lintFiles(files);
	const formatter = await eslint.loadFormatter('stylish');
	return {
		files: files.length,
		errors: results.reduce((sum, result) => sum + result.errorCount, 0),
		warnings: results.reduce((sum, result) => sum + result.warningCount, 0),
		details: await formatter.format(results),
	};
}

function report(label, patterns, result) {
	console.log(
		`${label} (${patterns.join(', ')}): ${result.files} files, ${result.errors} errors, ${result.warnings} warnings`,
	);
	if (result.details) console.log(result.details);
	return result.files > 0 && result.errors === 0 && result.warnings === 0;
}

async function main() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	// The scanner makes a temp folder as it loads and leaves it behind; inside ours, one rm clears both.
	process.env.TMPDIR = work;
	try {
		const scanner = await import(SCANNER);
		const { version } = createRequire(import.meta.url)('@n8n/scan-community-package/package.json');
		const tarball = packInto(work);
		const packageDir = unpack(tarball, path.join(work, 'package'));
		assertBuilt(packageDir);
		const label = `n8n scanner ${version}`;
		const sourceClean = report(
			`${label}, sources`,
			scanner.SOURCE_FILE_PATTERNS,
			await lintLikeTheScanner(scanner, ROOT, scanner.SOURCE_FILE_PATTERNS),
		);
		const tarballClean = report(
			`${label}, ${path.basename(tarball)}`,
			TARBALL_PATTERNS,
			await lintLikeTheScanner(scanner, packageDir, TARBALL_PATTERNS),
		);
		console.log(
			'not checked here: npm provenance (needs a version published from GitHub Actions with provenance)',
		);
		return sourceClean && tarballClean ? 0 : 1;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().then(
	(code) => process.exit(code),
	(error) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
