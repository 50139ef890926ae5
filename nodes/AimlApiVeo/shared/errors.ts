/**
 * What can go wrong with one item, in plain words, and how each case reads to a user.
 * The pipeline records failures as data (`Failure`); the node turns them into n8n errors
 * (thrown, or rows under Continue On Fail) in one place.
 */

/** Bad input found before any request was sent. */
export class InputError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly hint?: string,
	) {
		super(message);
	}
}

export type FailureKind =
	| 'input'
	| 'http'
	| 'network'
	| 'ambiguous-submit'
	| 'status-error'
	| 'status-failed'
	| 'no-video'
	| 'timeout'
	| 'not-submitted'
	| 'budget'
	| 'balance'
	| 'download'
	| 'cancelled'
	| 'key-in-answer';

export interface Failure {
	kind: FailureKind;
	message: string;
	description: string;
	httpCode?: number;
	/** The API's own error body or generation `error` object, for the error's details. */
	apiError?: Record<string, unknown>;
}

/** The API's documented error body: `{message, path, requestId, statusCode, timestamp}`. */
export function apiMessage(body: unknown): string | undefined {
	if (body && typeof body === 'object' && 'message' in body) {
		const message = (body as { message: unknown }).message;
		if (typeof message === 'string' && message.trim() !== '') return message.trim();
		if (Array.isArray(message)) return message.map(String).join('\n');
	}
	if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 500);
	return undefined;
}

const RESUME_HINT =
	'The generation keeps running at the API: collect it later with the Get Generation operation and this id.';

/**
 * One table for HTTP failures. `phase` tells whether a generation may exist: a failed submit
 * with a definite answer created nothing, a failed poll leaves a paid generation running.
 */
export function httpFailure(
	statusCode: number,
	body: unknown,
	phase: 'submit' | 'poll',
	generationId?: string,
	retries = 0,
): Failure {
	const own = apiMessage(body);
	const about = generationId ? ` (generation ${generationId})` : '';
	const after = retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
	const resume = phase === 'poll' && generationId ? ` ${RESUME_HINT}` : '';
	const apiError = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
	const base = { kind: 'http' as const, httpCode: statusCode, apiError };
	switch (statusCode) {
		case 400:
			return {
				...base,
				message: `The API rejected the request${about}: ${own ?? 'Bad Request'}`,
				description:
					"The lines above are the API's own words about the fields it refused. Correct those fields (or the expression that fills them) and run again; nothing was charged.",
			};
		case 401:
			return {
				...base,
				message: `The API key was rejected${about}`,
				description: `Check the API key of the "AIML API" credential (create one at https://aimlapi.com/app/keys).${resume}`,
			};
		case 403:
			return {
				...base,
				message: `The AIML API account is out of credits or the key may not do this${about}`,
				description: `${own ?? 'HTTP 403'}. Top up at https://aimlapi.com/app/billing/ or use a regular (not management) key, then run again.${resume}`,
			};
		case 404:
			return phase === 'poll'
				? {
						...base,
						message: `No generation with this id: ${generationId ?? ''}`,
						description:
							'Check the Generation ID: use the `id` field that Generate Video returned, unchanged. A generation is only visible to the API key that created it.',
					}
				: {
						...base,
						message: 'The API has no such endpoint (HTTP 404)',
						description:
							'Check the Base URL of the "AIML API" credential: it should be https://api.aimlapi.com (without /v1 or /v2).',
					};
		case 429:
			return {
				...base,
				message: `The API kept answering "Too Many Requests"${after}${about}`,
				description: `The account's rate or concurrency limit was reached. Lower "Max Concurrent Generations", raise "Max Wait", or run fewer items at once.${resume}`,
			};
		default:
			return {
				...base,
				message: `The API answered HTTP ${statusCode}${own ? ` (${own})` : ''}${after}${about}`,
				description:
					statusCode >= 500
						? `The AIML API or the model's provider is having trouble; try again later.${resume}`
						: `Unexpected answer from the API.${resume}`,
			};
	}
}
