/**
 * The API's routes: submit (`POST`) and poll (`GET`) on both generation paths, and billing. Each route
 * first works out the answer the request deserves, then lets the drawn fault (if any) replace it.
 */
import * as http from 'http';

import { MESSAGES, otherIdOf, type SimulatorRequest } from './contract';
import {
	errorBody,
	isAuthorized,
	readBody,
	resetSocket,
	send,
	serverErrorMessage,
	trimTrailingSlash,
	unauthorized,
	validationBody,
} from './answers';
import { balanceCredits, handleBilling, priceCredits } from './billing';
import { createGeneration, pollBody, runningCount, statusName, videoOf } from './generations';
import {
	CATALOGUE_PATH,
	DEPRECATIONS_PATH,
	deprecationOf,
	handleCatalogue,
	handleDeprecations,
} from './catalogue';
import { pickFault } from './knobs';
import {
	LEGACY_GOOGLE_PATH,
	UNIVERSAL_VIDEO_PATH,
	validateSubmitBody,
	type SimulatedModel,
} from './models';
import {
	apiKey,
	faults,
	logRequest,
	now,
	sleep,
	type SimState,
	type StoredGeneration,
} from './state';

const ISSUED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:.+$/;

type GetFault = 'reset' | 'fail' | 'malformed' | 'empty' | 'hang' | 'other-id';
type PostFault = 'fail' | 'drop' | 'hang' | 'fail-after';

interface Answer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

/** Handles one request to the API listener. */
export async function handleApi(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
): Promise<void> {
	const entry = logRequest(sim, 'api', req);
	sim.inFlight += 1;
	sim.counters.maxInFlight = Math.max(sim.counters.maxInFlight, sim.inFlight);
	res.once('close', () => (sim.inFlight -= 1));
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const path = trimTrailingSlash(url.pathname);
	const method = (req.method ?? 'GET').toUpperCase();
	const isGenerationPath = path === LEGACY_GOOGLE_PATH || path === UNIVERSAL_VIDEO_PATH;

	if (isGenerationPath && method === 'POST')
		return handleSubmit(sim, req, res, entry, url.pathname);
	if (isGenerationPath && method === 'GET') {
		return handlePoll(sim, req, res, entry, url.pathname, url.searchParams);
	}
	if (path === CATALOGUE_PATH && method === 'GET') {
		req.resume();
		return handleCatalogue(sim, req, res, entry, url);
	}
	if (path === DEPRECATIONS_PATH && method === 'GET') {
		req.resume();
		return handleDeprecations(sim, req, res, entry, url.pathname);
	}
	if (path === '/v2/billing' && method === 'GET')
		return handleBilling(sim, req, res, entry, url.pathname);
	req.resume();
	send(
		sim,
		req,
		res,
		entry,
		404,
		errorBody(404, url.pathname, `Cannot ${method} ${url.pathname}`, now(sim)),
	);
}

// ----------------------------------------------------------------- submit

interface SubmitBody {
	parsed: unknown;
	invalidJson: boolean;
	tooLarge: boolean;
}

/** Reads and parses the submit's body (an empty body reads as `{}`), keeping it for `echoRequestInErrors`. */
async function readSubmitBody(sim: SimState, req: http.IncomingMessage): Promise<SubmitBody> {
	const { text, tooLarge } = await readBody(req);
	let parsed: unknown;
	let invalidJson = false;
	if (text.trim() === '') {
		parsed = {};
	} else {
		try {
			parsed = JSON.parse(text);
		} catch {
			invalidJson = true;
		}
	}
	sim.requestBodies.set(req, invalidJson ? text : parsed);
	return { parsed, invalidJson, tooLarge };
}

/** A withdrawn model answers 404, as the deprecation feed documents. */
function retiredModel(sim: SimState, path: string, body: unknown): Answer | undefined {
	const model = (body as { model?: unknown } | undefined)?.model;
	if (typeof model !== 'string' || deprecationOf(sim, model)?.status !== 'withdrawn')
		return undefined;
	return { status: 404, body: errorBody(404, path, `Model ${model} not found`, now(sim)) };
}

/** A superseded id is an alias of its replacement: validated (and charged) as that model. */
function servedAs(sim: SimState, body: unknown): unknown {
	const model = (body as { model?: unknown } | undefined)?.model;
	const entry = typeof model === 'string' ? deprecationOf(sim, model) : undefined;
	if (entry?.status !== 'superseded' || !entry.replaced_by) return body;
	return { ...(body as Record<string, unknown>), model: entry.replaced_by };
}

/** The refusal a submit gets before any fault is drawn, in the API's order of checks; else its model. */
function refuseSubmit(
	sim: SimState,
	req: http.IncomingMessage,
	path: string,
	submit: SubmitBody,
): Answer | { model: SimulatedModel } {
	const f = faults(sim);
	if (f.postRedirect) {
		// A moved endpoint answers before it looks at anything, so nothing is created.
		const { status, location } = f.postRedirect;
		return {
			status,
			body: errorBody(status, path, http.STATUS_CODES[status] ?? 'Redirect', now(sim)),
			headers: { location },
		};
	}
	if (!isAuthorized(sim, req)) return { status: 401, body: unauthorized(path, now(sim)) };
	if (sim.options.outOfCredits)
		return { status: 403, body: errorBody(403, path, MESSAGES.outOfCredits, now(sim)) };
	if (submit.tooLarge)
		return { status: 413, body: errorBody(413, path, 'Payload Too Large', now(sim)) };
	if (submit.invalidJson)
		return { status: 400, body: validationBody(path, ['body: Invalid JSON'], now(sim)) };

	const retired = retiredModel(sim, path, submit.parsed);
	if (retired) return retired;
	const validation = validateSubmitBody(servedAs(sim, submit.parsed), sim.options.extraModels);
	if (validation.errors.length > 0 || !validation.model) {
		return { status: 400, body: validationBody(path, validation.errors, now(sim)) };
	}
	if (
		balanceCredits(sim) <
		priceCredits(sim, validation.model, submit.parsed as Record<string, unknown>)
	) {
		return { status: 403, body: errorBody(403, path, MESSAGES.outOfCredits, now(sim)) };
	}
	return { model: validation.model };
}

async function handleSubmit(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	path: string,
): Promise<void> {
	sim.counters.posts += 1;
	const delayMs = faults(sim).postDelayMs;
	if (delayMs && delayMs > 0) {
		await sleep(sim, delayMs);
		if (sim.closed || res.destroyed) return;
	}
	const submit = await readSubmitBody(sim, req);
	const reject = ({ status, body, headers }: Answer) => {
		sim.counters.postsRejected[status] = (sim.counters.postsRejected[status] ?? 0) + 1;
		send(sim, req, res, entry, status, body, headers);
	};
	const refusal = refuseSubmit(sim, req, path, submit);
	if ('status' in refusal) return reject(refusal);

	const f = faults(sim);
	const fault = pickFault<PostFault>(sim.random(), [
		['fail', f.postFailShare],
		['drop', f.postDropAfterAcceptShare],
		['hang', f.postHangAfterAcceptShare],
		['fail-after', f.postFailAfterAcceptShare],
	]);
	if (fault === 'fail') {
		const status = f.postFailStatus ?? 503;
		return reject({ status, body: errorBody(status, path, serverErrorMessage(status), now(sim)) });
	}
	const limit = sim.options.concurrencyLimit;
	if (limit !== undefined && runningCount(sim) >= limit) {
		return reject({ status: 429, body: errorBody(429, path, MESSAGES.tooManyRequests, now(sim)) });
	}

	const credits = priceCredits(sim, refusal.model, submit.parsed as Record<string, unknown>);
	const stored = createGeneration(
		sim,
		refusal.model,
		path,
		submit.parsed as Record<string, unknown>,
		credits,
	);
	if (fault === 'drop') return resetSocket(sim, req, entry);
	// The generation exists; the answer never comes (the entry stays at status 0).
	if (fault === 'hang') return;
	if (fault === 'fail-after') {
		const status = f.postFailAfterAcceptStatus ?? 500;
		return send(
			sim,
			req,
			res,
			entry,
			status,
			errorBody(status, path, serverErrorMessage(status), now(sim)),
		);
	}
	answerAccepted(sim, req, res, entry, stored);
}

/** 201 with the id, and the cost where `postUsage` puts it (`postReportedCost` in place of the price). */
function answerAccepted(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	stored: StoredGeneration,
): void {
	const f = faults(sim);
	const reported = f.postReportedCost;
	const { credits, usd } =
		reported === undefined ? stored.generation : { credits: reported, usd: reported };
	const body: Record<string, unknown> =
		f.postAnswer === 'id-only'
			? { id: stored.generation.id }
			: stored.doneAtSubmit
				? { ...pollBody(sim, stored), meta: undefined }
				: { id: stored.generation.id, status: statusName(sim, 'queued') };
	const video = videoOf(stored, false);
	if (f.postAnswer !== 'id-only' && !stored.doneAtSubmit && video !== undefined) body.video = video;
	if (f.postAnswer !== 'id-only' && f.postUsage === undefined)
		body.meta = { usage: { credits_used: credits, usd_spent: usd } };
	const usage: Record<string, string> =
		f.postUsage === 'none'
			? {}
			: { 'x-aimlapi-credits-used': String(credits), 'x-aimlapi-usd-spent': String(usd) };
	send(sim, req, res, entry, 201, body, { 'x-inference-id': stored.generation.id, ...usage });
}

// ----------------------------------------------------------------- poll

/** What a poll deserves before any fault: an answer, or the known generation whose answer is computed last. */
interface PollTarget {
	answer?: Answer;
	polled?: StoredGeneration;
	headers: Record<string, string>;
}

/**
 * Looks the asked id up. A generation still in its `notFoundPollsAfterAccept` polls is answered 404
 * here at once (`undefined`: answered), before any fault is drawn.
 */
function pollTarget(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	path: string,
	generationId: string | null,
): PollTarget | undefined {
	if (generationId === null) {
		return {
			answer: { status: 400, body: validationBody(path, ['generation_id: Required'], now(sim)) },
			headers: {},
		};
	}
	if (generationId === '') {
		const lines = ['generation_id: String must contain at least 1 character(s)'];
		return { answer: { status: 400, body: validationBody(path, lines, now(sim)) }, headers: {} };
	}
	const stored = sim.store.get(generationId);
	const headers: Record<string, string> = ISSUED_ID.test(generationId)
		? { 'x-inference-id': generationId }
		: {};
	if (!stored || stored.apiKey !== apiKey(sim)) {
		return {
			answer: {
				status: 404,
				body: errorBody(404, path, MESSAGES.generationNotFound, now(sim)),
				headers,
			},
			headers,
		};
	}
	stored.generation.pollCount += 1;
	if (stored.notFoundPollsLeft > 0) {
		// The API does not know the id it has just issued yet.
		stored.notFoundPollsLeft -= 1;
		send(
			sim,
			req,
			res,
			entry,
			404,
			errorBody(404, path, MESSAGES.generationNotFound, now(sim)),
			headers,
		);
		return undefined;
	}
	return { polled: stored, headers };
}

/** Answers the poll as the drawn fault says; false when no fault applies and the poll is answered as deserved. */
function answerPollFault(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	path: string,
	target: PollTarget,
	generationId: string | null,
): boolean {
	const f = faults(sim);
	const fault = pickFault<GetFault>(sim.random(), [
		['reset', f.getResetShare],
		['fail', f.getFailShare],
		['malformed', f.getMalformedShare],
		['empty', f.getEmptyShare],
		['hang', f.getHangShare],
		['other-id', f.pollOtherIdShare],
	]);
	const { polled, headers } = target;
	switch (fault) {
		case 'reset':
			resetSocket(sim, req, entry);
			return true;
		case 'fail': {
			const statuses =
				f.getFailStatuses && f.getFailStatuses.length > 0 ? f.getFailStatuses : [500, 502, 503];
			const status = statuses[Math.floor(sim.random() * statuses.length)];
			send(
				sim,
				req,
				res,
				entry,
				status,
				errorBody(status, path, serverErrorMessage(status), now(sim)),
			);
			return true;
		}
		case 'malformed': {
			const full = JSON.stringify(polled ? pollBody(sim, polled) : target.answer?.body);
			const truncated = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
			send(sim, req, res, entry, 200, undefined, headers, truncated);
			return true;
		}
		case 'empty':
			send(sim, req, res, entry, 200, undefined, headers, '');
			return true;
		case 'hang':
			// Never answered; the entry keeps status 0.
			return true;
		case 'other-id':
			if (!polled || !generationId) return false;
			send(
				sim,
				req,
				res,
				entry,
				200,
				{ ...pollBody(sim, polled), id: otherIdOf(generationId) },
				headers,
			);
			return true;
		default:
			return false;
	}
}

async function handlePoll(
	sim: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	entry: SimulatorRequest,
	path: string,
	query: URLSearchParams,
): Promise<void> {
	sim.counters.gets += 1;
	const f = faults(sim);
	if (f.getDelayMs && f.getDelayMs > 0) {
		await sleep(sim, f.getDelayMs);
		if (sim.closed || res.destroyed) return;
	}
	if (!isAuthorized(sim, req)) return send(sim, req, res, entry, 401, unauthorized(path, now(sim)));

	// The answer the request deserves, before any fault. A known generation's answer is only
	// computed once no fault was drawn, because an answered poll is what moves `{ polls }` on.
	const generationId = query.get('generation_id');
	const target = pollTarget(sim, req, res, entry, path, generationId);
	if (!target) return;
	if (answerPollFault(sim, req, res, entry, path, target, generationId)) return;

	let answer = target.answer;
	if (target.polled) {
		target.polled.generation.answeredPolls += 1;
		answer = { status: 200, body: pollBody(sim, target.polled), headers: target.headers };
	}
	if (answer) send(sim, req, res, entry, answer.status, answer.body, answer.headers);
}
