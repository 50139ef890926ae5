/**
 * Video URL → n8n binary data. The video lives on a CDN, another host than the API: it is
 * fetched with the plain request helper (never the credential's), and streamed into n8n's
 * binary store so a video is never held whole in memory when n8n stores binaries on disk.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { Failure } from './errors';
import { errorCode, networkReason } from './transport';

const DOWNLOAD_TIMEOUT_MS = 300_000;

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

type Download = { ok: true; binary: IBinaryData } | { ok: false; failure: Failure };

export async function downloadVideo(ctx: IExecuteFunctions, generationId: string, url: string): Promise<Download> {
	const failed = (reason: string): Download => ({ ok: false, failure: downloadFailure(generationId, url, reason) });
	if (!URL.canParse(url)) return failed('the video URL is not a URL');
	const { protocol } = new URL(url);
	if (protocol !== 'https:' && protocol !== 'http:') return failed(`unsupported URL scheme ${protocol}`);
	let response: { statusCode: number; headers: Record<string, unknown>; body: NodeJS.ReadableStream & { destroy?: () => void } };
	try {
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: DOWNLOAD_TIMEOUT_MS,
			abortSignal: ctx.getExecutionCancelSignal(),
		})) as typeof response;
	} catch (error) {
		return failed(`no answer from the video host: ${networkReason(errorCode(error))}`);
	}
	if (response.statusCode < 200 || response.statusCode >= 300) {
		response.body.destroy?.();
		return failed(`the video host answered HTTP ${response.statusCode}`);
	}
	let binary: IBinaryData;
	try {
		binary = await ctx.helpers.prepareBinaryData(response.body as never, videoFileName(generationId), 'video/mp4');
	} catch (error) {
		return failed(`the transfer broke off: ${networkReason(errorCode(error))}`);
	}
	const expected = Number(response.headers['content-length']);
	if (Number.isFinite(expected) && expected > 0 && typeof binary.bytes === 'number' && binary.bytes !== expected) {
		return failed(`the transfer broke off after ${binary.bytes} of ${expected} bytes`);
	}
	if (binary.bytes === 0) return failed('the video host sent an empty file');
	return { ok: true, binary };
}
