import type { Clock } from '../../nodes/AimlApiVeo/wait';

/** A clock whose sleep advances time instantly, recording every sleep. */
export class FakeClock implements Clock {
	time = 1_000_000;

	sleeps: number[] = [];

	now(): number {
		return this.time;
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw new Error('aborted');
		this.sleeps.push(ms);
		this.time += ms;
		await Promise.resolve();
	}
}
