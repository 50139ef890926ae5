import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { GenerateRequest } from '../../nodes/AimlApiVeo/request/build';
import { pollGeneration, submitGeneration } from '../../nodes/AimlApiVeo/run/steps';
import type { Clock } from '../../nodes/AimlApiVeo/transport/deadline';
import type { Job } from '../../nodes/AimlApiVeo/run/wait';
import { ManualClock } from './fake-clock';

/** An execution context whose HTTP helper records each request and answers as told. */
function contextAnswering(answer: (options: IHttpRequestOptions) => Promise<unknown>) {
	const sent: IHttpRequestOptions[] = [];
	const ctx = {
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				sent.push(options);
				return await answer(options);
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

/**
 * Never answers, and ignores the request's own signal: n8n's authenticated helper replaces it
 * with the execution's cancel signal, so the node must stop waiting by itself.
 */
const hang = () => new Promise(() => undefined);

const job = (clock: Clock, waitMs: number, overrides: Partial<Job> = {}): Job => ({
	index: 0,
	generationId: 'gen-1',
	waitForCompletion: true,
	pollIntervalMs: 1000,
	deadline: clock.now() + waitMs,
	onTimeout: 'fail',
	state: 'pending',
	nextAt: 0,
	attempts: 0,
	...overrides,
});

const request: GenerateRequest = {
	model: {} as GenerateRequest['model'],
	path: '/v2/video/generations',
	body: { model: 'm', prompt: 'p' },
};

describe('each request is bounded by what is left of Max Wait', () => {
	it('gives a poll the rest of Max Wait, within its own cap, and never follows a redirect', async () => {
		const clock = new ManualClock();
		const { ctx, sent } = contextAnswering(async () => ({
			statusCode: 200,
			body: { id: 'gen-1', status: 'queued' },
		}));
		const step = { ctx, baseUrl: 'https://api.example', clock };
		await pollGeneration(step, '/v2/video/generations', job(clock, 4_000));
		await pollGeneration(step, '/v2/video/generations', job(clock, 3_600_000));
		await submitGeneration(
			step,
			request,
			job(clock, 3_600_000, { state: 'submit', generationId: undefined }),
		);
		expect(sent.map((options) => options.timeout)).toEqual([4_000, 30_000, 60_000]);
		expect(
			sent.every((options) => options.disableFollowRedirect === true && options.abortSignal),
		).toBe(true);
	});

	it('ends a poll that never answers at the deadline, however it hangs', async () => {
		const clock = new ManualClock();
		const { ctx } = contextAnswering(hang);
		const outcome = pollGeneration(
			{ ctx, baseUrl: 'https://api.example', clock },
			'/v2/video/generations',
			job(clock, 4_000),
		);
		let settled = false;
		void outcome.then(() => (settled = true));
		await clock.advance(3_999);
		expect(settled).toBe(false);
		await clock.advance(1);
		expect(await outcome).toMatchObject({
			type: 'retry',
			failure: { message: 'No answer from the API: the request timed out (generation gen-1)' },
		});
	});

	it('reports a submit that times out after sending as possibly accepted, never to be sent again', async () => {
		const clock = new ManualClock();
		const { ctx } = contextAnswering(hang);
		const outcome = submitGeneration(
			{ ctx, baseUrl: 'https://api.example', clock },
			request,
			job(clock, 10_000, { state: 'submit', generationId: undefined }),
		);
		await clock.advance(10_000);
		expect(await outcome).toMatchObject({
			type: 'failed',
			failure: {
				kind: 'ambiguous-submit',
				message: 'No answer to the submit: the request timed out after the request was sent',
			},
		});
	});

	it('calls a submit cut off by a cancel possibly accepted', async () => {
		const clock = new ManualClock();
		const cancel = new AbortController();
		const { ctx } = contextAnswering(hang);
		(ctx as unknown as { getExecutionCancelSignal: () => AbortSignal }).getExecutionCancelSignal =
			() => cancel.signal;
		const outcome = submitGeneration(
			{ ctx, baseUrl: 'https://api.example', clock },
			request,
			job(clock, 10_000, { state: 'submit', generationId: undefined }),
		);
		cancel.abort();
		expect(await outcome).toMatchObject({
			type: 'failed',
			failure: {
				kind: 'ambiguous-submit',
				message: 'No answer to the submit: the execution was cancelled after the request was sent',
			},
		});
	});

	it('refuses a redirect answer to a submit, and retries a 404 only for its own fresh generations', async () => {
		const clock = new ManualClock();
		const redirect = contextAnswering(async () => ({
			statusCode: 307,
			headers: { location: 'https://elsewhere.example/x' },
			body: '',
		}));
		expect(
			await submitGeneration(
				{ ctx: redirect.ctx, baseUrl: 'https://api.example', clock },
				request,
				job(clock, 10_000),
			),
		).toMatchObject({
			type: 'failed',
			failure: {
				kind: 'http',
				message: 'The API answered with a redirect (HTTP 307) to https://elsewhere.example/x',
			},
		});
		// A 303 answers a POST the server may have processed.
		const seeOther = contextAnswering(async () => ({
			statusCode: 303,
			headers: { location: 'https://elsewhere.example/x' },
			body: '',
		}));
		expect(
			await submitGeneration(
				{ ctx: seeOther.ctx, baseUrl: 'https://api.example', clock },
				request,
				job(clock, 10_000),
			),
		).toMatchObject({
			type: 'failed',
			failure: { kind: 'ambiguous-submit' },
		});
		const notFound = contextAnswering(async () => ({
			statusCode: 404,
			body: { message: 'Generation not found' },
		}));
		const step = { ctx: notFound.ctx, baseUrl: 'https://api.example', clock };
		expect(
			(await pollGeneration(step, '/p', job(clock, 10_000, { submittedHere: true }))).type,
		).toBe('retry');
		expect(
			(await pollGeneration(step, '/p', job(clock, 10_000, { submittedHere: true, attempts: 4 })))
				.type,
		).toBe('failed');
		expect((await pollGeneration(step, '/p', job(clock, 10_000))).type).toBe('failed');
	});

	it('never adopts a status answer about another generation: a retryable check naming both ids', async () => {
		const clock = new ManualClock();
		const swapped = contextAnswering(async () => ({
			statusCode: 200,
			body: { id: 'gen-2', status: 'completed', video: { url: 'https://cdn.example/v.mp4' } },
		}));
		const outcome = await pollGeneration(
			{ ctx: swapped.ctx, baseUrl: 'https://api.example', clock },
			'/p',
			job(clock, 10_000),
		);
		expect(outcome).toEqual({
			type: 'retry',
			failure: expect.objectContaining({
				message: 'The API answered about generation gen-2 when asked about generation gen-1',
			}) as unknown,
		});
		// The same id, as the API writes it (padded, or a number), is the same generation.
		const padded = contextAnswering(async () => ({
			statusCode: 200,
			body: { id: ' gen-1 ', status: 'queued' },
		}));
		expect(
			(
				await pollGeneration(
					{ ctx: padded.ctx, baseUrl: 'https://api.example', clock },
					'/p',
					job(clock, 10_000),
				)
			).type,
		).toBe('status');
	});
});
