/**
 * The credential on n8n-core's real request path: its Test as n8n's credential tester runs it,
 * the node's own requests, and requests of another node using it as a predefined credential (as
 * the HTTP Request node does). The key must only ever go to the Base URL's origin, over https or
 * plain http to loopback, with no user name or password in the URL.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { AimlVeoApi } from '../../credentials/AimlVeoApi.credentials';
import { baseUrlProblem } from '../../nodes/AimlApiVeo/transport/base-url';
import { runWorkflow, testCredential } from '../harness/engine';
import type { Simulator } from '../simulator';
import { DEFAULT_API_KEY, isCatalogueRead, startSimulator } from '../simulator';
import { VEO, generateParams, veoNode, workflow } from './workflows';

let sim: Simulator;
let simPort: string;

beforeAll(async () => {
	sim = await startSimulator({ progress: { polls: 1 } });
	simPort = new URL(sim.baseUrl).port;
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());
afterEach(() => jest.restoreAllMocks());

/** Counts outgoing TCP connection attempts (every HTTP client in Node goes through Socket#connect). */
function countConnections(): () => number {
	const spy = jest.spyOn(Socket.prototype, 'connect');
	return () => spy.mock.calls.length;
}

interface Listener {
	server: Server;
	url: string;
	seen: Array<{ url?: string; authorization?: string }>;
}

async function listen(
	host: string,
	handle: (req: IncomingMessage, res: import('node:http').ServerResponse) => void,
): Promise<Listener> {
	const seen: Listener['seen'] = [];
	const server = createServer((req, res) => {
		seen.push({ url: req.url, authorization: req.headers.authorization });
		handle(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	return { server, url: `http://${host}:${(server.address() as AddressInfo).port}`, seen };
}

async function close(listener: Listener): Promise<void> {
	listener.server.closeAllConnections();
	await new Promise<void>((resolve) => listener.server.close(() => resolve()));
}

describe('the credential Test', () => {
	it('passes with a good key and fails with the API’s 401 for a bad one, sending the key as a Bearer token', async () => {
		const good = await testCredential(new AimlVeoApi(), {
			apiKey: DEFAULT_API_KEY,
			baseUrl: sim.baseUrl,
		});
		expect(good).toEqual({ status: 'OK', message: 'Connection successful!' });
		const bad = await testCredential(new AimlVeoApi(), {
			apiKey: 'not-the-key',
			baseUrl: `${sim.baseUrl}/`,
		});
		expect(bad).toMatchObject({ status: 'Error', message: 'Unauthorized', httpStatus: 401 });
		const [first, ...rest] = sim.requests.map((r) => [r.path, r.authorization, r.status]);
		expect(first).toEqual(['/v2/billing', `Bearer ${DEFAULT_API_KEY}`, 200]);
		// n8n-core sends a request that got 401 once more after its pre-authentication step.
		expect(rest.length).toBeGreaterThanOrEqual(1);
		expect(
			rest.every(
				([path, authorization, status]) =>
					path === '/v2/billing' && authorization === 'Bearer not-the-key' && status === 401,
			),
		).toBe(true);
	});

	it('calls the same URL the node will when the Base URL ends in /v1 or has spaces around it', async () => {
		const result = await testCredential(new AimlVeoApi(), {
			apiKey: DEFAULT_API_KEY,
			baseUrl: ` ${sim.baseUrl}/v1/ `,
		});
		expect(result.status).toBe('OK');
		expect(sim.requests.map((r) => r.path)).toEqual(['/v2/billing']);
	});

	const unsafe: Array<[string, () => string, RegExp]> = [
		[
			'plain http to a remote host',
			() => 'http://api.example.com',
			/^The Base URL must use https \(plain http is allowed only to localhost\)/,
		],
		[
			'plain http to a private address',
			() => 'http://10.1.2.3:8080',
			/^The Base URL must use https/,
		],
		[
			'a user name and password over https',
			() => `https://user:secret-pw@127.0.0.1:${simPort}`,
			/^The Base URL must not contain a user name or password/,
		],
		[
			'a user name and password over loopback http',
			() => `http://user:secret-pw@127.0.0.1:${simPort}`,
			/^The Base URL must not contain a user name or password/,
		],
		[
			'a user name alone',
			() => `http://user@127.0.0.1:${simPort}`,
			/^The Base URL must not contain a user name or password/,
		],
		['an ftp URL', () => `ftp://127.0.0.1:${simPort}`, /^The Base URL must use https/],
		['a query', () => `${sim.baseUrl}?token=x`, /^The Base URL must not contain a query/],
		['text that is not a URL', () => 'api.aimlapi.com', /^The Base URL is not a valid URL/],
	];
	it.each(unsafe)(
		'fails before sending anything for %s, saying why and what to do',
		async (_name, baseUrl, message) => {
			const connections = countConnections();
			const result = await testCredential(new AimlVeoApi(), {
				apiKey: DEFAULT_API_KEY,
				baseUrl: baseUrl(),
			});
			// Exactly what n8n's credential tester reports: the message of the error thrown before sending.
			expect(result).toEqual({ status: 'Error', message: baseUrlProblem(baseUrl()) });
			expect(result.message).toMatch(message);
			expect(result.message).not.toContain('secret-pw');
			expect(result.message).not.toContain(DEFAULT_API_KEY);
			expect(connections()).toBe(0);
			expect(sim.requests).toHaveLength(0);
		},
	);

	it('does not forward the key when a good Base URL redirects to another origin', async () => {
		const elsewhere = await listen('127.0.0.2', (_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"balance":1}');
		});
		const redirecting = await listen('127.0.0.1', (req, res) => {
			res.writeHead(302, { location: `${elsewhere.url}${req.url ?? '/'}` });
			res.end();
		});
		try {
			await testCredential(new AimlVeoApi(), { apiKey: DEFAULT_API_KEY, baseUrl: redirecting.url });
			expect(redirecting.seen).toEqual([
				{ url: '/v2/billing', authorization: `Bearer ${DEFAULT_API_KEY}` },
			]);
			expect(elsewhere.seen).toEqual([{ url: '/v2/billing', authorization: undefined }]);
		} finally {
			await close(redirecting);
			await close(elsewhere);
		}
	});
});

describe("the node's own requests", () => {
	it('still carry Authorization: Bearer <key> to the API, and nothing to the video host', async () => {
		const result = await runWorkflow({
			workflow: workflow([{ prompt: 'a fox in snow' }], [veoNode(VEO, generateParams())]),
			credentials: { aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } },
		});
		expect(result.status).toBe('success');
		// The catalogue and the deprecation feed need no key: none is sent to them.
		const isPublic = isCatalogueRead;
		const api = sim.requests.filter((r) => r.origin === 'api' && !isPublic(r));
		expect(api.length).toBeGreaterThanOrEqual(2);
		expect(api.every((r) => r.authorization === `Bearer ${DEFAULT_API_KEY}`)).toBe(true);
		const reads = sim.requests.filter(isPublic);
		expect(reads).toHaveLength(2);
		expect(reads.map((r) => r.authorization)).toEqual([undefined, undefined]);
		expect(sim.requests.filter((r) => r.origin === 'cdn').map((r) => r.authorization)).toEqual([
			undefined,
		]);
	});
});

// ------------------------------------------------- used as a predefined credential

const PREDEFINED = 'harness-test.predefinedRequest';

/**
 * Sends each item's `url` with the credential the way the HTTP Request node does with a
 * predefined credential type (`requestWithAuthentication` with a legacy `uri`), or with
 * `httpRequestWithAuthentication` when the item says `helper: 'httpRequest'`. Each item's
 * outcome becomes an output row.
 */
const predefinedRequest: INodeType = {
	description: {
		displayName: 'Predefined Credential Request',
		name: 'predefinedRequest',
		group: ['transform'],
		version: 1,
		description: 'Test node',
		defaults: { name: 'Request' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aimlVeoApi', required: true }],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const rows: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const { url, helper } = items[i].json as { url: string; helper?: string };
			try {
				const body =
					helper === 'httpRequest'
						? await this.helpers.httpRequestWithAuthentication.call(this, 'aimlVeoApi', {
								url,
								method: 'GET',
								json: true,
							})
						: await this.helpers.requestWithAuthentication.call(
								this,
								'aimlVeoApi',
								{ uri: url, method: 'GET', json: true },
								undefined,
								i,
							);
				rows.push({ json: { sent: true, body: body as IDataObject } });
			} catch (error) {
				rows.push({ json: { sent: false, error: (error as Error).message } });
			}
		}
		return [rows];
	},
};

async function sendWithCredential(
	rows: Array<{ url: string; helper?: string }>,
): Promise<IDataObject[]> {
	const result = await runWorkflow({
		workflow: workflow(rows, [
			{
				name: 'Request',
				type: PREDEFINED,
				typeVersion: 1,
				position: [600, 0],
				parameters: {},
				credentials: { aimlVeoApi: { id: '1', name: 'AIML API account' } },
			},
		]),
		nodeTypes: { [PREDEFINED]: predefinedRequest },
		credentials: { aimlVeoApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl } },
	});
	expect(result.status).toBe('success');
	return result.items('Request').map((item) => item.json);
}

describe('used as a predefined credential by another node', () => {
	it('attaches the key to requests to the Base URL origin, with either request helper', async () => {
		const out = await sendWithCredential([
			{ url: `${sim.baseUrl}/v2/billing` },
			{ url: `${sim.baseUrl}/v2/billing`, helper: 'httpRequest' },
		]);
		expect(out.map((row) => row.sent)).toEqual([true, true]);
		expect(sim.requests.map((r) => [r.path, r.authorization])).toEqual([
			['/v2/billing', `Bearer ${DEFAULT_API_KEY}`],
			['/v2/billing', `Bearer ${DEFAULT_API_KEY}`],
		]);
	});

	it('refuses, before connecting, requests to another origin, over plain http to a remote host, or with a user name or password', async () => {
		const connections = countConnections();
		const out = await sendWithCredential([
			{ url: `${sim.cdnUrl}/anything` },
			{ url: 'https://example.com/v2/billing' },
			{ url: 'http://api.example.com/v2/billing' },
			{ url: `http://user:secret-pw@127.0.0.1:${simPort}/v2/billing` },
			{ url: `${sim.cdnUrl}/anything`, helper: 'httpRequest' },
		]);
		expect(out.map((row) => row.sent)).toEqual([false, false, false, false, false]);
		expect(out[0].error).toBe(
			`This credential sends its API key only to its Base URL (${sim.baseUrl}), not to ${sim.cdnUrl}. Send the request to ${sim.baseUrl}, or change the credential's Base URL.`,
		);
		expect(out[1].error).toMatch(
			/^This credential sends its API key only to its Base URL .*, not to https:\/\/example\.com\./,
		);
		expect(out[2].error).toMatch(
			/^The API key is never sent over plain http to a host other than localhost \(this request goes to http:\/\/api\.example\.com\)/,
		);
		expect(out[3].error).toMatch(
			/^The API key is never sent to a URL with a user name or password in it/,
		);
		expect(out[4].error).toBe(out[0].error);
		expect(JSON.stringify(out)).not.toContain('secret-pw');
		expect(JSON.stringify(out)).not.toContain(DEFAULT_API_KEY);
		expect(connections()).toBe(0);
		expect(sim.requests).toHaveLength(0);
	});
});
