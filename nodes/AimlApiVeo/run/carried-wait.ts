/**
 * The loop state a running generation's item carries through n8n's Wait node (`veoWait`): written
 * from a job, and read back as strictly as a parameter, so only what this node wrote is trusted.
 */
import type { Cost } from '../spend/cost';
import type { Job } from './machine';

/** What a running generation's item carries through n8n's Wait node, back into Get Generation. */
export interface CarriedWait {
	id: string;
	/** ISO time: when the loop gives up on this generation (Max Wait after the loop began). */
	deadline: string;
	/** ISO time the loop began (the submit, or the first check). */
	startedAt: string;
	/** Status checks so far, the submit answer included. */
	checks: number;
	/** What the API reported the generation cost, when it did: later checks' rows show it too. */
	cost?: Cost;
	/** Hand On Together: how the generation ended, while it waits for the rest of its batch. */
	held?: 'completed' | 'timedOut';
}

/** The state a still-running job hands on to the next check of the durable loop. */
export function carriedWaitOf(job: Job, startedAt: number, checksBefore: number): CarriedWait {
	const carried: CarriedWait = {
		id: job.generationId as string,
		deadline: new Date(job.loopDeadline as number).toISOString(),
		startedAt: new Date(startedAt).toISOString(),
		checks: checksBefore + 1,
	};
	if (job.cost) carried.cost = { ...job.cost };
	return carried;
}

/** How far a `veoWait.startedAt` may lie ahead of this node's clock: two hosts' clocks differ a little. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Why an item's `veoWait` is not loop state this node wrote, in words naming the field. */
export interface RefusedWait {
	refused: string;
}

/** What a `veoWait` is checked against: the run's clock and the longest loop Max Wait allows. */
export interface CarriedWaitBounds {
	now: number;
	maxLoopMs: number;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function isoTime(value: unknown): number | undefined {
	if (typeof value !== 'string' || !ISO_TIME.test(value)) return undefined;
	const time = Date.parse(value);
	return Number.isFinite(time) ? time : undefined;
}

/** A value as an error quotes it: JSON, cut to 80 characters. */
export function shown(value: unknown): string {
	if (value === undefined) return 'nothing';
	const text = JSON.stringify(value);
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A cost exactly as this node writes it: `{ credits, usd }`, both numbers ≥ 0 (no text read as a number). */
export function isCost(value: unknown): value is Cost {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const { credits, usd } = value as Record<string, unknown>;
	return [credits, usd].every(
		(figure) => typeof figure === 'number' && Number.isFinite(figure) && figure >= 0,
	);
}

/** The first reason `carried` is not a loop state this node could have written for `generationId`. */
function refusalOf(
	carried: Record<string, unknown>,
	generationId: string,
	bounds: CarriedWaitBounds,
): string | undefined {
	if (typeof carried.id !== 'string')
		return `veoWait.id must be the generation's id, got ${shown(carried.id)}`;
	if (carried.id !== generationId)
		return `veoWait is the state of generation ${carried.id}, not of generation ${generationId} that this item checks`;
	const deadline = isoTime(carried.deadline);
	const startedAt = isoTime(carried.startedAt);
	if (startedAt === undefined)
		return `veoWait.startedAt must be an ISO time, got ${shown(carried.startedAt)}`;
	if (deadline === undefined)
		return `veoWait.deadline must be an ISO time, got ${shown(carried.deadline)}`;
	if (deadline <= startedAt) return 'veoWait.deadline is not after veoWait.startedAt';
	if (deadline - startedAt > bounds.maxLoopMs) {
		return `veoWait.deadline lies ${Math.round((deadline - startedAt) / 1000)} s after veoWait.startedAt; a loop lasts at most ${bounds.maxLoopMs / 1000} s (the largest Max Wait)`;
	}
	if (startedAt > bounds.now + CLOCK_SKEW_MS)
		return `veoWait.startedAt (${carried.startedAt as string}) lies in the future`;
	const checks = carried.checks;
	if (typeof checks !== 'number' || !Number.isInteger(checks) || checks < 0)
		return `veoWait.checks must be a whole number of 0 or more, got ${shown(checks)}`;
	if (carried.cost !== undefined && !isCost(carried.cost))
		return `veoWait.cost must be { credits, usd } with numbers of 0 or more, got ${shown(carried.cost)}`;
	return undefined;
}

/**
 * The loop state an incoming item carries for `generationId`, checked as strictly as a parameter:
 * only what this node could have written is read. Anything else is refused with its reason, never
 * replaced by a fresh deadline that would let a generation loop longer than Max Wait.
 */
export function readCarriedWait(
	value: unknown,
	generationId: string,
	bounds: CarriedWaitBounds,
): CarriedWait | undefined | RefusedWait {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'object' || Array.isArray(value))
		return {
			refused: `veoWait must be the object this node wrote ({ id, deadline, startedAt, checks }), got ${shown(value)}`,
		};
	const carried = value as Record<string, unknown>;
	const refused = refusalOf(carried, generationId, bounds);
	if (refused) return { refused };
	const read: CarriedWait = {
		id: generationId,
		deadline: carried.deadline as string,
		startedAt: carried.startedAt as string,
		checks: carried.checks as number,
	};
	if (carried.cost !== undefined) read.cost = { ...(carried.cost as Cost) };
	return read;
}
