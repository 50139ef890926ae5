/**
 * The CDN that serves the videos the API handed out: whole, gzip-encoded, dripped, cut off midway, or
 * as an HTML page, as the fault knobs say.
 */
import { once } from 'events';
import * as http from 'http';
import * as zlib from 'zlib';

import { CDN_HTML_ERROR_PAGE, type SimulatorFaults, type SimulatorRequest } from './contract';
import { faults, logRequest, notifyRequest, settle, sleep, type SimState } from './state';
import { videoChunks } from './video';

/** Yields the first `limit` bytes of the chunks. */
function* takeBytes(chunks: Iterable<Buffer>, limit: number): Generator<Buffer> {
	let remaining = limit;
	for (const chunk of chunks) {
		if (remaining <= 0) return;
		const piece = chunk.length <= remaining ? chunk : chunk.subarray(0, remaining);
		remaining -= piece.length;
		yield piece;
	}
}

/** Regroups the chunks into pieces of exactly `size` bytes (the last one may be shorter). */
function* rechunk(chunks: Iterable<Buffer>, size: number): Generator<Buffer> {
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	for (const chunk of chunks) {
		let offset = 0;
		while (offset < chunk.length) {
			const piece = chunk.subarray(offset, offset + (size - pendingBytes));
			offset += piece.length;
			pending.push(piece);
			pendingBytes += piece.length;
			if (pendingBytes === size) {
				yield Buffer.concat(pending);
				pending = [];
				pendingBytes = 0;
			}
		}
	}
	if (pendingBytes > 0) yield Buffer.concat(pending);
}

/** Gzips a stream of chunks without ever holding the uncompressed whole. */
async function gzipChunks(chunks: Iterable<Buffer>): Promise<Buffer> {
	const gzip = zlib.createGzip();
	const out: Buffer[] = [];
	gzip.on('data', (chunk: Buffer) => out.push(chunk));
	const ended = once(gzip, 'end');
	for (const chunk of chunks) {
		if (!gzip.write(chunk)) await once(gzip, 'drain');
	}
	gzip.end();
	await ended;
	return Buffer.concat(out);
}

/**
 * Writes the chunks with back-pressure and resolves once the last one has been handed to the socket;
 * false when the connection went away first.
 */
async function writeChunks(
	res: http.ServerResponse,
	chunks: Iterable<Buffer>,
	onSent?: (bytes: number) => void,
): Promise<boolean> {
	let lastWrite: Promise<void> = Promise.resolve();
	for (const chunk of chunks) {
		if (res.destroyed) return false;
		let written!: () => void;
		lastWrite = new Promise<void>((resolve) => {
			written = resolve;
		});
		const onWritten = (error?: Error | null) => {
			if (!error) onSent?.(chunk.length);
			written();
		};
		if (!res.write(chunk, onWritten)) {
			const drained = await new Promise<boolean>((resolve) => {
				const onDrain = () => {
					cleanup();
					resolve(true);
				};
				const onClose = () => {
					cleanup();
					resolve(false);
				};
				const cleanup = () => {
					res.off('drain', onDrain);
					res.off('close', onClose);
				};
				res.on('drain', onDrain);
				res.on('close', onClose);
			});
			if (!drained) return false;
		}
	}
	const closedFirst = new Promise<boolean>((resolve) => res.once('close', () => resolve(false)));
	return Promise.race([lastWrite.then(() => !res.destroyed), closedFirst]);
}

/** The gzip of a video of `totalBytes`, made once per size. */
function gzippedVideo(sim: SimState, totalBytes: number): Promise<Buffer> {
	let gzipped = sim.gzippedVideos.get(totalBytes);
	if (!gzipped) {
		gzipped = gzipChunks(videoChunks(totalBytes));
		sim.gzippedVideos.set(totalBytes, gzipped);
	}
	return gzipped;
}

/** Writes one piece every `everyMs`; false when the connection went away first. */
async function drip(
	sim: SimState,
	res: http.ServerResponse,
	pieces: Iterable<Buffer>,
	everyMs: number,
	onSent: (bytes: number) => void,
): Promise<boolean> {
	let first = true;
	for (const piece of pieces) {
		if (!first) {
			await sleep(sim, everyMs);
			if (sim.closed) return false;
		}
		first = false;
		if (!(await writeChunks(res, [piece], onSent))) return false;
	}
	return true;
}

/** Handles one request to the CDN listener. */
export async function handleCdn(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
): Promise<void> {
	const entry = logRequest(sim, 'cdn', req);
	sim.counters.cdnRequests += 1;
	if (req.headers.authorization !== undefined) sim.counters.cdnAuthorizationHeaders += 1;
	req.resume();
	const method = (req.method ?? 'GET').toUpperCase();

	const sendText = (
		status: number,
		text: string,
		headers: Record<string, string> = {},
		contentType = 'text/plain; charset=utf-8',
	) => {
		res.writeHead(status, {
			'content-type': contentType,
			'content-length': String(Buffer.byteLength(text)),
			...headers,
		});
		res.end(method === 'HEAD' ? undefined : text);
		settle(sim, entry, status);
	};

	const f = faults(sim);
	if (f.cdnStatus !== undefined) {
		return sendText(f.cdnStatus, http.STATUS_CODES[f.cdnStatus] ?? 'Error');
	}
	if (!sim.issuedVideoPaths.has(entry.path)) return sendText(404, 'Not Found');
	if (method !== 'GET' && method !== 'HEAD') {
		return sendText(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
	}
	if (f.cdnBody === 'html') return sendText(200, CDN_HTML_ERROR_PAGE, {}, 'video/mp4');
	return serveVideo(sim, req, res, entry, method, f);
}

/** The video, gzip-encoded with `cdnGzip`, else the (padded) MP4 as it is; cut off, dripped, as the faults say. */
async function serveVideo(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	method: string,
	f: SimulatorFaults,
): Promise<void> {
	const videoBytes = sim.videoSizes.get(entry.path) ?? sim.options.videoBytes ?? sim.fixture.length;
	const headers: Record<string, string> = {
		'content-type': 'video/mp4',
		'cache-control': 'public, max-age=86400',
	};
	let body: Iterable<Buffer>;
	let length: number;
	if (f.cdnGzip) {
		const gzipped = await gzippedVideo(sim, videoBytes);
		if (res.destroyed) return;
		body = [gzipped];
		length = gzipped.length;
		headers['content-encoding'] = 'gzip';
	} else {
		body = videoChunks(videoBytes);
		length = videoBytes;
	}
	res.writeHead(200, { ...headers, 'content-length': String(length) });
	settle(sim, entry, 200);
	if (method === 'HEAD') {
		res.end();
		return;
	}
	if (f.cdnCloseMidway) body = takeBytes(body, Math.floor(length / 2));
	let sent = 0;
	const onSent = (bytes: number) => {
		sent += bytes;
	};
	const written = f.cdnDrip
		? await drip(sim, res, rechunk(body, f.cdnDrip.bytes), f.cdnDrip.everyMs, onSent)
		: await writeChunks(res, body, onSent);
	entry.bodyBytes = sent;
	notifyRequest(sim, entry);
	if (f.cdnCloseMidway) {
		req.socket.destroy();
		settle(sim, entry, 'reset');
		return;
	}
	if (written) res.end();
}
