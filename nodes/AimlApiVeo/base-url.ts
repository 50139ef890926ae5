/**
 * Where the API key may go. The credential's Base URL is checked here for the node's own requests
 * and for the credential's Test: https anywhere, plain http only to this machine.
 */
import { InputError } from './errors';

export const DEFAULT_BASE_URL = 'https://api.aimlapi.com';

export function isLoopback(hostname: string): boolean {
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
