/**
 * The job state machine as plain data: a running job written into an item and read back keeps its
 * deadline, and the transitions the in-run wait and the durable loop share end jobs the same way.
 */
import type { Job } from '../../nodes/AimlApiVeo/run/machine';
import { carriedWaitOf, readCarriedWait } from '../../nodes/AimlApiVeo/run/carried-wait';
import { expireJob, settleJob } from '../../nodes/AimlApiVeo/run/machine';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');

function job(overrides: Partial<Job> = {}): Job {
	return {
		index: 0,
		generationId: 'gen-1',
		waitForCompletion: false,
		pollIntervalMs: 10_000,
		deadline: NOW + 120_000,
		loopDeadline: NOW + 600_000,
		onTimeout: 'fail',
		state: 'pending',
		nextAt: NOW,
		attempts: 0,
		...overrides,
	};
}

describe('loop state carried in items', () => {
	const bounds = { now: NOW, maxLoopMs: 86_400_000 };
	const written = () =>
		JSON.parse(JSON.stringify(carriedWaitOf(job(), NOW - 90_000, 2))) as Record<string, unknown>;
	const refusal = (value: unknown, id = 'gen-1') => {
		const read = readCarriedWait(value, id, bounds);
		return read && 'refused' in read ? read.refused : undefined;
	};

	it('round-trips through JSON: the same id, deadline and start, one more check', () => {
		const back = readCarriedWait(written(), 'gen-1', bounds);
		expect(back).toEqual({
			id: 'gen-1',
			deadline: '2026-11-26T12:10:00.000Z',
			startedAt: '2026-11-26T11:58:30.000Z',
			checks: 3,
		});
	});

	it('reads nothing from an item without it', () => {
		expect(readCarriedWait(undefined, 'gen-1', bounds)).toBeUndefined();
		expect(readCarriedWait(null, 'gen-1', bounds)).toBeUndefined();
	});

	it('refuses what the node could not have written, naming the field, instead of starting a fresh deadline', () => {
		expect(refusal('soon')).toContain('veoWait must be the object');
		expect(refusal([1])).toContain('veoWait must be the object');
		expect(refusal({})).toContain('veoWait.id');
		expect(refusal(written(), 'gen-2')).toBe(
			'veoWait is the state of generation gen-1, not of generation gen-2 that this item checks',
		);
		expect(refusal({ ...written(), deadline: 'tomorrow' })).toContain(
			'veoWait.deadline must be an ISO time',
		);
		expect(refusal({ ...written(), deadline: 1_800_000_000_000 })).toContain(
			'veoWait.deadline must be an ISO time',
		);
		expect(refusal({ ...written(), startedAt: undefined })).toContain(
			'veoWait.startedAt must be an ISO time',
		);
		expect(refusal({ ...written(), deadline: '9999-12-31T23:59:59.000Z' })).toContain(
			'a loop lasts at most 86400 s',
		);
		expect(
			refusal({ ...written(), deadline: new Date(NOW - 90_000 + 30 * 86_400_000).toISOString() }),
		).toContain('a loop lasts at most 86400 s');
		expect(refusal({ ...written(), deadline: '2026-11-26T11:58:30.000Z' })).toBe(
			'veoWait.deadline is not after veoWait.startedAt',
		);
		expect(refusal({ ...written(), checks: -5 })).toBe(
			'veoWait.checks must be a whole number of 0 or more, got -5',
		);
		expect(refusal({ ...written(), checks: '3' })).toContain('veoWait.checks');
		expect(refusal({ ...written(), checks: 1.5 })).toContain('veoWait.checks');
		expect(refusal({ ...written(), checks: undefined })).toContain('veoWait.checks');
		expect(refusal({ ...written(), cost: { credits: '1', usd: 1 } })).toContain('veoWait.cost');
		expect(refusal({ ...written(), cost: null })).toContain('veoWait.cost');
		expect(
			readCarriedWait({ ...written(), cost: { credits: 10, usd: 0.000005 } }, 'gen-1', bounds),
		).toMatchObject({ cost: { credits: 10, usd: 0.000005 } });
	});

	it("allows a start a little ahead of this clock (another host's), not a year ahead", () => {
		const start = (at: number) => ({
			...written(),
			startedAt: new Date(at).toISOString(),
			deadline: new Date(at + 600_000).toISOString(),
		});
		expect(refusal(start(NOW + 5 * 60_000))).toBeUndefined();
		expect(refusal(start(NOW + 5 * 60_000 + 1))).toContain('lies in the future');
		expect(refusal(start(NOW + 365 * 86_400_000))).toContain('lies in the future');
	});
});

describe('transitions', () => {
	const running = { id: 'gen-1', status: 'generating' };
	const finished = {
		id: 'gen-1',
		status: 'completed',
		video: { url: 'https://cdn.example/v.mp4' },
	};

	it('a running generation: polled again when waiting in the run, handed on by a check of the loop', () => {
		const waiting = job({ waitForCompletion: true });
		settleJob(waiting, running, NOW, true);
		expect([waiting.state, waiting.result]).toEqual(['pending', undefined]);
		const checked = job();
		settleJob(checked, running, NOW, true);
		expect([checked.state, checked.result]).toEqual(['done', 'running']);
	});

	it('past the loop deadline a running generation times out as On Timeout says; a finished one is still downloaded', () => {
		const late = NOW + 600_000;
		const failed = job();
		settleJob(failed, running, late, true);
		expect(failed.state).toBe('failed');
		expect(failed.failure?.message).toContain('gen-1');
		const returned = job({ onTimeout: 'return' });
		settleJob(returned, running, late, true);
		expect([returned.state, returned.result]).toEqual(['done', 'timedOut']);
		const ready = job();
		expect(settleJob(ready, finished, late, true)).toBe('download');
		expect(ready.videoUrl).toBe('https://cdn.example/v.mp4');
	});

	it("a check that got no answer by the run's bound stays in the loop until the loop's deadline", () => {
		const unanswered = job();
		expireJob(unanswered, NOW + 120_000);
		expect([unanswered.state, unanswered.result]).toEqual(['done', 'running']);
		const tooLate = job({ loopDeadline: NOW + 100_000 });
		expireJob(tooLate, NOW + 120_000);
		expect(tooLate.state).toBe('failed');
		const inRun = job({ waitForCompletion: true, loopDeadline: undefined });
		expireJob(inRun, NOW + 120_000);
		expect(inRun.failure?.kind).toBe('timeout');
	});
});
