/**
 * Where the API key may go. The credential's Base URL is checked here for the node's own requests
 * and for every request the credential authenticates (its Test, and the HTTP Request node when it
 * uses this credential): https anywhere, plain http only to this machine, never a user name or
 * password in the URL, and never a host other than the Base URL's.
 */
import { InputError } from '../shared/errors';

export const DEFAULT_BASE_URL = 'https://api.aimlapi.com';

export function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '');
	return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * What would expose the key if it were sent to this URL: plain http (or any other scheme) to a
 * host that is not this machine, or a user name or password in the URL. `undefined` when neither.
 */
export function keyTransportProblem(url: URL): 'not-https' | 'userinfo' | undefined {
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname)))
		return 'not-https';
	if (url.username !== '' || url.password !== '') return 'userinfo';
	return undefined;
}

/** The typed Base URL for a message: as typed, unless it may hold a user name or password. */
function quoted(text: string, url: URL): string {
	if (!text.includes('@')) return `: "${text}"`;
	return url.host !== '' ? `: "${url.protocol}//${url.host}${url.pathname}"` : '';
}

function baseUrlText(raw: unknown): string {
	return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_BASE_URL;
}

/**
 * The credential's Base URL, checked: https anywhere, plain http only to this machine (the key
 * would otherwise travel in clear text). A trailing `/v1` or `/v2` is tolerated and removed,
 * since every path the node sends carries its own version.
 */
export function resolveBaseUrl(raw: unknown): string {
	const text = baseUrlText(raw);
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url) {
		throw new InputError(
			'Base URL',
			`The credential's Base URL is not a URL: "${text}"`,
			'Use https://api.aimlapi.com',
		);
	}
	const problem = keyTransportProblem(url);
	if (problem === 'not-https') {
		throw new InputError(
			'Base URL',
			`The credential's Base URL must use https (plain http is allowed only to localhost)${quoted(text, url)}`,
			'With http the API key would travel in clear text. Use https://api.aimlapi.com or an https proxy.',
		);
	}
	if (url.search || url.hash || problem === 'userinfo') {
		throw new InputError(
			'Base URL',
			"The credential's Base URL must not contain a query, fragment or user name",
			'Use https://api.aimlapi.com',
		);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '').replace(/\/v[12]$/, '');
}

/**
 * Why the credential's Base URL cannot be used, in a message that alone says what to change (a
 * credential test shows nothing but the message), or `undefined` when it can. Same rule as
 * `resolveBaseUrl`.
 */
export function baseUrlProblem(raw: unknown): string | undefined {
	const text = baseUrlText(raw);
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url) {
		return 'The Base URL is not a valid URL. Enter the API address, such as https://api.aimlapi.com.';
	}
	const problem = keyTransportProblem(url);
	if (problem === 'not-https') {
		return 'The Base URL must use https (plain http is allowed only to localhost), or the API key would travel in clear text. Change it to https://api.aimlapi.com or to the https address of your proxy.';
	}
	if (problem === 'userinfo') {
		return 'The Base URL must not contain a user name or password. Remove the "name:password@" part: the API key is the only secret this credential sends.';
	}
	if (url.search || url.hash) {
		return 'The Base URL must not contain a query (?…) or fragment (#…). Remove that part, e.g. https://api.aimlapi.com.';
	}
	return undefined;
}

/** The parts of a request's options that say where it goes (n8n's and the legacy request format). */
export interface RequestTarget {
	url?: unknown;
	uri?: unknown;
	baseURL?: unknown;
}

/**
 * The absolute URL a request goes to, resolved the way n8n's request layer resolves it (`url`, or
 * the legacy `uri`, against `baseURL`), or `undefined` when there is none.
 */
export function requestTargetUrl(options: RequestTarget): URL | undefined {
	const raw = options.url ?? options.uri;
	const target = raw === undefined || raw === null ? '' : String(raw);
	const base =
		options.baseURL === undefined || options.baseURL === null ? undefined : String(options.baseURL);
	try {
		if (target === '') return base !== undefined ? new URL(base) : undefined;
		return new URL(target, base);
	} catch {
		return undefined;
	}
}

/**
 * Checks that the API key may be attached to a request: the credential's Base URL must be usable
 * (see `baseUrlProblem`), and the request must go to the Base URL's origin without a user name or
 * password in its URL. Throws an InputError whose message alone says what is wrong and what to do.
 * Messages name hosts, never a full URL, so no user name, password, path or query is repeated.
 */
export function assertKeyMayBeSent(options: RequestTarget, rawBaseUrl: unknown): void {
	const baseProblem = baseUrlProblem(rawBaseUrl);
	if (baseProblem !== undefined) throw new InputError('Base URL', baseProblem);
	const baseOrigin = new URL(resolveBaseUrl(rawBaseUrl)).origin;

	const target = requestTargetUrl(options);
	if (target === undefined) {
		throw new InputError(
			'URL',
			`The API key was not attached: the request has no absolute URL. Send it to a full URL under the credential's Base URL (${baseOrigin}).`,
		);
	}
	const problem = keyTransportProblem(target);
	if (problem === 'not-https') {
		throw new InputError(
			'URL',
			`The API key is never sent over plain http to a host other than localhost (this request goes to ${target.protocol}//${target.host}). Use https, under the credential's Base URL (${baseOrigin}).`,
		);
	}
	if (problem === 'userinfo') {
		throw new InputError(
			'URL',
			'The API key is never sent to a URL with a user name or password in it. Remove the "name:password@" part from the request URL.',
		);
	}
	if (target.origin !== baseOrigin) {
		throw new InputError(
			'URL',
			`This credential sends its API key only to its Base URL (${baseOrigin}), not to ${target.origin}. Send the request to ${baseOrigin}, or change the credential's Base URL.`,
		);
	}
}
