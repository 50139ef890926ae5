/**
 * The MP4 the simulated CDN serves: the fixture, optionally followed by one top-level 'free' box that pads
 * the file to an exact size. Players and ffprobe skip 'free' boxes, so the padded file stays valid.
 * Large files are produced as a sequence of chunks that reuse one shared zero buffer; nothing the size of
 * the whole file is ever allocated.
 */
import * as fs from 'fs';
import * as path from 'path';

const FIXTURE_NAME = 'sample.mp4';
const CHUNK_SIZE = 64 * 1024;
const ZERO_CHUNK = Buffer.alloc(CHUNK_SIZE);
const MAX_32BIT_BOX = 0xffffffff;

let cachedFixture: Buffer | undefined;

/** Finds `test/fixtures/sample.mp4` from this file's folder, whether it runs from source or from a build folder. */
export function fixturePath(): string {
	let dir = __dirname;
	for (;;) {
		for (const candidate of [
			path.join(dir, 'fixtures', FIXTURE_NAME),
			path.join(dir, 'test', 'fixtures', FIXTURE_NAME),
		]) {
			if (fs.existsSync(candidate)) return candidate;
		}
		const parent = path.dirname(dir);
		if (parent === dir) break;
		dir = parent;
	}
	throw new Error(`The video fixture test/fixtures/${FIXTURE_NAME} was not found`);
}

export function loadFixture(): Buffer {
	cachedFixture ??= fs.readFileSync(fixturePath());
	return cachedFixture;
}

/** Throws when `totalBytes` cannot be served as the fixture plus a whole 'free' box. */
export function checkVideoSize(totalBytes: number, fixtureSize: number): void {
	if (!Number.isSafeInteger(totalBytes)) {
		throw new RangeError(`videoBytes must be an integer, got ${totalBytes}`);
	}
	const padding = totalBytes - fixtureSize;
	if (padding < 0 || (padding > 0 && padding < 8)) {
		throw new RangeError(
			`videoBytes must be ${fixtureSize} (the fixture) or at least ${fixtureSize + 8}, got ${totalBytes}`,
		);
	}
}

/** The header of a 'free' box whose total size (header included) is `boxSize`. */
function freeBoxHeader(boxSize: number): Buffer {
	if (boxSize <= MAX_32BIT_BOX) {
		const header = Buffer.alloc(8);
		header.writeUInt32BE(boxSize, 0);
		header.write('free', 4, 'latin1');
		return header;
	}
	// size = 1 means a 64-bit "largesize" follows the type.
	const header = Buffer.alloc(16);
	header.writeUInt32BE(1, 0);
	header.write('free', 4, 'latin1');
	header.writeBigUInt64BE(BigInt(boxSize), 8);
	return header;
}

/**
 * Yields the bytes of a video of exactly `totalBytes`, stopping after `limit` bytes when given.
 * The yielded zero chunks are views of one shared buffer; consumers must not modify them.
 */
export function* videoChunks(totalBytes: number, limit = totalBytes): Generator<Buffer> {
	const fixture = loadFixture();
	checkVideoSize(totalBytes, fixture.length);
	let remaining = Math.min(limit, totalBytes);
	const take = function* (buffer: Buffer): Generator<Buffer> {
		if (remaining <= 0) return;
		const piece = buffer.length <= remaining ? buffer : buffer.subarray(0, remaining);
		remaining -= piece.length;
		yield piece;
	};
	yield* take(fixture);
	const padding = totalBytes - fixture.length;
	if (padding === 0) return;
	const header = freeBoxHeader(padding);
	yield* take(header);
	let zeros = padding - header.length;
	while (zeros > 0 && remaining > 0) {
		const size = Math.min(zeros, CHUNK_SIZE);
		yield* take(size === CHUNK_SIZE ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, size));
		zeros -= size;
	}
}
