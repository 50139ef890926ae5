/** The API's generation object and what its status means. */

export interface Generation {
	id: string;
	status: string;
	/** One video `{url}`, a list of them (newer models), or null: see videosOf. */
	video?: unknown;
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
	| { state: 'completed'; videoUrl: string; videoUrls: string[]; videoNotes: string[] }
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
		const videos = videosOf(generation.video);
		if (videos.urls.length > 0)
			return {
				state: 'completed',
				videoUrl: videos.urls[0],
				videoUrls: videos.urls,
				videoNotes: videos.notes,
			};
		return noVideo(generation, videos.notes);
	}
	if (status === 'error' || FAILING.has(status)) return failed(generation, status);
	return { state: 'running' };
}

/** A completed generation that names no video the node can read: maybe filtered, maybe paid. */
function noVideo(generation: Generation, notes: string[]): Verdict {
	const listed = Array.isArray(generation.video);
	const what =
		notes.length > 0
			? `${listed ? 'a video list' : 'a video'} the node cannot read (${notes.join('; ')})`
			: 'an empty video list';
	return {
		state: 'failed',
		kind: 'no-video',
		message:
			notes.length > 0 || listed
				? `Generation ${generation.id} completed with ${what}`
				: `Generation ${generation.id} completed without a video`,
		description:
			notes.length > 0
				? 'The API reported the generation as completed, so it may be charged, but its answer holds no video URL the node can use. Check your AIML API dashboard for the video and for whether it was charged before generating it again.'
				: 'The API reported the generation as completed but gave no video URL, which usually means a safety filter removed the result. Check your AIML API dashboard for whether it was charged; rephrase the prompt before generating again.',
	};
}

/**
 * The most videos the node takes from one generation. No request asks for more than one, yet a
 * newer model may answer with a list; each video taken is one download (with its own size and time
 * limits), so this bounds the item's downloads and the row.
 */
export const MAX_VIDEOS = 10;
/** The most unreadable entries a note describes one by one; the rest are counted. */
const MAX_DESCRIBED = 3;

export interface Videos {
	/** Every distinct video URL, in the API's order, at most MAX_VIDEOS. */
	urls: string[];
	/** Entries not taken, in words: unreadable ones, and any beyond MAX_VIDEOS. Duplicates are listed once, silently. */
	notes: string[];
}

/** Why one entry of `video` holds no URL, or its URL (a bare text is taken as the URL it is). */
function urlOf(entry: unknown, where: string): { url: string } | { problem: string } {
	if (typeof entry === 'string' && entry.trim() !== '') return { url: entry.trim() };
	if (!entry || typeof entry !== 'object' || Array.isArray(entry))
		return { problem: `${where} is ${shape(entry)}, not an object with a url` };
	const url = (entry as { url?: unknown }).url;
	if (typeof url !== 'string') return { problem: `${where}.url is ${shape(url)}, not a text` };
	if (url.trim() === '') return { problem: `${where}.url is empty` };
	return { url: url.trim() };
}

function shape(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'missing';
	if (Array.isArray(value)) return 'a list';
	return `a ${typeof value}`;
}

/**
 * The videos of a completed generation, as the API documents `video`: one object `{url}`, a list of
 * them, or null (a bare URL text is taken too). A list may hold entries without a usable URL (said in `notes`, so the row tells of
 * them), the same URL twice (taken once) or more than MAX_VIDEOS (the rest said in `notes`).
 */
export function videosOf(video: unknown): Videos {
	if (video === undefined || video === null) return { urls: [], notes: [] };
	if (!Array.isArray(video)) {
		// `{}` or `{url: null}`: no video, as a `video` of null says.
		const url = typeof video === 'object' ? (video as { url?: unknown }).url : video;
		if (url === undefined || url === null) return { urls: [], notes: [] };
		const one = urlOf(video, 'video');
		return 'url' in one ? { urls: [one.url], notes: [] } : { urls: [], notes: [one.problem] };
	}
	const seen = new Set<string>();
	const urls: string[] = [];
	const problems: string[] = [];
	let unreadable = 0;
	let beyond = 0;
	video.forEach((entry: unknown, index) => {
		const one = urlOf(entry, `video[${index}]`);
		if (!('url' in one)) {
			if (++unreadable <= MAX_DESCRIBED) problems.push(one.problem);
			return;
		}
		if (seen.has(one.url)) return;
		seen.add(one.url);
		if (urls.length < MAX_VIDEOS) urls.push(one.url);
		else beyond++;
	});
	const notes = problems;
	if (unreadable > MAX_DESCRIBED)
		notes.push(`${unreadable - MAX_DESCRIBED} more entries without a usable url`);
	if (beyond > 0)
		notes.push(
			`${beyond} more ${beyond === 1 ? 'video' : 'videos'} in the list than the ${MAX_VIDEOS} the node takes from one generation: see the row's video list`,
		);
	return { urls, notes };
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
