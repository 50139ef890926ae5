import {
	assertKeyMayBeSent,
	baseUrlProblem,
	keyTransportProblem,
	requestTargetUrl,
	resolveBaseUrl,
	type RequestTarget,
} from '../../nodes/AimlApiVeo/transport/base-url';
import { inputError } from './input-error';

describe('keyTransportProblem', () => {
	it.each([
		['https://api.aimlapi.com', undefined],
		['https://proxy.example:8443/aiml', undefined],
		['http://127.0.0.1:8080', undefined],
		['http://127.9.8.7', undefined],
		['http://localhost:3000', undefined],
		['http://[::1]:3000', undefined],
		['http://api.aimlapi.com', 'not-https'],
		['http://10.0.0.1', 'not-https'],
		['http://localhost.example.com', 'not-https'],
		['http://127.0.0.1.nip.io', 'not-https'],
		['ftp://127.0.0.1', 'not-https'],
		['ws://127.0.0.1', 'not-https'],
		['file:///etc/passwd', 'not-https'],
		['https://user:pass@api.aimlapi.com', 'userinfo'],
		['https://user@api.aimlapi.com', 'userinfo'],
		['https://:pass@api.aimlapi.com', 'userinfo'],
		['http://user:pass@127.0.0.1:8080', 'userinfo'],
		// Plain http to a remote host is the worse of the two and is named first.
		['http://user:pass@api.aimlapi.com', 'not-https'],
	])('%s → %s', (url, expected) => {
		expect(keyTransportProblem(new URL(url))).toBe(expected);
	});
});

describe('baseUrlProblem', () => {
	it('accepts what resolveBaseUrl accepts, the empty default included', () => {
		for (const raw of [
			undefined,
			'',
			'  ',
			'https://api.aimlapi.com',
			' https://api.aimlapi.com/v1/ ',
			'https://proxy.example/aiml',
			'http://127.0.0.1:8080',
			'http://localhost:1/',
		]) {
			expect(baseUrlProblem(raw)).toBeUndefined();
			expect(() => resolveBaseUrl(raw)).not.toThrow();
		}
	});

	it('says why and what to do for each unsafe Base URL, and refuses what resolveBaseUrl refuses', () => {
		const cases: Array<[string, RegExp]> = [
			['not a url', /^The Base URL is not a valid URL\. Enter .*https:\/\/api\.aimlapi\.com/],
			[
				'http://api.example.com',
				/^The Base URL must use https \(plain http is allowed only to localhost\), or the API key would travel in clear text\. Change it to https:\/\/api\.aimlapi\.com/,
			],
			['ftp://127.0.0.1:21', /^The Base URL must use https/],
			[
				'https://user:secret-pw@api.aimlapi.com',
				/^The Base URL must not contain a user name or password\. Remove the "name:password@" part/,
			],
			[
				'http://user:secret-pw@127.0.0.1:8080',
				/^The Base URL must not contain a user name or password/,
			],
			[
				'https://api.aimlapi.com?key=1',
				/^The Base URL must not contain a query \(\?…\) or fragment \(#…\)\. Remove that part/,
			],
			['https://api.aimlapi.com#x', /^The Base URL must not contain a query/],
		];
		for (const [raw, message] of cases) {
			expect(baseUrlProblem(raw)).toMatch(message);
			expect(baseUrlProblem(raw)).not.toContain('secret-pw');
			expect(inputError(() => resolveBaseUrl(raw)).field).toBe('Base URL');
		}
	});
});

describe('resolveBaseUrl messages', () => {
	it('keeps its message for a Base URL without a user name, and never repeats a password', () => {
		expect(inputError(() => resolveBaseUrl('http://api.aimlapi.com')).message).toBe(
			'The credential\'s Base URL must use https (plain http is allowed only to localhost): "http://api.aimlapi.com"',
		);
		const withPassword = inputError(() =>
			resolveBaseUrl('http://user:secret-pw@api.aimlapi.com/x'),
		);
		expect(withPassword.message).toBe(
			'The credential\'s Base URL must use https (plain http is allowed only to localhost): "http://api.aimlapi.com/x"',
		);
		expect(
			inputError(() => resolveBaseUrl('https://user:secret-pw@api.aimlapi.com')).message,
		).not.toContain('secret-pw');
	});
});

describe('requestTargetUrl', () => {
	it('resolves url (or the legacy uri) against baseURL as n8n does', () => {
		const href = (options: RequestTarget) => requestTargetUrl(options)?.href;
		expect(href({ url: 'https://api.aimlapi.com/v2/billing' })).toBe(
			'https://api.aimlapi.com/v2/billing',
		);
		expect(href({ baseURL: 'https://api.aimlapi.com', url: '/v2/billing' })).toBe(
			'https://api.aimlapi.com/v2/billing',
		);
		expect(href({ uri: 'https://api.aimlapi.com/v1/models' })).toBe(
			'https://api.aimlapi.com/v1/models',
		);
		expect(href({ baseURL: 'https://api.aimlapi.com' })).toBe('https://api.aimlapi.com/');
		// An absolute or protocol-relative url wins over baseURL, as it does when sent.
		expect(href({ baseURL: 'https://api.aimlapi.com', url: 'https://other.example/x' })).toBe(
			'https://other.example/x',
		);
		expect(href({ baseURL: 'https://api.aimlapi.com', url: '//other.example/x' })).toBe(
			'https://other.example/x',
		);
		expect(href({ url: '/v2/billing' })).toBeUndefined();
		expect(href({})).toBeUndefined();
		expect(href({ url: 'not a url' })).toBeUndefined();
	});
});

describe('assertKeyMayBeSent', () => {
	const allowed = (options: RequestTarget, baseUrl: unknown) => () =>
		assertKeyMayBeSent(options, baseUrl);

	it('lets the key go to the Base URL origin, whatever the path', () => {
		expect(
			allowed({ url: 'https://api.aimlapi.com/v2/generate/video/google/generation' }, undefined),
		).not.toThrow();
		expect(
			allowed(
				{ baseURL: 'https://api.aimlapi.com', url: '/v2/billing' },
				'https://api.aimlapi.com/v1',
			),
		).not.toThrow();
		expect(
			allowed({ uri: 'https://proxy.example:8443/other/path' }, 'https://proxy.example:8443/aiml'),
		).not.toThrow();
		expect(
			allowed({ url: 'http://127.0.0.1:8080/v2/billing' }, 'http://127.0.0.1:8080/'),
		).not.toThrow();
	});

	it('fails for an unsafe Base URL before looking at the request', () => {
		const error = inputError(
			allowed({ url: 'http://api.example.com/v2/billing' }, 'http://api.example.com'),
		);
		expect(error.field).toBe('Base URL');
		expect(error.message).toBe(baseUrlProblem('http://api.example.com'));
		expect(
			inputError(
				allowed(
					{ url: 'https://u:secret-pw@127.0.0.1/v2/billing' },
					'https://u:secret-pw@127.0.0.1',
				),
			).message,
		).toMatch(/user name or password/);
	});

	it('fails for a request to another origin, naming both origins', () => {
		for (const url of [
			'https://other.example/v2/billing',
			'https://api.aimlapi.com:8443/v2/billing',
			'https://sub.api.aimlapi.com/x',
		]) {
			const error = inputError(allowed({ url }, 'https://api.aimlapi.com'));
			expect(error.field).toBe('URL');
			expect(error.message).toMatch(
				/^This credential sends its API key only to its Base URL \(https:\/\/api\.aimlapi\.com\), not to https:\/\//,
			);
		}
		expect(
			inputError(allowed({ url: 'http://127.0.0.2:8080/x' }, 'http://127.0.0.1:8080')).message,
		).toContain('not to http://127.0.0.2:8080');
	});

	it('fails for plain http to a remote host and for a user name or password, without repeating them', () => {
		const http = inputError(
			allowed({ uri: 'http://api.aimlapi.com/v1/models?key=secret-q' }, undefined),
		);
		expect(http.message).toMatch(
			/^The API key is never sent over plain http to a host other than localhost \(this request goes to http:\/\/api\.aimlapi\.com\)/,
		);
		expect(http.message).not.toContain('secret-q');
		const userinfo = inputError(
			allowed({ url: 'https://user:secret-pw@api.aimlapi.com/v2/billing' }, undefined),
		);
		expect(userinfo.message).toMatch(
			/^The API key is never sent to a URL with a user name or password in it/,
		);
		expect(userinfo.message).not.toContain('secret-pw');
	});

	it('fails when the request has no absolute URL', () => {
		expect(inputError(allowed({ url: '/v2/billing' }, undefined)).message).toMatch(
			/no absolute URL.*https:\/\/api\.aimlapi\.com/,
		);
	});
});
