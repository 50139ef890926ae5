import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import type { Clock } from './deadline';
import { deadlineAfter, rejectOnAbort } from './deadline';

export { DEFAULT_BASE_URL, resolveBaseUrl } from './base-url';

export const CREDENTIAL_TYPE = 'aimlVeoApi';

/** What every request of a run needs: the node's context (its credential), the base URL, and the clock. */
export interface ApiContext {
	ctx: IExecuteFunctions;
	baseUrl: string;
	clock: Clock;
}

export interface ApiResponse {
	statusCode: number;
	body: unknown;
	headers: Record<string, unknown>;
}

/**
 * The request did not get an HTTP answer. `mayHaveArrived` is false only when the connection
 * was never made, so the server cannot have acted on it (safe to send again).
 */
export interface NetworkProblem {
	code: string | undefined;
	mayHaveArrived: boolean;
	cancelled: boolean;
}

export type ApiResult =
	{ ok: true; response: ApiResponse } | { ok: false; problem: NetworkProblem };

const NEVER_CONNECTED = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);
const CANCELLED = new Set(['ERR_CANCELED', 'ABORT_ERR']);

const CODE_WORDS: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the request timed out',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	EPIPE: 'the connection was closed while sending',
	ERR_CANCELED: 'the request was cancelled',
	ERR_STREAM_PREMATURE_CLOSE: 'the connection closed early',
};

/**
 * A network error code in words. n8n replaces any error message that contains a code such as
 * ECONNRESET with a generic sentence, which would drop the item and the generation id.
 */
export function networkReason(code: string | undefined): string {
	return (code && CODE_WORDS[code]) ?? 'the connection failed';
}

export function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code !== '') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * Every API call goes through here: the credential's Bearer key, JSON, and no exceptions:
 * an HTTP status is an answer, a lost connection is a `NetworkProblem`. Each request ends by
 * `timeoutMs` at the latest, however slowly the server answers, and redirects are never followed:
 * a 3xx comes back as an answer, so neither the key nor the prompt goes to another address.
 */
export async function apiRequest(
	ctx: IExecuteFunctions,
	baseUrl: string,
	clock: Clock,
	request: { method: IHttpRequestMethods; path: string; body?: IDataObject; timeoutMs: number },
): Promise<ApiResult> {
	const cancel = ctx.getExecutionCancelSignal();
	const deadline = deadlineAfter(clock, request.timeoutMs, cancel);
	try {
		const sending = ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
			method: request.method,
			url: `${baseUrl}${request.path}`,
			body: request.body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: Math.max(1, Math.ceil(request.timeoutMs)),
			abortSignal: deadline.signal,
		}) as Promise<{ statusCode: number; body: unknown; headers?: Record<string, unknown> }>;
		// n8n's authenticated helper puts the execution's cancel signal in place of ours, so the
		// deadline is enforced here: the node stops waiting for the answer, whatever the socket does.
		sending.catch(() => undefined);
		const response = await Promise.race([sending, rejectOnAbort(deadline.signal)]);
		return {
			ok: true,
			response: {
				statusCode: response.statusCode,
				body: response.body,
				headers: response.headers ?? {},
			},
		};
	} catch (error) {
		// Only the error code is kept: the library's error carries the request, headers included.
		const code = deadline.expired() ? 'ETIMEDOUT' : errorCode(error);
		return {
			ok: false,
			problem: {
				code,
				mayHaveArrived: !(code !== undefined && NEVER_CONNECTED.has(code)),
				cancelled:
					!deadline.expired() &&
					((code !== undefined && CANCELLED.has(code)) || cancel?.aborted === true),
			},
		};
	} finally {
		deadline.release();
	}
}
