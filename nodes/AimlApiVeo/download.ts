/**
 * Video URL → n8n binary data. The video lives on a CDN, another host than the API: it is
 * fetched with the plain request helper (never the credential's), and streamed into n8n's
 * binary store so a video is never held whole in memory when n8n stores binaries on disk. What
 * arrives is checked as it streams: it must be a whole MP4, within a size cap and a time limit.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { deadlineAfter } from './deadline';
import type { Failure } from './errors';
import { keyInUrlFailure } from './key-echo';
import { Mp4Check } from './mp4';
import type { Secret } from './redact';
import { errorCode, networkReason } from './transport';
import type { Clock } from './wait';

export interface DownloadLimits {
	/** The whole download, headers to last byte. */
	timeLimitMs: number;
	maxBytes: number;
}

export function videoFileName(generationId: string): string {
	const base = generationId.split(':')[0].replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80) || 'video';
	return `veo-${base}.mp4`;
}

function downloadFailure(generationId: string, url: string, reason: string): Failure {
	return {
		kind: 'download',
		message: `Downloading the video of generation ${generationId} failed: ${reason}`,
		description: `The video was generated (and charged). Its URL is ${url}; run Get Generation with this id to fetch it again, or turn off "Download Video" and fetch the URL in a later step.`,
	};
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

type Download = { ok: true; binary: IBinaryData } | { ok: false; failure: Failure };
type VideoStream = NodeJS.ReadableStream & { destroy(error?: Error): void; emit(event: string | symbol, ...args: unknown[]): boolean };

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

export async function downloadVideo(
	ctx: IExecuteFunctions,
	clock: Clock,
	generationId: string,
	url: string,
	limits: DownloadLimits,
	secret: Pick<Secret, 'reveals'>,
): Promise<Download> {
	const failed = (reason: string): Download => ({ ok: false, failure: downloadFailure(generationId, url, reason) });
	if (!URL.canParse(url)) return failed('the video URL is not a URL');
	const { protocol } = new URL(url);
	if (protocol !== 'https:' && protocol !== 'http:') return failed(`unsupported URL scheme ${protocol}`);
	// A request to it would hand the key to the video host (and to every log on the way).
	if (secret.reveals(url)) return { ok: false, failure: keyInUrlFailure(generationId, url) };
	const deadline = deadlineAfter(clock, limits.timeLimitMs, ctx.getExecutionCancelSignal());
	const tooSlow = `it did not finish within the download time limit of ${limits.timeLimitMs / 1000} s ("Download Time Limit")`;
	let stopped: string | undefined;
	try {
		let response: { statusCode: number; headers: Record<string, unknown>; body: VideoStream };
		try {
			response = (await ctx.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: limits.timeLimitMs,
				abortSignal: deadline.signal,
			})) as typeof response;
		} catch (error) {
			return failed(deadline.expired() ? tooSlow : `no answer from the video host: ${networkReason(errorCode(error))}`);
		}
		const stop = (reason: string) => {
			stopped ??= reason;
			response.body.destroy(new Error(reason));
		};
		if (response.statusCode < 200 || response.statusCode >= 300) {
			stop(`the video host answered HTTP ${response.statusCode}`);
			return failed(stopped as string);
		}
		const announced = Number(response.headers['content-length']);
		if (Number.isFinite(announced) && announced > limits.maxBytes) {
			stop(`the video is ${megabytes(announced)}, more than the limit of ${megabytes(limits.maxBytes)} ("Max Video Size")`);
			return failed(stopped as string);
		}
		const mp4 = new Mp4Check();
		watchChunks(response.body, (chunk) => {
			const problem = mp4.push(chunk);
			if (problem) stop(`the video host sent something that is not a video: ${problem}`);
			else if (mp4.bytes > limits.maxBytes) stop(`the video grew past the limit of ${megabytes(limits.maxBytes)} ("Max Video Size")`);
		});
		deadline.signal.addEventListener('abort', () => stop(deadline.expired() ? tooSlow : 'the execution was cancelled'), { once: true });
		let binary: IBinaryData;
		try {
			binary = await ctx.helpers.prepareBinaryData(response.body as never, videoFileName(generationId), 'video/mp4');
		} catch (error) {
			return failed(stopped ?? `the transfer broke off after ${mp4.bytes} bytes: ${networkReason(errorCode(error))}`);
		}
		if (stopped) return failed(stopped);
		const verdict = mp4.finish();
		if (!verdict.ok) {
			return failed(verdict.incomplete ? `the transfer broke off: ${verdict.reason}` : `the video host sent something that is not a video: ${verdict.reason}`);
		}
		return { ok: true, binary };
	} finally {
		deadline.release();
	}
}
