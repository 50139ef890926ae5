/** The API's generation object and what its status means. */

export interface Generation {
	id: string;
	status: string;
	video?: { url?: string; [key: string]: unknown } | null;
	error?: { name?: string; message?: string } | null;
	meta?: unknown;
	[key: string]: unknown;
}

/**
 * The API documents four statuses: queued, generating, completed and error. A generation ends only
 * on a terminal word; any other status, known or not (`running`, `IN_PROGRESS`, …), means "still
 * running" until Max Wait, because calling an unknown word final could report a paid video as lost.
 */
const FAILING = new Set(['failed', 'failure', 'cancelled', 'canceled', 'expired']);

export type Verdict =
	| { state: 'running' }
	| { state: 'completed'; videoUrl: string }
	| {
			state: 'failed';
			kind: 'status-error' | 'status-failed' | 'no-video';
			message: string;
			description: string;
	  };

/** The status in lower case, as the node compares and reports it. */
export function statusOf(generation: Pick<Generation, 'status'>): string {
	return String(generation.status ?? '')
		.trim()
		.toLowerCase();
}

function failed(generation: Generation, status: string): Verdict {
	const name =
		generation.error?.name ??
		(status === 'error' ? 'Error' : `status "${String(generation.status)}"`);
	const reason = generation.error?.message ?? 'no reason given';
	const documented = status === 'error';
	return {
		state: 'failed',
		// Only the documented `error` is known to be free ("failed requests are never charged");
		// other failing words are the API's too, but nothing says what they cost.
		kind: documented ? 'status-error' : 'status-failed',
		message: `Generation ${generation.id} failed: ${name}: ${reason}`,
		description: documented
			? 'The API ended this generation with an error; failed generations are not charged. If the reason is a content policy, rephrase the prompt; otherwise try again later.'
			: `The API ended this generation as "${String(generation.status)}". Check your AIML API dashboard for whether it was charged before generating it again.`,
	};
}

export function judge(generation: Generation): Verdict {
	const status = statusOf(generation);
	if (status === 'completed') {
		const url = generation.video?.url;
		if (typeof url === 'string' && url.trim() !== '')
			return { state: 'completed', videoUrl: url.trim() };
		return {
			state: 'failed',
			kind: 'no-video',
			message: `Generation ${generation.id} completed without a video`,
			description:
				'The API reported the generation as completed but gave no video URL, which usually means a safety filter removed the result. Check your AIML API dashboard for whether it was charged; rephrase the prompt before generating again.',
		};
	}
	if (status === 'error' || FAILING.has(status)) return failed(generation, status);
	return { state: 'running' };
}

/** An id must survive being put into a URL (a lone UTF-16 surrogate does not). */
function isUrlSafe(id: string): boolean {
	try {
		encodeURIComponent(id);
		return true;
	} catch {
		return false;
	}
}

/**
 * Parses a poll or submit body; undefined when it is not a generation (empty or malformed). A submit
 * answer that carries an id is an accepted generation even without a status: it is then `queued`.
 */
export function asGeneration(
	body: unknown,
	phase: 'submit' | 'poll' = 'poll',
): Generation | undefined {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const { id, status } = value as { id?: unknown; status?: unknown };
	const hasId =
		(typeof id === 'string' && id.trim() !== '') || (typeof id === 'number' && Number.isFinite(id));
	if (!hasId || !isUrlSafe(String(id))) return undefined;
	const hasStatus = typeof status === 'string' && status.trim() !== '';
	if (!hasStatus && phase === 'poll') return undefined;
	return {
		...(value as Generation),
		id: String(id).trim(),
		status: hasStatus ? (status as string) : 'queued',
	};
}
