import type { Failure } from '../../nodes/AimlApiVeo/shared/errors';
import type { Generation } from '../../nodes/AimlApiVeo/transport/generation';
import type {
	Job,
	PollOutcome,
	SchedulerDeps,
	SubmitOutcome,
} from '../../nodes/AimlApiVeo/run/wait';
import { backoffMs, runJobs } from '../../nodes/AimlApiVeo/run/wait';
import { FakeClock } from './fake-clock';

const failure = (message: string, httpCode?: number): Failure => ({
	kind: 'http',
	message,
	description: '',
	httpCode,
});

function job(index: number, overrides: Partial<Job> = {}): Job {
	return {
		index,
		waitForCompletion: true,
		pollIntervalMs: 10_000,
		deadline: 1_000_000 + 1_000_000,
		onTimeout: 'fail',
		state: 'submit',
		nextAt: 0,
		attempts: 0,
		...overrides,
	};
}

/** An in-memory API: each generation completes `generationMs` after it is accepted. */
class FakeApi {
	accepted = new Map<string, number>();
	submits: Array<{ index: number; at: number }> = [];
	polls: Array<{ id: string; at: number }> = [];
	limit = Infinity;
	submitScript: Array<SubmitOutcome['type']> = [];
	pollScript: Array<'retry' | 'failed' | 'status'> = [];
	outcome: (id: string) => Partial<Generation> = () => ({
		status: 'completed',
		video: { url: 'https://cdn.example/v.mp4' },
	});

	constructor(
		private clock: FakeClock,
		private generationMs: number,
	) {}

	running(): number {
		return [...this.accepted.values()].filter((at) => this.clock.now() < at + this.generationMs)
			.length;
	}

	deps(overrides: Partial<SchedulerDeps> = {}): SchedulerDeps {
		return {
			clock: this.clock,
			maxRunning: 100,
			parallelRequests: 8,
			parallelDownloads: 2,
			stopOnFailure: false,
			submit: async (j) => await this.submit(j),
			poll: async (j) => await this.poll(j),
			...overrides,
		};
	}

	async submit(j: Job): Promise<SubmitOutcome> {
		this.submits.push({ index: j.index, at: this.clock.now() });
		const scripted = this.submitScript.shift();
		if (scripted === 'retry') return { type: 'retry', failure: failure('503', 503) };
		if (scripted === 'failed') return { type: 'failed', failure: failure('400', 400) };
		if (this.running() >= this.limit)
			return { type: 'limited', failure: failure('Too Many Requests', 429) };
		const id = `gen-${j.index}-${this.submits.length}`;
		this.accepted.set(id, this.clock.now());
		return { type: 'accepted', generation: { id, status: 'queued' } };
	}

	async poll(j: Job): Promise<PollOutcome> {
		const id = j.generationId as string;
		this.polls.push({ id, at: this.clock.now() });
		const scripted = this.pollScript.shift();
		if (scripted === 'retry') return { type: 'retry', failure: failure('503', 503) };
		if (scripted === 'failed') return { type: 'failed', failure: failure('401', 401) };
		const at = this.accepted.get(id) ?? 0;
		if (this.clock.now() < at + this.generationMs)
			return { type: 'status', generation: { id, status: 'generating' } };
		return {
			type: 'status',
			generation: { id, status: 'completed', ...this.outcome(id) } as Generation,
		};
	}
}

describe('the wait loop', () => {
	it('waits for many items in one loop: N items take about one generation time', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 25_000);
		const jobs = Array.from({ length: 50 }, (_, i) => job(i));
		const start = clock.now();
		expect(await runJobs(jobs, api.deps())).toBe('finished');
		expect(jobs.every((j) => j.state === 'done' && j.result === 'completed')).toBe(true);
		// One generation takes 25 s, polled every 10 s: done at the third poll, 30 s.
		expect(clock.now() - start).toBe(30_000);
		// Submitted in input order, each once.
		expect(api.submits.map((s) => s.index)).toEqual(jobs.map((j) => j.index));
		// ceil(25/10) = 3 polls per generation, never more.
		expect(api.polls.length).toBe(50 * 3);
	});

	it('polls a generation no more than once per interval, the first one interval after submit', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 35_000);
		const jobs = [job(0, { pollIntervalMs: 7_000 })];
		const start = clock.now();
		await runJobs(jobs, api.deps());
		const times = api.polls.map((p) => p.at - start);
		expect(times).toEqual([7_000, 14_000, 21_000, 28_000, 35_000]);
	});

	it('learns the account limit from a 429 and submits the rest as slots free, dropping none', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 20_000);
		api.limit = 5;
		const jobs = Array.from({ length: 12 }, (_, i) => job(i));
		await runJobs(jobs, api.deps({ maxRunning: 10 }));
		expect(jobs.every((j) => j.state === 'done')).toBe(true);
		expect(api.accepted.size).toBe(12);
		// Only the first round overshoots: 10 sent, 5 refused. Afterwards it stays within the learned limit.
		const refused = api.submits.length - api.accepted.size;
		expect(refused).toBe(5);
	});

	it('respects Max Concurrent Generations without any 429', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 20_000);
		const jobs = Array.from({ length: 9 }, (_, i) => job(i));
		let maxRunning = 0;
		await runJobs(jobs, {
			...api.deps({ maxRunning: 3 }),
			submit: async (j) => {
				const outcome = await api.submit(j);
				maxRunning = Math.max(
					maxRunning,
					jobs.filter((other) => other.state === 'pending').length + 1,
				);
				return outcome;
			},
		});
		expect(maxRunning).toBeLessThanOrEqual(3);
		expect(api.submits.length).toBe(9);
		expect(jobs.every((j) => j.state === 'done')).toBe(true);
	});

	it('retries failed polls with backoff and never re-submits an accepted generation', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 10_000);
		api.pollScript = ['retry', 'retry', 'retry'];
		const jobs = [job(0)];
		const start = clock.now();
		await runJobs(jobs, api.deps());
		expect(jobs[0].state).toBe('done');
		expect(api.submits.length).toBe(1);
		expect(api.polls.map((p) => p.at - start)).toEqual([10_000, 11_000, 13_000, 17_000]);
		expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, 10_000))).toEqual([
			1000, 2000, 4000, 8000, 10_000, 10_000,
		]);
	});

	it('resends a submit refused before acceptance (503) a bounded number of times', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 10_000);
		api.submitScript = ['retry', 'retry', 'retry', 'retry', 'retry', 'retry'];
		const jobs = [job(0)];
		await runJobs(jobs, api.deps({ maxSubmitRetries: 5 }));
		expect(jobs[0].state).toBe('failed');
		expect(api.submits.length).toBe(6);
		expect(api.accepted.size).toBe(0);
	});

	it('fails on timeout with the id, or returns the pending generation when asked', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 100_000);
		const start = clock.now();
		const jobs = [
			job(0, { deadline: start + 30_000 }),
			job(1, { deadline: start + 30_000, onTimeout: 'return' }),
		];
		await runJobs(jobs, api.deps());
		expect(jobs[0].state).toBe('failed');
		expect(jobs[0].failure?.kind).toBe('timeout');
		expect(jobs[0].failure?.message).toContain(jobs[0].generationId as string);
		expect(jobs[0].failure?.description).toContain('Get Generation');
		expect(jobs[1]).toMatchObject({ state: 'done', result: 'timedOut' });
		expect(clock.now() - start).toBe(30_000);
	});

	it('ends status error and completed-without-video as failures of their own item only', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 5_000);
		api.outcome = (id) =>
			id.startsWith('gen-0')
				? { status: 'error', error: { name: 'ContentPolicyViolation', message: 'blocked' } }
				: id.startsWith('gen-1')
					? { status: 'completed', video: null }
					: { status: 'completed', video: { url: 'https://cdn.example/x.mp4' } };
		const jobs = [job(0), job(1), job(2)];
		await runJobs(jobs, api.deps());
		expect(jobs[0].failure).toMatchObject({ kind: 'status-error' });
		expect(jobs[0].failure?.message).toMatch(
			/^Generation gen-0-1 failed: ContentPolicyViolation: blocked$/,
		);
		expect(jobs[1].failure).toMatchObject({ kind: 'no-video' });
		expect(jobs[2]).toMatchObject({ state: 'done', videoUrl: 'https://cdn.example/x.mp4' });
	});

	it('stops at the first failure when asked to, leaving the rest unfinished', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 50_000);
		api.submitScript = ['accepted' as never, 'failed'];
		const jobs = [job(0), job(1), job(2)];
		await runJobs(jobs, api.deps({ stopOnFailure: true, parallelRequests: 1 }));
		expect(jobs[1].state).toBe('failed');
		expect(jobs[0].state).toBe('pending');
		expect(api.polls.length).toBe(0);
	});

	it('returns at once when the execution is cancelled, sending nothing more', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 50_000);
		const controller = new AbortController();
		const jobs = [job(0), job(1)];
		const deps = api.deps({ signal: controller.signal });
		const poll = deps.poll;
		deps.poll = async (j) => {
			controller.abort();
			return await poll(j);
		};
		expect(await runJobs(jobs, deps)).toBe('cancelled');
		expect(api.polls.length).toBe(2);
		expect(api.submits.length).toBe(2);
	});

	it('downloads finished videos in parallel, bounded, and records download failures per item', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 5_000);
		let inFlight = 0;
		let peak = 0;
		const jobs = Array.from({ length: 6 }, (_, i) => job(i));
		await runJobs(
			jobs,
			api.deps({
				parallelDownloads: 2,
				download: async (j) => {
					inFlight++;
					peak = Math.max(peak, inFlight);
					await new Promise((resolve) => setImmediate(resolve));
					inFlight--;
					return j.index === 3
						? { kind: 'download', message: 'HTTP 404', description: '' }
						: undefined;
				},
			}),
		);
		expect(peak).toBe(2);
		expect(jobs.filter((j) => j.state === 'done').length).toBe(5);
		expect(jobs[3].failure?.kind).toBe('download');
	});

	it('polls a Get Generation job right away, and returns its status without waiting when asked', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 50_000);
		api.accepted.set('known', clock.now());
		const jobs = [
			job(0, {
				state: 'pending',
				generationId: 'known',
				nextAt: clock.now(),
				waitForCompletion: false,
			}),
		];
		const start = clock.now();
		await runJobs(jobs, api.deps());
		expect(api.polls.map((p) => p.at - start)).toEqual([0]);
		expect(jobs[0]).toMatchObject({
			state: 'done',
			result: 'running',
			generation: { status: 'generating' },
		});
	});

	it('keeps the round whole when a step throws: that job fails as possibly accepted, the others finish', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 15_000);
		const jobs = Array.from({ length: 4 }, (_, i) => job(i));
		await runJobs(
			jobs,
			api.deps({
				submit: async (j) => {
					if (j.index === 1) throw new URIError('URI malformed');
					return await api.submit(j);
				},
			}),
		);
		expect(jobs.map((j) => j.state)).toEqual(['done', 'failed', 'done', 'done']);
		expect(jobs[1].failure).toMatchObject({
			kind: 'ambiguous-submit',
			message: 'The submit failed unexpectedly: URI malformed',
		});
		expect(api.submits.map((s) => s.index)).toEqual([0, 2, 3]);
	});

	it('sends nothing for a job whose deadline passed while it waited for its turn', async () => {
		const clock = new FakeClock();
		const api = new FakeApi(clock, 15_000);
		const jobs = [
			job(0, { deadline: clock.now() + 5_000 }),
			job(1, { deadline: clock.now() + 5_000 }),
		];
		// The first submit takes 6 s; the second job's turn comes after its deadline.
		const slowSubmit = async (j: Job) => {
			clock.time += 6_000;
			return await api.submit(j);
		};
		await runJobs(jobs, api.deps({ parallelRequests: 1, submit: slowSubmit }));
		expect(api.submits.map((s) => s.index)).toEqual([0]);
		expect(jobs[1].failure?.kind).toBe('not-submitted');
	});
});
