/**
 * The job state machine as plain data: a running job written into an item and read back keeps its
 * deadline, and the transitions the in-run wait and the durable loop share end jobs the same way.
 */
import type { Job } from '../../nodes/AimlApiVeo/machine';
import { carriedWaitOf, expireJob, readCarriedWait, settleJob } from '../../nodes/AimlApiVeo/machine';

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
	it('round-trips through JSON: the same id, deadline and start, one more check', () => {
		const carried = carriedWaitOf(job(), NOW - 90_000, 2);
		const back = readCarriedWait(JSON.parse(JSON.stringify(carried)), 'gen-1');
		expect(back).toEqual({ id: 'gen-1', deadline: '2026-11-26T12:10:00.000Z', startedAt: '2026-11-26T11:58:30.000Z', checks: 3 });
	});

	it('ignores state for another generation and reads nothing from an item without it', () => {
		expect(readCarriedWait(carriedWaitOf(job(), NOW, 0), 'gen-2')).toBeUndefined();
		expect(readCarriedWait(undefined, 'gen-1')).toBeUndefined();
		expect(readCarriedWait(null, 'gen-1')).toBeUndefined();
	});

	it('calls state it cannot read unreadable instead of starting a fresh deadline', () => {
		expect(readCarriedWait('soon', 'gen-1')).toBe('unreadable');
		expect(readCarriedWait([1], 'gen-1')).toBe('unreadable');
		expect(readCarriedWait({ id: 'gen-1', deadline: 'tomorrow', startedAt: '2026-11-26T11:58:30.000Z' }, 'gen-1')).toBe('unreadable');
		expect(readCarriedWait({ id: 'gen-1', deadline: '2026-11-26T12:10:00.000Z' }, 'gen-1')).toBe('unreadable');
	});
});

describe('transitions', () => {
	const running = { id: 'gen-1', status: 'generating' };
	const finished = { id: 'gen-1', status: 'completed', video: { url: 'https://cdn.example/v.mp4' } };

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
