/** What becomes of a job whose generation id or video URL holds the key's text, once the wait is over. */
import { refuseKeyEchoes } from '../../nodes/AimlApiVeo/run/key-echo';
import type { Job } from '../../nodes/AimlApiVeo/run/machine';
import { secretOf } from '../../nodes/AimlApiVeo/shared/redact';

const KEY = 'sk-key-echo-12345';
const secret = secretOf(KEY);

function job(index: number, fields: Partial<Job>): Job {
	return {
		index,
		waitForCompletion: true,
		pollIntervalMs: 1000,
		deadline: 0,
		onTimeout: 'fail',
		state: 'done',
		nextAt: 0,
		attempts: 0,
		...fields,
	};
}

describe('refuseKeyEchoes', () => {
	it('fails a job that would hand a key-bearing id on, keeps a delivered video, and explains a failure', () => {
		const jobs = [
			job(0, { generationId: `g-${KEY}`, result: 'running' }),
			job(1, { generationId: `g-${encodeURIComponent(KEY)}`, result: 'timedOut' }),
			job(2, { generationId: `g-${KEY}`, result: 'completed', videoUrl: 'https://cdn/v.mp4' }),
			job(3, {
				generationId: `g-${KEY}`,
				state: 'failed',
				failure: { kind: 'timeout', message: 'm', description: 'Collect it with Get Generation.' },
			}),
			job(4, { generationId: 'g-clean', result: 'running' }),
		];
		refuseKeyEchoes(jobs, secret, (one) => one.index === 2);
		expect(jobs.map((one) => [one.state, one.failure?.kind])).toEqual([
			['failed', 'key-in-answer'],
			['failed', 'key-in-answer'],
			['done', undefined],
			['failed', 'timeout'],
			['done', undefined],
		]);
		expect(jobs[3].failure?.description).toContain(
			"contains your API key's text, so it is shown redacted and cannot be used with Get Generation",
		);
	});

	it('fails a finished job whose key-bearing URL was not downloaded, and leaves a downloaded one', () => {
		const url = `https://cdn/v.mp4?token=${KEY}`;
		const jobs = [
			job(0, { generationId: 'g0', result: 'completed', videoUrl: url }),
			job(1, { generationId: 'g1', result: 'completed', videoUrl: url }),
		];
		refuseKeyEchoes(jobs, secret, (one) => one.index === 1);
		expect(jobs[0]).toMatchObject({ state: 'failed', failure: { kind: 'download' } });
		expect(jobs[0].failure?.message).toBe(
			"The video of generation g0 was not downloaded: its URL contains your API key's text, so the node sends no request to it",
		);
		expect(jobs[1].state).toBe('done');
	});
});
