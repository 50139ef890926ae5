/**
 * The simulator's knobs: checking options before they take effect, and drawing faults from a seeded
 * PRNG so a run with the same seed fails the same way.
 */
import type { SimulatorFaults, SimulatorOptions, SimulatorProgress } from './contract';
import { checkVideoSize } from './video';

/** mulberry32: a tiny deterministic PRNG, good enough to draw fault shares. */
export function createPrng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function share(value: number | undefined): number {
	if (value === undefined || !Number.isFinite(value)) return 0;
	return Math.min(1, Math.max(0, value));
}

/** Walks the draw up the shares in order; the first share it falls in names the fault. */
export function pickFault<T extends string>(
	draw: number,
	shares: Array<[T, number | undefined]>,
): T | undefined {
	let threshold = 0;
	for (const [fault, value] of shares) {
		threshold += share(value);
		if (draw < threshold) return fault;
	}
	return undefined;
}

function checkProgress(progress: SimulatorProgress | undefined): void {
	if (progress === undefined || progress === 'clock' || progress === 'manual') return;
	if (
		typeof progress === 'object' &&
		progress !== null &&
		Number.isInteger(progress.polls) &&
		progress.polls >= 1
	) {
		return;
	}
	throw new RangeError(
		`progress must be 'clock', 'manual' or { polls: n } with n >= 1, got ${JSON.stringify(progress)}`,
	);
}

function checkDrip(drip: SimulatorFaults['cdnDrip']): void {
	if (drip === undefined) return;
	if (
		!Number.isInteger(drip.bytes) ||
		drip.bytes < 1 ||
		!Number.isFinite(drip.everyMs) ||
		drip.everyMs < 0
	) {
		throw new RangeError(`cdnDrip needs bytes >= 1 and everyMs >= 0, got ${JSON.stringify(drip)}`);
	}
}

/** Throws for options the simulator cannot honour, before any of them takes effect. */
export function checkOptions(next: SimulatorOptions, fixtureBytes: number): void {
	if (next.videoBytes !== undefined) checkVideoSize(next.videoBytes, fixtureBytes);
	checkProgress(next.progress);
	checkDrip(next.faults?.cdnDrip);
}
