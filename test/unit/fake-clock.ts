import type { Clock } from '../../nodes/AimlApiVeo/transport/deadline';

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

/** A clock whose sleeps end only when the test moves time on with `advance`. */
export class ManualClock implements Clock {
	time = 1_000_000;

	private waiting: Array<{ at: number; resolve: () => void }> = [];

	now(): number {
		return this.time;
	}

	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		return new Promise((resolve, reject) => {
			const entry = { at: this.time + ms, resolve };
			this.waiting.push(entry);
			signal?.addEventListener('abort', () => {
				this.waiting = this.waiting.filter((other) => other !== entry);
				reject(new Error('aborted'));
			});
		});
	}

	/** Moves time on, ends the sleeps now due, and lets what they woke run. */
	async advance(ms: number): Promise<void> {
		this.time += ms;
		const due = this.waiting.filter((entry) => entry.at <= this.time);
		this.waiting = this.waiting.filter((entry) => entry.at > this.time);
		for (const entry of due) entry.resolve();
		await new Promise((resolve) => setImmediate(resolve));
	}
}
