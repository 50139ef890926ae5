/**
 * What becomes of a step (submit, poll, download) that throws instead of returning its outcome.
 */
import type { Failure } from '../shared/errors';
import { ambiguousSubmit } from './machine';

/**
 * A step that throws must not leave the round: one task's exception would end the loop while the
 * other tasks of the round keep sending. Steps return outcomes; an exception becomes one too.
 */
export async function settled<T>(step: Promise<T>, onError: (error: unknown) => T): Promise<T> {
	try {
		return await step;
	} catch (error) {
		return onError(error);
	}
}

/**
 * An exception in a step, as a failure: the one place a throwing step is classified. A submit that
 * threw may have reached the API, so it is an ambiguous submit: never sent again, and remembered so.
 */
export function unexpected(step: 'submit' | 'poll' | 'download', error: unknown): Failure {
	const reason = error instanceof Error ? error.message : String(error);
	const message = `The ${step} failed unexpectedly: ${reason}`;
	if (step === 'submit') return ambiguousSubmit(message);
	return {
		kind: step === 'download' ? 'download' : 'network',
		message,
		description: 'Run Get Generation with this id to try again.',
	};
}
