/**
 * Answering HTTP as the AI/ML API does: its error bodies, JSON answers that echo the client's request
 * id, a destroyed socket for a reset, and reading a request body.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

import { MESSAGES, type SimulatorRequest } from './contract';
import { apiKey, faults, settle, type SimState } from './state';

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const NANOID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

const SERVER_ERROR_MESSAGES: Record<number, string> = {
	500: 'Internal server error',
	502: 'Bad Gateway',
	503: 'Service unavailable',
	504: 'Generation timeout',
};

function requestId(): string {
	const bytes = crypto.randomBytes(21);
	let id = '';
	for (const byte of bytes) id += NANOID_ALPHABET[byte & 63];
	return id;
}

export function errorBody(
	statusCode: number,
	path: string,
	message: string,
	at: number,
): Record<string, unknown> {
	return {
		message,
		path,
		requestId: requestId(),
		statusCode,
		timestamp: new Date(at).toISOString(),
	};
}

export function validationBody(path: string, lines: string[], at: number): Record<string, unknown> {
	return { ...errorBody(400, path, [MESSAGES.validation, ...lines].join('\n'), at), errors: lines };
}

export function serverErrorMessage(status: number): string {
	return SERVER_ERROR_MESSAGES[status] ?? http.STATUS_CODES[status] ?? 'Error';
}

export function readBody(req: http.IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
		req.on('error', reject);
	});
}

export function listen(server: http.Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

export function trimTrailingSlash(pathname: string): string {
	return pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
}

/** What a careless API puts into its error bodies: the whole request, key included. */
function echoedRequest(sim: SimState, req: http.IncomingMessage) {
	return {
		method: req.method ?? 'GET',
		path: req.url ?? '/',
		headers: { ...req.headers },
		body: sim.requestBodies.has(req) ? sim.requestBodies.get(req) : null,
	};
}

/** Answers JSON (or `rawText` as it is), echoing a well-formed `x-client-request-id`; once per request. */
export function send(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
	rawText?: string,
): void {
	if (res.destroyed || res.headersSent) return;
	if (
		rawText === undefined &&
		status >= 400 &&
		faults(sim).echoRequestInErrors &&
		typeof body === 'object' &&
		body !== null
	) {
		body = { ...body, request: echoedRequest(sim, req) };
	}
	const text = rawText ?? JSON.stringify(body);
	const clientRequestId = req.headers['x-client-request-id'];
	if (typeof clientRequestId === 'string' && CLIENT_REQUEST_ID.test(clientRequestId)) {
		headers['x-client-request-id'] = clientRequestId;
	}
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
	settle(sim, entry, status);
}

export function resetSocket(
	sim: SimState,
	req: http.IncomingMessage,
	entry: SimulatorRequest,
): void {
	req.socket.destroy();
	settle(sim, entry, 'reset');
}

export function isAuthorized(sim: SimState, req: http.IncomingMessage): boolean {
	const header = req.headers.authorization;
	if (typeof header !== 'string') return false;
	const match = /^Bearer\s+(.+)$/i.exec(header.trim());
	return match !== null && match[1].trim() === apiKey(sim);
}

/** The 401 every API route answers to a request without the key. */
export function unauthorized(path: string, at: number): Record<string, unknown> {
	return errorBody(401, path, MESSAGES.unauthorized, at);
}
