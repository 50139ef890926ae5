/**
 * Generations: how a prompt's markers say one ends, where it is in its life under the progress mode,
 * the status word a poll answers, and creating one when a submit is accepted.
 */
import * as crypto from 'crypto';

import {
	CREDITS_PER_USD,
	DEFAULT_GENERATION_MS,
	MARKER_ERROR,
	MARKER_NO_VIDEO,
	MARKER_SLOW,
	MARKER_VIDEO_AT_SUBMIT,
	MARKER_VIDEO_JUNK,
	MARKER_VIDEO_NULL,
	SIMULATED_GENERATION_ERROR,
	statusMarkerError,
	type GenerationStatus,
} from './contract';
import type { SimulatedModel } from './models';
import {
	apiKey,
	faults,
	notifyGenerations,
	now,
	type Ending,
	type SimState,
	type StoredGeneration,
} from './state';
import { checkVideoSize } from './video';

const STATUS_MARKER = /\[sim:status=([^\]\s]+)\]/;
const VIDEO_BYTES_MARKER = /\[sim:video-bytes=(\d+)\]/;
const RUNNING_STATUS_MARKER = /\[sim:status-running=([^\]\s]+)\]/;
const VIDEOS_MARKER = /\[sim:videos=(\d+)\]/;
const MAX_LISTED_VIDEOS = 20;

const ANIMALS = [
	'hedgehog',
	'guepard',
	'flamingo',
	'lion',
	'otter',
	'badger',
	'heron',
	'lynx',
	'koala',
	'panda',
	'walrus',
	'gecko',
];

const FORCED_ERROR_ENDING: Ending = {
	status: 'error',
	error: { ...SIMULATED_GENERATION_ERROR },
	video: false,
};

type Phase = 'queued' | 'generating' | 'ended';

/** How the prompt's markers say the generation ends, its video in the shape they ask for. */
function endingFor(prompt: string): Ending {
	const ending = statusEndingFor(prompt);
	if (prompt.includes(MARKER_VIDEO_NULL)) ending.nullVideo = true;
	const count = VIDEOS_MARKER.exec(prompt)?.[1];
	if (count !== undefined && ending.video) {
		if (Number(count) > MAX_LISTED_VIDEOS)
			throw new RangeError(`[sim:videos=N] takes N up to ${MAX_LISTED_VIDEOS}, got ${count}`);
		ending.videoCount = Number(count);
	}
	return ending;
}

/** How the prompt's markers say the generation ends (`[sim:status=...]` wins over `[sim:error]`). */
function statusEndingFor(prompt: string): Ending {
	const word = STATUS_MARKER.exec(prompt)?.[1];
	if (word !== undefined)
		return { status: 'error', word, error: statusMarkerError(word), video: false };
	if (prompt.includes(MARKER_ERROR))
		return { status: 'error', error: { ...SIMULATED_GENERATION_ERROR }, video: false };
	if (prompt.includes(MARKER_NO_VIDEO)) return { status: 'completed', video: false };
	return { status: 'completed', video: true };
}

/** `[sim:polls=N]` in a prompt: under `{ polls }` progress this generation ends at its N-th answered poll. */
const POLLS_MARKER = /\[sim:polls=(\d+)\]/;

export function phaseOf(sim: SimState, stored: StoredGeneration): Phase {
	if (stored.forced) return stored.forced === 'generating' ? 'generating' : 'ended';
	const progress = sim.options.progress ?? 'clock';
	if (progress === 'manual') return 'queued';
	if (progress === 'clock') {
		const elapsed = now(sim) - stored.generation.createdAt;
		if (elapsed < stored.durationMs * 0.2) return 'queued';
		return elapsed < stored.durationMs ? 'generating' : 'ended';
	}
	// The k-th answered poll reports the end from k = n on, 'queued' at k = 1 (and before any poll).
	const answered = stored.generation.answeredPolls;
	const own = POLLS_MARKER.exec(stored.generation.prompt)?.[1];
	if (answered >= (own === undefined ? progress.polls : Number(own))) return 'ended';
	return answered <= 1 ? 'queued' : 'generating';
}

export const endingOf = (stored: StoredGeneration): Ending =>
	stored.forced === 'error' ? FORCED_ERROR_ENDING : stored.ending;

function canonicalStatus(sim: SimState, stored: StoredGeneration): GenerationStatus {
	const phase = phaseOf(sim, stored);
	return phase === 'ended' ? endingOf(stored).status : phase;
}

export const statusName = (sim: SimState, status: GenerationStatus): string =>
	sim.options.statusNames?.[status] ?? status;

function apiStatus(sim: SimState, stored: StoredGeneration): string {
	const phase = phaseOf(sim, stored);
	if (phase !== 'ended') return stored.runningWord ?? statusName(sim, phase);
	const ending = endingOf(stored);
	return ending.word ?? statusName(sim, ending.status);
}

export function runningCount(sim: SimState): number {
	let running = 0;
	for (const stored of sim.store.values()) if (phaseOf(sim, stored) !== 'ended') running += 1;
	return running;
}

const keyForm = (sim: SimState, form: 'raw' | 'encoded') =>
	form === 'raw' ? apiKey(sim) : encodeURIComponent(apiKey(sim));

/** Issues one video URL on the CDN (or `videoOrigin`), with its own size if it asked for one. */
function issueOneUrl(sim: SimState, stored: StoredGeneration, ownSize: string | undefined): string {
	const animal = ANIMALS[crypto.randomInt(ANIMALS.length)];
	const videoPath = `/generations/${animal}/${stored.generation.createdAt + stored.durationMs}-${crypto.randomUUID()}.mp4`;
	sim.issuedVideoPaths.add(videoPath);
	const keyInUrl = faults(sim).keyInVideoUrls;
	const token = keyInUrl ? `?token=${keyForm(sim, keyInUrl)}` : '';
	if (ownSize !== undefined) sim.videoSizes.set(videoPath, Number(ownSize));
	return `${(sim.options.videoOrigin ?? sim.cdnUrl).replace(/\/+$/, '')}${videoPath}${token}`;
}

/** Issues the generation's video URL, or with `[sim:videos=N]` its N URLs. */
function issueVideoUrl(sim: SimState, stored: StoredGeneration, ownSize: string | undefined): void {
	const count = stored.ending.videoCount;
	if (count === undefined) {
		stored.videoUrl = issueOneUrl(sim, stored, ownSize);
		return;
	}
	stored.videoUrls = Array.from({ length: count }, () => issueOneUrl(sim, stored, ownSize));
	stored.videoUrl = stored.videoUrls[0];
}

/** The `video` of an answer, in the shape the markers ask for (absent when it has none to say). */
export function videoOf(stored: StoredGeneration, ended: boolean): unknown {
	const ending = endingOf(stored);
	if (ended && ending.video && stored.videoUrls) {
		const listed: unknown[] = stored.videoUrls.map((url) => ({ url }));
		return stored.generation.prompt.includes(MARKER_VIDEO_JUNK) ? [...listed, {}] : listed;
	}
	if (ended && ending.video && stored.videoUrl) return { url: stored.videoUrl };
	return ending.nullVideo ? null : undefined;
}

/**
 * `Simulator.expireVideoUrls`: every video URL handed out so far stops working (the CDN answers 404),
 * as a signed URL does when it expires; each generation's next status answer gives a new one.
 */
export function expireVideoUrls(sim: SimState): number {
	let expired = 0;
	for (const stored of sim.store.values()) {
		if (stored.videoUrl === undefined) continue;
		const oldPath = new URL(stored.videoUrl).pathname;
		sim.issuedVideoPaths.delete(oldPath);
		const size = sim.videoSizes.get(oldPath);
		issueVideoUrl(sim, stored, size === undefined ? undefined : String(size));
		expired += 1;
	}
	return expired;
}

/** An accepted submit: the generation, stored and counted, its price `credits`. */
export function createGeneration(
	sim: SimState,
	model: SimulatedModel,
	path: string,
	body: Record<string, unknown>,
	credits: number,
): StoredGeneration {
	const createdAt = now(sim);
	const prompt = body.prompt as string;
	const baseMs = Math.max(0, sim.options.generationMs ?? DEFAULT_GENERATION_MS);
	const durationMs = prompt.includes(MARKER_SLOW) ? baseMs * 3 : baseMs;
	const keyInId = faults(sim).keyInIds;
	const id = `${crypto.randomUUID()}${keyInId ? `-${keyForm(sim, keyInId)}` : ''}:${model.upstream}`;
	const stored: StoredGeneration = {
		doneAtSubmit: prompt.includes(MARKER_VIDEO_AT_SUBMIT) || undefined,
		forced: prompt.includes(MARKER_VIDEO_AT_SUBMIT) ? 'completed' : undefined,
		credits,
		apiKey: apiKey(sim),
		durationMs,
		ending: endingFor(prompt),
		runningWord: RUNNING_STATUS_MARKER.exec(prompt)?.[1],
		notFoundPollsLeft: Math.max(0, Math.floor(faults(sim).notFoundPollsAfterAccept ?? 0)),
		generation: {
			id,
			model: model.id,
			path,
			body,
			prompt,
			createdAt,
			get status() {
				return canonicalStatus(sim, stored);
			},
			get apiStatus() {
				return apiStatus(sim, stored);
			},
			pollCount: 0,
			answeredPolls: 0,
			credits,
			usd: credits / CREDITS_PER_USD,
		},
	};
	const ownSize = VIDEO_BYTES_MARKER.exec(prompt)?.[1];
	if (ownSize !== undefined) checkVideoSize(Number(ownSize), sim.fixture.length);
	if (stored.ending.video) issueVideoUrl(sim, stored, ownSize);
	sim.store.set(id, stored);
	sim.generations.push(stored.generation);
	sim.counters.postsAccepted += 1;
	sim.counters.maxConcurrent = Math.max(sim.counters.maxConcurrent, runningCount(sim));
	notifyGenerations(sim);
	return stored;
}

/** What a poll of the generation answers now. */
export function pollBody(sim: SimState, stored: StoredGeneration): Record<string, unknown> {
	const body: Record<string, unknown> = {
		id: stored.generation.id,
		status: apiStatus(sim, stored),
	};
	const reported = faults(sim).pollReportedCredits;
	if (reported !== undefined)
		body.meta = { usage: { credits_used: reported, usd_spent: reported / CREDITS_PER_USD } };
	const ended = phaseOf(sim, stored) === 'ended';
	const video = videoOf(stored, ended);
	if (video !== undefined) body.video = video;
	if (!ended) return body;
	const ending = endingOf(stored);
	if (ending.error) body.error = { ...ending.error };
	return body;
}

/** `Simulator.advance`: forces a generation, or every one not yet ended, to `to`. */
export function advance(
	sim: SimState,
	idOrAll: string,
	to: 'generating' | 'completed' | 'error',
): number {
	if (to !== 'generating' && to !== 'completed' && to !== 'error') {
		throw new RangeError(
			`advance() moves to 'generating', 'completed' or 'error', got ${String(to)}`,
		);
	}
	let targets: StoredGeneration[];
	if (idOrAll === 'all') {
		targets = [...sim.store.values()].filter((stored) => phaseOf(sim, stored) !== 'ended');
	} else {
		const stored = sim.store.get(idOrAll);
		if (!stored) throw new Error(`advance(): no generation ${idOrAll}`);
		targets = [stored];
	}
	for (const stored of targets) stored.forced = to;
	return targets.length;
}
