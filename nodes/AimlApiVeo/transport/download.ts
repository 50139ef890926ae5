/**
 * Video URL → n8n binary data. The video lives on a CDN, another host than the API: it is
 * fetched with the plain request helper (never the credential's), and streamed into n8n's
 * binary store so a video is never held whole in memory when n8n stores binaries on disk. What
 * arrives is checked as it streams: it must be a whole MP4, within a size cap and a time limit.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { Clock } from './deadline';
import { deadlineAfter } from './deadline';
import type { Failure } from '../shared/errors';
import { Mp4Check } from './mp4';
import type { Secret } from '../shared/redact';
import { errorCode, networkReason } from './api';

/** What to do when an API answer echoed the key's text (also said of an id holding it, by the run). */
export const ROTATE_KEY =
	'Rotate your API key: create a new one at https://aimlapi.com/app/keys, put it into the "AIML API" credential, then delete the old one; an API that echoes your key may have exposed it elsewhere too.';

/** Which of a generation's videos a download is: the first of one, or e.g. the 2nd of 3 (position 1). */
export interface VideoRef {
	position: number;
	count: number;
}

const ONLY_VIDEO: VideoRef = { position: 0, count: 1 };

/** "the video", or "video 2 of 3" for one of several. */
export function videoLabel(ref: VideoRef): string {
	return ref.count > 1 ? `video ${ref.position + 1} of ${ref.count}` : 'the video';
}

/** A video whose URL holds the key: not fetched, and not handed on to be fetched by a later node. */
export function keyInUrlFailure(generationId: string, url: string, ref = ONLY_VIDEO): Failure {
	const label = videoLabel(ref);
	return {
		kind: 'download',
		message: `${label[0].toUpperCase()}${label.slice(1)} of generation ${generationId} was not downloaded: its URL contains your API key's text, so the node sends no request to it`,
		description: `The video was generated (and charged). Its URL, with the key removed, is ${url}; the node does not fetch it or pass it on, since that would send your key to the video host. Download the video from your AIML API dashboard. ${ROTATE_KEY}`,
	};
}

export interface DownloadLimits {
	/** The whole download, headers to last byte. */
	timeLimitMs: number;
	maxBytes: number;
}

/** `veo-<id>.mp4`; the further videos of a generation `veo-<id>_1.mp4`, … as their binary fields. */
export function videoFileName(generationId: string, position = 0): string {
	const base =
		generationId
			.split(':')[0]
			.replace(/[^A-Za-z0-9._-]+/g, '-')
			.slice(0, 80) || 'video';
	return `veo-${base}${position > 0 ? `_${position}` : ''}.mp4`;
}

function downloadFailure(
	generationId: string,
	url: string,
	reason: string,
	ref: VideoRef,
): Failure {
	return {
		kind: 'download',
		message: `Downloading ${videoLabel(ref)} of generation ${generationId} failed: ${reason}`,
		description: `The video was generated (and charged). Its URL is ${url}; run Get Generation with this id to fetch it again, or turn off "Download Video" and fetch the URL in a later step.`,
	};
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * n8n's own cap in `database` binary mode (queue mode's default in n8n 2.x). Its DatabaseManager reads
 * the whole file into memory, then throws n8n-core's FileTooLargeError naming this setting. A node may
 * not read the environment, so the cap is only known when n8n refuses a file.
 */
const STORE_CAP_SETTING = 'N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE';

function isStoreCapError(error: unknown): boolean {
	if (!(error instanceof Error)) return false;
	return (
		error.constructor.name === 'FileTooLargeError' || error.message.includes(STORE_CAP_SETTING)
	);
}

/** Whether the whole body came in, so that a failure after it was n8n's store, not the video host. */
function arrivedWhole(body: VideoStream): boolean {
	return (body as { readableEnded?: boolean }).readableEnded === true;
}

function storeRefusal(
	generationId: string,
	url: string,
	bytes: number,
	error: unknown,
	ref: VideoRef,
): Failure {
	const said = error instanceof Error ? error.message : String(error);
	const limit = isStoreCapError(error)
		? /max size limit of ([\d.]+) MB/.exec(said)?.[1]
		: undefined;
	const reason = isStoreCapError(error)
		? `n8n's binary data store refused the ${megabytes(bytes)} video: it is over n8n's size limit${limit ? ` of ${limit} MB` : ''} for stored files (${STORE_CAP_SETTING})`
		: `n8n's binary data store refused the ${megabytes(bytes)} video: ${said.slice(0, 300)}`;
	return {
		kind: 'download',
		message: `Downloading ${videoLabel(ref)} of generation ${generationId} failed: ${reason}`,
		description:
			`The video was generated (and charged). Its URL is ${url}; n8n could not keep the file. ` +
			`Turn off "Download Video" and fetch the URL in a later step (to storage outside n8n), choose a lower resolution or a shorter duration, ` +
			`or ask the n8n admin to raise ${STORE_CAP_SETTING} (in MiB, 512 by default, 1024 at most) or to store binary data in S3 or Azure.`,
	};
}

type Download = { ok: true; binary: IBinaryData } | { ok: false; failure: Failure };
type VideoStream = NodeJS.ReadableStream & {
	destroy(error?: Error): void;
	emit(event: string | symbol, ...args: unknown[]): boolean;
};

/**
 * Lets `inspect` see every chunk the binary store reads, whichever way it reads (a stream hands each
 * chunk out through a 'data' event, also to async iteration). n8n's community-node rules forbid
 * importing Node's stream module, so there is no Transform to put in between.
 */
function watchChunks(stream: VideoStream, inspect: (chunk: Buffer) => void): void {
	const emit = stream.emit.bind(stream);
	stream.emit = (event: string | symbol, ...args: unknown[]) => {
		if (event === 'data' && Buffer.isBuffer(args[0])) inspect(args[0]);
		return emit(event, ...args);
	};
}

/** A URL the node sends no request to: not a URL, not HTTP(S), or holding the key's text. */
function urlRefusal(
	generationId: string,
	url: string,
	secret: Pick<Secret, 'reveals'>,
	ref: VideoRef,
): Failure | undefined {
	if (!URL.canParse(url))
		return downloadFailure(generationId, url, 'the video URL is not a URL', ref);
	const { protocol } = new URL(url);
	if (protocol !== 'https:' && protocol !== 'http:')
		return downloadFailure(generationId, url, `unsupported URL scheme ${protocol}`, ref);
	// A request to it would hand the key to the video host (and to every log on the way).
	if (secret.reveals(url)) return keyInUrlFailure(generationId, url, ref);
	return undefined;
}

type VideoResponse = { statusCode: number; headers: Record<string, unknown>; body: VideoStream };

/** The video as a stream, from the plain request helper: the credential's key never goes with it. */
async function requestVideo(
	ctx: IExecuteFunctions,
	url: string,
	timeLimitMs: number,
	signal: AbortSignal,
): Promise<VideoResponse> {
	return (await ctx.helpers.httpRequest({
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeLimitMs,
		abortSignal: signal,
	})) as VideoResponse;
}

/** Why the answer's status or announced size (Content-Length) ends the download before its body. */
function headersRefusal(response: VideoResponse, maxBytes: number): string | undefined {
	if (response.statusCode < 200 || response.statusCode >= 300) {
		return `the video host answered HTTP ${response.statusCode}`;
	}
	const announced = Number(response.headers['content-length']);
	if (Number.isFinite(announced) && announced > maxBytes) {
		return `the video is ${megabytes(announced)}, more than the limit of ${megabytes(maxBytes)} ("Max Video Size")`;
	}
	return undefined;
}

/** What is wrong with the bytes that arrived whole, if anything: cut short, or not an MP4. */
function mp4Problem(mp4: Mp4Check): string | undefined {
	const verdict = mp4.finish();
	if (verdict.ok) return undefined;
	return verdict.incomplete
		? `the transfer broke off: ${verdict.reason}`
		: `the video host sent something that is not a video: ${verdict.reason}`;
}

export async function downloadVideo(
	ctx: IExecuteFunctions,
	clock: Clock,
	generationId: string,
	url: string,
	limits: DownloadLimits,
	secret: Pick<Secret, 'reveals'>,
	ref: VideoRef = ONLY_VIDEO,
): Promise<Download> {
	const refused = urlRefusal(generationId, url, secret, ref);
	if (refused) return { ok: false, failure: refused };
	const failed = (reason: string): Download => ({
		ok: false,
		failure: downloadFailure(generationId, url, reason, ref),
	});
	const deadline = deadlineAfter(clock, limits.timeLimitMs, ctx.getExecutionCancelSignal());
	const tooSlow = `it did not finish within the download time limit of ${limits.timeLimitMs / 1000} s ("Download Time Limit")`;
	let stopped: string | undefined;
	// Hanging up is the request's own abort: in n8n 2.x the HTTP client hands out the body wrapped in a
	// stream that, destroyed before anything read from it, leaves the connection open and the host sending.
	const hangUp = new AbortController();
	const hangUpEarly = () => hangUp.abort();
	if (deadline.signal.aborted) hangUp.abort();
	else deadline.signal.addEventListener('abort', hangUpEarly, { once: true });
	try {
		let response: VideoResponse;
		try {
			response = await requestVideo(ctx, url, limits.timeLimitMs, hangUp.signal);
		} catch (error) {
			return failed(
				deadline.expired()
					? tooSlow
					: `no answer from the video host: ${networkReason(errorCode(error))}`,
			);
		}
		deadline.signal.removeEventListener('abort', hangUpEarly);
		const stop = (reason: string) => {
			stopped ??= reason;
			response.body.destroy(new Error(reason));
			// After the destroy, so the client sees the body gone and does not emit the abort on it as an error.
			hangUp.abort();
		};
		const refusedHeaders = headersRefusal(response, limits.maxBytes);
		if (refusedHeaders) {
			stop(refusedHeaders);
			return failed(stopped as string);
		}
		const mp4 = new Mp4Check();
		watchChunks(response.body, (chunk) => {
			const problem = mp4.push(chunk);
			if (problem) stop(`the video host sent something that is not a video: ${problem}`);
			else if (mp4.bytes > limits.maxBytes)
				stop(`the video grew past the limit of ${megabytes(limits.maxBytes)} ("Max Video Size")`);
		});
		deadline.signal.addEventListener(
			'abort',
			() => stop(deadline.expired() ? tooSlow : 'the execution was cancelled'),
			{ once: true },
		);
		let binary: IBinaryData;
		try {
			binary = await ctx.helpers.prepareBinaryData(
				response.body as never,
				videoFileName(generationId, ref.position),
				'video/mp4',
			);
		} catch (error) {
			if (stopped) return failed(stopped);
			if (isStoreCapError(error) || arrivedWhole(response.body)) {
				return { ok: false, failure: storeRefusal(generationId, url, mp4.bytes, error, ref) };
			}
			return failed(
				`the transfer broke off after ${mp4.bytes} bytes: ${networkReason(errorCode(error))}`,
			);
		}
		const problem = stopped ?? mp4Problem(mp4);
		return problem ? failed(problem) : { ok: true, binary };
	} finally {
		deadline.release();
	}
}
