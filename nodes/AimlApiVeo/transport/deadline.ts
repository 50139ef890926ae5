/**
 * A hard end for one request. An HTTP client's `timeout` only notices a silent connection; a host
 * that answers a byte now and then keeps it alive for ever. This signal aborts the request at an
 * absolute deadline, whatever the host does, and also when the execution is cancelled.
 * The timer is the clock's sleep (n8n's `sleep` in production), so tests can drive it.
 */
/** The time and the timer, injected so tests drive every wait with a fake clock. */
export interface Clock {
	now(): number;
	/** Resolves after `ms`, rejects at once if the signal aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Deadline {
	signal: AbortSignal;
	/** True once the deadline (not a cancel) aborted the signal. */
	expired(): boolean;
	/** Stops the timer; call when the request is over. */
	release(): void;
}

export function deadlineAfter(clock: Clock, ms: number, parent?: AbortSignal): Deadline {
	const controller = new AbortController();
	const timer = new AbortController();
	let expired = false;
	let released = false;
	const onParentAbort = () => controller.abort(parent?.reason);
	if (parent?.aborted) controller.abort(parent.reason);
	else parent?.addEventListener('abort', onParentAbort, { once: true });
	clock.sleep(Math.max(0, ms), timer.signal).then(
		() => {
			// Older n8n's sleep ignores the signal: a released timer may still fire, and must do nothing.
			if (released || controller.signal.aborted) return;
			expired = true;
			controller.abort(new Error('deadline'));
		},
		() => undefined,
	);
	return {
		signal: controller.signal,
		expired: () => expired,
		release() {
			released = true;
			timer.abort();
			parent?.removeEventListener('abort', onParentAbort);
		},
	};
}

/** Rejects once the signal aborts, never settles otherwise (nor without a signal). No timer involved. */
export function rejectOnAbort(signal?: AbortSignal): Promise<never> {
	return new Promise((_resolve, reject) => {
		if (!signal) return;
		const abort = () => reject(new Error('aborted'));
		if (signal.aborted) abort();
		else signal.addEventListener('abort', abort, { once: true });
	});
}
