/**
 * An API answer that holds the API key's text in a generation id or a video URL. The node may use
 * such an id with the API itself (a status check goes only to the API), but it writes it nowhere:
 * rows, errors and file names show it redacted, and what would have to keep it whole for later (the
 * submit record saved with the execution, the durable loop's `veoWait`, a row handed on to be
 * checked later) gets nothing that contains it. A URL holding the key is never requested.
 */
import { keyInUrlFailure, ROTATE_KEY } from '../transport/download';
import type { Failure } from '../shared/errors';
import type { Job } from './machine';
import { failJob } from './machine';
import type { Secret } from '../shared/redact';

/** Why the submit record holds "may exist" instead of the id: a retry must not buy it again, and cannot resume it. */
export const KEY_IN_ID_REASON =
	"the API's generation id contained your API key's text, so the node kept no record of it";

/** A generation the node cannot hand on: its id would reveal the key wherever it was written. */
export function keyInIdFailure(): Failure {
	return {
		kind: 'key-in-answer',
		message:
			"The API gave this generation an id that contains your API key's text, so the node cannot hand the id on",
		description: `The generation exists at the API and may be charged. Its id is kept nowhere (not in the output, the loop's veoWait or the execution's record), because it would reveal your key, so the node cannot check on it again and a retry does not buy it again. Find the generation in your AIML API dashboard. ${ROTATE_KEY}`,
	};
}

const KEY_IN_ID_NOTE = `The API's id for this generation contains your API key's text, so it is shown redacted and cannot be used with Get Generation: find the generation in your AIML API dashboard. ${ROTATE_KEY}`;

/** Which of the job's video URLs holds the key's text, if one does. */
function keyBearing(job: Job, secret: Secret): number | undefined {
	const urls = job.videoUrls ?? (job.videoUrl !== undefined ? [job.videoUrl] : []);
	const position = urls.findIndex((url) => secret.reveals(url));
	return position < 0 ? undefined : position;
}

/**
 * After the wait: an item whose row would hand on a key-bearing id or video URL for later use (a
 * generation still running or timed out, a video URL without the video) fails instead; a failure of
 * such a generation says why its id is shown redacted. A delivered video keeps its (redacted) row.
 */
export function refuseKeyEchoes(
	jobs: Job[],
	secret: Secret,
	downloaded: (job: Job) => boolean,
): void {
	for (const job of jobs) {
		const idReveals = job.generationId !== undefined && secret.reveals(job.generationId);
		// A held generation goes round the loop with its id, as a running one does.
		const handedOnForLater = job.result !== 'completed' || job.held !== undefined;
		if (job.state === 'done' && idReveals && handedOnForLater) {
			failJob(job, keyInIdFailure());
		} else if (job.state === 'done' && !downloaded(job) && keyBearing(job, secret) !== undefined) {
			const position = keyBearing(job, secret) as number;
			const urls = job.videoUrls ?? [job.videoUrl as string];
			failJob(
				job,
				keyInUrlFailure(job.generationId as string, urls[position], {
					position,
					count: urls.length,
				}),
			);
		} else if (
			job.state === 'failed' &&
			idReveals &&
			job.failure &&
			job.failure.kind !== 'key-in-answer'
		) {
			job.failure = {
				...job.failure,
				description: `${job.failure.description} ${KEY_IN_ID_NOTE}`.trim(),
			};
		}
	}
}
