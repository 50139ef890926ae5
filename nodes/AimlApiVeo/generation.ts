/** The API's generation object and what its status means. */

export interface Generation {
	id: string;
	status: string;
	video?: { url?: string; [key: string]: unknown } | null;
	error?: { name?: string; message?: string } | null;
	meta?: unknown;
	[key: string]: unknown;
}

/** The documented statuses are queued, generating, completed and error; the rest is defensive. */
const RUNNING = new Set(['queued', 'generating', 'waiting', 'active', 'pending', 'processing', 'in_progress']);

export type Verdict =
	| { state: 'running' }
	| { state: 'completed'; videoUrl: string }
	| { state: 'failed'; kind: 'status-error' | 'no-video'; message: string; description: string };

export function judge(generation: Generation): Verdict {
	const status = String(generation.status ?? '').toLowerCase();
	if (RUNNING.has(status)) return { state: 'running' };
	if (status === 'completed') {
		const url = generation.video?.url;
		if (typeof url === 'string' && url !== '') return { state: 'completed', videoUrl: url };
		return {
			state: 'failed',
			kind: 'no-video',
			message: `Generation ${generation.id} completed without a video`,
			description:
				'The API reported the generation as completed but gave no video URL. This usually means a safety filter removed the result; failed generations are not charged. Rephrase the prompt and generate again.',
		};
	}
	const name = generation.error?.name ?? (status === 'error' ? 'Error' : `status "${status}"`);
	const reason = generation.error?.message ?? 'no reason given';
	return {
		state: 'failed',
		kind: 'status-error',
		message: `Generation ${generation.id} failed: ${name}: ${reason}`,
		description:
			'The API ended this generation with an error; failed generations are not charged. If the reason is a content policy, rephrase the prompt; otherwise try again later.',
	};
}

/** Parses a poll or submit body; undefined when it is not a generation (empty or malformed). */
export function asGeneration(body: unknown): Generation | undefined {
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
	if (typeof id !== 'string' || id === '' || typeof status !== 'string' || status === '') return undefined;
	return value as Generation;
}
