/**
 * One submit and one status poll, from the API's answer to what the wait loop does next. Which
 * answers may be sent again is decided here, and only here: a submit is re-sent only when the API
 * surely did not take it.
 */
import { costOfGeneration, costOfSubmit } from '../spend/cost';
import type { Failure } from '../shared/errors';
import { httpFailure } from '../shared/errors';
import { asGeneration } from '../transport/generation';
import type { GenerateRequest } from '../request/build';
import type { ApiContext, ApiResponse, NetworkProblem } from '../transport/api';
import { apiRequest, networkReason } from '../transport/api';
import { AMBIGUOUS_SUBMIT, ambiguousSubmit } from './machine';
import type { Job, PollOutcome, SubmitOutcome } from './wait';

/** The most one request may take, whatever is left of Max Wait. */
const SUBMIT_TIMEOUT_MS = 60_000;
const POLL_TIMEOUT_MS = 30_000;
/** A request is never given less than this, so a last poll near the deadline can still answer. */
const MIN_TIMEOUT_MS = 1_000;
/** Polls of a generation this node submitted that may answer 404 while the API catches up. */
const NOT_FOUND_GRACE = 4;

/** What is left of the job's wait, within the per-request bound. */
function timeoutFor(step: ApiContext, job: Job, cap: number): number {
	return Math.max(MIN_TIMEOUT_MS, Math.min(cap, job.deadline - step.clock.now()));
}

function networkFailure(problem: NetworkProblem, generationId?: string): Failure {
	return {
		kind: 'network',
		message: `No answer from the API: ${networkReason(problem.code)}${generationId ? ` (generation ${generationId})` : ''}`,
		description: generationId
			? `The generation keeps running at the API: collect it later with Get Generation and the id ${generationId}.`
			: 'Check the network and the Base URL of the "AIML API" credential.',
	};
}

/** A 3xx: the node follows no redirect, so the key and the prompt never go to another address. */
function redirectFailure(response: ApiResponse, generationId?: string): Failure {
	const location =
		typeof response.headers.location === 'string' ? ` to ${response.headers.location}` : '';
	return {
		kind: 'http',
		httpCode: response.statusCode,
		message: `The API answered with a redirect (HTTP ${response.statusCode})${location}${generationId ? ` (generation ${generationId})` : ''}`,
		description:
			'The node does not follow redirects, so your API key and prompt stay with the Base URL. Check the Base URL of the "AIML API" credential; if the API has moved, enter its new https address there.',
	};
}

/** A failure of a submit the API may nevertheless have processed. */
function possiblyAccepted(failure: Failure): Failure {
	return {
		...failure,
		kind: 'ambiguous-submit',
		description: `${failure.description} ${AMBIGUOUS_SUBMIT}`,
	};
}

export async function submitGeneration(
	step: ApiContext,
	request: GenerateRequest,
	job: Job,
): Promise<SubmitOutcome> {
	const result = await apiRequest(step.ctx, step.baseUrl, step.clock, {
		method: 'POST',
		path: request.path,
		body: request.body,
		timeoutMs: timeoutFor(step, job, SUBMIT_TIMEOUT_MS),
	});
	if (!result.ok) {
		const { problem } = result;
		// Never connected: nothing was created, so it may be sent again.
		if (!problem.mayHaveArrived) return { type: 'retry', failure: networkFailure(problem) };
		// A cancel or a deadline can cut off a submit the API has already accepted.
		const what = problem.cancelled ? 'the execution was cancelled' : networkReason(problem.code);
		return {
			type: 'failed',
			failure: ambiguousSubmit(`No answer to the submit: ${what} after the request was sent`),
		};
	}
	const { response } = result;
	const { statusCode, body } = response;
	if (statusCode >= 200 && statusCode < 300) {
		const generation = asGeneration(body, 'submit');
		if (generation)
			return { type: 'accepted', generation, cost: costOfSubmit(generation, response.headers) };
		return {
			type: 'failed',
			failure: ambiguousSubmit(`The API answered HTTP ${statusCode} without a generation id`),
		};
	}
	if (statusCode >= 300 && statusCode < 400) {
		const failure = redirectFailure(response);
		// 301, 302 and 303 answer a POST that the server may have processed; 307 and 308 ask for it
		// to be sent again elsewhere, so nothing was created.
		if (statusCode === 307 || statusCode === 308)
			return {
				type: 'failed',
				failure: {
					...failure,
					description: `Nothing was created by this answer. ${failure.description}`,
				},
			};
		return { type: 'failed', failure: possiblyAccepted(failure) };
	}
	const failure = httpFailure(statusCode, body, 'submit', undefined, job.attempts);
	if (statusCode === 429) return { type: 'limited', failure };
	if (statusCode === 503) return { type: 'retry', failure };
	if (statusCode >= 500) return { type: 'failed', failure: possiblyAccepted(failure) };
	return { type: 'failed', failure };
}

/**
 * A status answer about another generation than the one asked. Never adopted: the item would then
 * carry an id its loop state does not know, and its deadline would start afresh every round.
 */
function otherGeneration(asked: string, answered: string): Failure {
	return {
		kind: 'http',
		message: `The API answered about generation ${answered} when asked about generation ${asked}`,
		description: `The answer was not used; generation ${asked} is checked again until its wait ends.`,
	};
}

export async function pollGeneration(
	step: ApiContext,
	pollPath: string,
	job: Job,
): Promise<PollOutcome> {
	const id = job.generationId as string;
	const result = await apiRequest(step.ctx, step.baseUrl, step.clock, {
		method: 'GET',
		path: `${pollPath}?generation_id=${encodeURIComponent(id)}`,
		timeoutMs: timeoutFor(step, job, POLL_TIMEOUT_MS),
	});
	if (!result.ok) return { type: 'retry', failure: networkFailure(result.problem, id) };
	const { response } = result;
	const { statusCode, body } = response;
	if (statusCode >= 200 && statusCode < 300) {
		const generation = asGeneration(body, 'poll');
		if (generation && generation.id !== id)
			return { type: 'retry', failure: otherGeneration(id, generation.id) };
		if (generation) return { type: 'status', generation, cost: costOfGeneration(generation) };
		return {
			type: 'retry',
			failure: {
				kind: 'http',
				httpCode: statusCode,
				message: `The API's answer about generation ${id} was unreadable`,
				description: '',
			},
		};
	}
	if (statusCode >= 300 && statusCode < 400)
		return { type: 'failed', failure: redirectFailure(response, id) };
	const failure = httpFailure(statusCode, body, 'poll', id, job.attempts);
	// The API may not know at once a generation it has just accepted.
	if (statusCode === 404 && job.submittedHere && job.attempts < NOT_FOUND_GRACE)
		return { type: 'retry', failure };
	if (statusCode === 429 || statusCode === 408 || statusCode >= 500)
		return { type: 'retry', failure };
	return { type: 'failed', failure };
}
