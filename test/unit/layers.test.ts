/**
 * The node's folders are rooms stacked one way: the node class on top, then run/, actions/, spend/,
 * request/, transport/ and shared/ at the bottom. A file may import its own folder and the folders
 * below it, never one above it and never the node class: so no two folders import each other,
 * directly or round a loop, and a reader can take each room without the ones above it.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const NODE = join(__dirname, '..', '..', 'nodes', 'AimlApiVeo');
/** Top to bottom. */
const ROOMS = ['run', 'actions', 'spend', 'request', 'transport', 'shared'];
/** What the node's root holds besides the rooms: the class, its codex, icons and output schemas. */
const ROOT_FILES = [
	'AimlApiVeo.node.ts',
	'AimlApiVeo.node.json',
	'aimlapi.svg',
	'aimlapi.dark.svg',
	'__schema__',
];

function sourcesIn(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourcesIn(path);
		return name.endsWith('.ts') ? [path] : [];
	});
}

/** The room a file of the node lives in: a folder name, or 'root' for the node class. */
function roomOf(file: string): string {
	const parts = relative(NODE, file).split(/[\\/]/);
	return parts.length === 1 ? 'root' : parts[0];
}

/** The node's own files a source imports (relative specifiers only; packages are not rooms). */
function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const specifiers = [...text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)].map(
		(match) => match[1],
	);
	return specifiers
		.map((specifier) => resolve(dirname(file), specifier))
		.filter((target) => !relative(NODE, target).startsWith('..'));
}

/** Every import that goes up, or into the node class, as "file → target". */
function upwardImports(): string[] {
	const wrong: string[] = [];
	for (const file of sourcesIn(NODE)) {
		const from = roomOf(file);
		if (from === 'root') continue;
		for (const target of importsOf(file)) {
			const to = roomOf(target);
			if (to === from) continue;
			if (to === 'root' || ROOMS.indexOf(to) < ROOMS.indexOf(from))
				wrong.push(`${relative(NODE, file)} → ${relative(NODE, target)}`);
		}
	}
	return wrong;
}

describe("the node's rooms", () => {
	it('hold every file but the node class, its codex, icons and output schemas', () => {
		const loose = readdirSync(NODE).filter(
			(name) => !ROOT_FILES.includes(name) && !ROOMS.includes(name),
		);
		expect(loose).toEqual([]);
		for (const room of ROOMS) expect(statSync(join(NODE, room)).isDirectory()).toBe(true);
	});

	it('import only their own folder and the folders below them, never the node class', () => {
		expect(upwardImports()).toEqual([]);
	});

	it('are read by this check: an import that goes up is seen', () => {
		// run/ imports the rooms below it; seen from shared/, the same imports would all go up.
		const execute = join(NODE, 'run', 'execute.ts');
		const targets = importsOf(execute).map(roomOf);
		expect(targets).toEqual(
			expect.arrayContaining(['actions', 'spend', 'request', 'transport', 'shared']),
		);
		expect(targets.filter((room) => ROOMS.indexOf(room) < ROOMS.indexOf('shared'))).not.toEqual([]);
	});
});
