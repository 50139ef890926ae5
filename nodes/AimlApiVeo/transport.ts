import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { InputError } from './errors';

export const CREDENTIAL_TYPE = 'aimlVeoApi';
export const DEFAULT_BASE_URL = 'https://api.aimlapi.com';

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

export type ApiResult = { ok: true; response: ApiResponse } | { ok: false; problem: NetworkProblem };

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CANCELLED = new Set(['ERR_CANCELED', 'ABORT_ERR']);

function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The credential's Base URL, checked: https anywhere, plain http only to this machine (the key
 * would otherwise travel in clear text). A trailing `/v1` or `/v2` is tolerated and removed,
 * since every path the node sends carries its own version.
 */
export function resolveBaseUrl(raw: unknown): string {
	const text = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_BASE_URL;
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url) {
		throw new InputError('Base URL', `The credential's Base URL is not a URL: "${text}"`, 'Use https://api.aimlapi.com');
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
		throw new InputError(
			'Base URL',
			`The credential's Base URL must use https (plain http is allowed only to localhost): "${text}"`,
			'With http the API key would travel in clear text. Use https://api.aimlapi.com or an https proxy.',
		);
	}
	if (url.search || url.hash || url.username || url.password) {
		throw new InputError('Base URL', "The credential's Base URL must not contain a query, fragment or user name", 'Use https://api.aimlapi.com');
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '').replace(/\/v[12]$/, '');
}

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
 * an HTTP status is an answer, a lost connection is a `NetworkProblem`.
 */
export async function apiRequest(
	ctx: IExecuteFunctions,
	baseUrl: string,
	request: { method: IHttpRequestMethods; path: string; body?: IDataObject; qs?: IDataObject; timeoutMs: number },
): Promise<ApiResult> {
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
			method: request.method,
			url: `${baseUrl}${request.path}`,
			body: request.body,
			qs: request.qs,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The key is for the API alone: never forward it if the API redirects elsewhere.
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: request.timeoutMs,
		})) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
		return { ok: true, response: { statusCode: response.statusCode, body: response.body, headers: response.headers ?? {} } };
	} catch (error) {
		// Only the error code is kept: the library's error carries the request, headers included.
		const code = errorCode(error);
		return {
			ok: false,
			problem: {
				code,
				mayHaveArrived: !(code !== undefined && NEVER_CONNECTED.has(code)),
				cancelled: (code !== undefined && CANCELLED.has(code)) || ctx.getExecutionCancelSignal()?.aborted === true,
			},
		};
	}
}
