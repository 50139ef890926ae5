/**
 * The wait loop's downloads: finished videos fetched a few at a time, beside the polls.
 */
import type { Failure } from '../shared/errors';
import type { Job } from './machine';
import { finishDownload } from './machine';
import { settled, unexpected } from './step-guard';

/** Finished videos are fetched a few at a time while the other jobs keep being polled. */
export class Downloads {
	private readonly queue: Job[] = [];
	private readonly inFlight = new Set<Promise<void>>();
	private slots: number;

	constructor(
		private readonly download: (job: Job) => Promise<Failure | undefined>,
		parallel: number,
	) {
		this.slots = Math.max(1, parallel);
	}

	add(job: Job): void {
		this.queue.push(job);
		this.start();
	}

	async drain(): Promise<void> {
		while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
	}

	private start(): void {
		while (this.slots > 0 && this.queue.length > 0) {
			const job = this.queue.shift() as Job;
			this.slots--;
			// Started from a resolved promise, so a download that throws at once still becomes a failure.
			const started = Promise.resolve().then(async () => await this.download(job));
			const task: Promise<void> = settled(started, (error) => unexpected('download', error))
				.then((failure) => finishDownload(job, failure))
				.finally(() => {
					this.slots++;
					this.inFlight.delete(task);
					this.start();
				});
			this.inFlight.add(task);
		}
	}
}
