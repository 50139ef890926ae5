/**
 * The API's two public reads: the model catalogue with prices (`GET /v1/models?include=pricing`) and
 * the deprecation feed (`GET /v1/models/deprecations`). Neither needs a key, so none is sent: the
 * request goes through n8n's plain HTTP helper, not the credential's. They go to the credential's
 * Base URL like every other request, follow no redirect, and end within a short bound. A read that
 * fails in any way is `undefined`: the caller then falls back to what it has, and a generation is
 * never held up by these reads.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { Clock } from './deadline';
import { deadlineAfter, rejectOnAbort } from './deadline';

export const CATALOGUE_PATH = '/v1/models';
export const DEPRECATIONS_PATH = '/v1/models/deprecations';

/** A catalogue read is a convenience: it may cost a batch this long at most. */
export const PUBLIC_READ_TIMEOUT_MS = 10_000;

export interface PublicAnswer {
	/** 200 with its body, or 304 (the copy the caller holds under `etag` is still current). */
	status: 200 | 304;
	body: unknown;
	etag?: string;
	/** `max-age` of `Cache-Control`, in seconds, when the answer gives one. */
	maxAgeS?: number;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name];
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The `max-age` of a Cache-Control header; none when the answer must not be stored. */
export function maxAgeOf(cacheControl: string | undefined): number | undefined {
	if (!cacheControl || /no-store|no-cache/i.test(cacheControl)) return undefined;
	const match = /(?:^|,)\s*max-age\s*=\s*(\d+)/i.exec(cacheControl);
	return match ? Number(match[1]) : undefined;
}

/**
 * One unauthenticated GET of `path` under the Base URL, conditional on `etag` when given. Only a
 * 200 with a JSON body or a 304 is an answer; anything else (an error status, HTML, no answer in
 * time) is `undefined`.
 */
export async function readPublic(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	baseUrl: string,
	clock: Clock,
	path: string,
	etag?: string,
): Promise<PublicAnswer | undefined> {
	const cancel = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
	const deadline = deadlineAfter(clock, PUBLIC_READ_TIMEOUT_MS, cancel);
	try {
		const sending = ctx.helpers.httpRequest({
			method: 'GET',
			url: `${baseUrl}${path}`,
			headers: { accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: PUBLIC_READ_TIMEOUT_MS,
			abortSignal: deadline.signal,
		}) as Promise<{ statusCode: number; body: unknown; headers?: Record<string, unknown> }>;
		sending.catch(() => undefined);
		const response = await Promise.race([sending, rejectOnAbort(deadline.signal)]);
		const headers = response.headers ?? {};
		const answer = {
			etag: header(headers, 'etag'),
			maxAgeS: maxAgeOf(header(headers, 'cache-control')),
		};
		if (response.statusCode === 304 && etag) return { status: 304, body: undefined, ...answer };
		const isJson = /json/i.test(header(headers, 'content-type') ?? '');
		if (response.statusCode !== 200 || !isJson || typeof response.body !== 'object')
			return undefined;
		return { status: 200, body: response.body, ...answer };
	} catch {
		return undefined;
	} finally {
		deadline.release();
	}
}
