/**
 * What `npm pack` would publish: the built dist/ plus package.json, README, LICENSE and the `main`
 * entry point, nothing else (no sources, tests, fixtures, examples or tool output).
 * Needs `npm run build` first.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	main?: string;
	n8n: { nodes: string[]; credentials: string[] };
};
// npm always packs these; `main` is the small entry point for tools that require the package
const ALWAYS_PACKED = [
	'package.json',
	'README.md',
	'LICENSE',
	...(pkg.main ? [path.posix.normalize(pkg.main)] : []),
];

interface PackReport {
	size: number;
	unpackedSize: number;
	entryCount: number;
	files: Array<{ path: string; size: number }>;
}

let report: PackReport;
let files: string[];

beforeAll(() => {
	if (!fs.existsSync(path.join(ROOT, pkg.n8n.nodes[0]))) {
		throw new Error(`${pkg.n8n.nodes[0]} is missing: run "npm run build" before this test`);
	}
	const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	if (result.status !== 0) throw new Error(`npm pack --dry-run failed: ${result.stderr}`);
	[report] = JSON.parse(result.stdout) as PackReport[];
	files = report.files.map((file) => file.path).sort();
});

test('only dist/, package.json, README.md, LICENSE and the main entry are packed', () => {
	const outside = files.filter(
		(file) => !file.startsWith('dist/') && !ALWAYS_PACKED.includes(file),
	);
	expect(outside).toEqual([]);
	expect(files).toContain('package.json');
	expect(files).toContain('README.md');
	expect(files).toContain('LICENSE');
});

test('no tests, fixtures, sources, examples or tool output slip into dist/', () => {
	const unwanted = files.filter(
		(file) =>
			/(^|\/)(test|tests|__tests__|fixtures|examples|scripts|\.build|coverage|node_modules)\//.test(
				file,
			) ||
			/\.(test|spec)\.(js|ts|d\.ts)$/.test(file) ||
			/\.mp4$/.test(file) ||
			(file.endsWith('.ts') && !file.endsWith('.d.ts')) ||
			/\.tsbuildinfo$/.test(file),
	);
	expect(unwanted).toEqual([]);
});

test('every node and credential that package.json names is packed, with codex and light/dark icons', () => {
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(entry);
	expect(files).toContain('dist/nodes/AimlApiVeo/AimlApiVeo.node.json');
	expect(files).toContain('dist/nodes/AimlApiVeo/aimlapi.svg');
	expect(files).toContain('dist/nodes/AimlApiVeo/aimlapi.dark.svg');
});

test('the icons the node and the credential point at exist in the package', () => {
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		const source = fs.readFileSync(path.join(ROOT, entry), 'utf8');
		const icons = [...source.matchAll(/['"]file:([^'"]+)['"]/g)].map((match) => match[1]);
		expect(icons.length).toBeGreaterThanOrEqual(2);
		for (const icon of icons) {
			const packed = path.posix.normalize(path.posix.join(path.posix.dirname(entry), icon));
			expect(files).toContain(packed);
		}
	}
});

test('every output schema is packed beside the built node, where n8n looks for it', () => {
	const schemaDir = path.join(ROOT, 'nodes', 'AimlApiVeo', '__schema__');
	const schemas = fs
		.readdirSync(schemaDir, { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith('.json'));
	expect(schemas.sort()).toEqual([
		'v1.0.0/generate.json',
		'v1.0.0/get.json',
		'v2.0.0/generate.json',
		'v2.0.0/get.json',
	]);
	for (const schema of schemas)
		expect(files).toContain(`dist/nodes/AimlApiVeo/__schema__/${schema}`);
});

test('the codex names categories and documentation links', () => {
	const codex = JSON.parse(
		fs.readFileSync(path.join(ROOT, 'dist/nodes/AimlApiVeo/AimlApiVeo.node.json'), 'utf8'),
	) as {
		node: string;
		categories: string[];
		resources: {
			primaryDocumentation: Array<{ url: string }>;
			credentialDocumentation: Array<{ url: string }>;
		};
	};
	expect(codex.node).toBe('n8n-nodes-aimlapi-veo.aimlApiVeo');
	expect(codex.categories.length).toBeGreaterThan(0);
	expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
	expect(codex.resources.credentialDocumentation[0].url).toMatch(/^https:\/\//);
});

test('the tarball stays small', () => {
	process.stdout.write(
		`npm pack: ${report.entryCount} files, ${report.size} bytes packed, ${report.unpackedSize} bytes unpacked\n`,
	);
	expect(report.size).toBeLessThan(200 * 1024);
});
