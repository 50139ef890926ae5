/**
 * Types of soak.js, shared by the end-to-end test (test/e2e/queue-soak.e2e.ts) and the benchmark
 * (scripts/bench-soak.ts). The rig, the simulator and the deployed workflow are passed through.
 */

/** One SIGKILL: the process ('main' or a worker's name), seconds after the call, the execution's status then. */
export interface SoakKill {
	what: string;
	atS: number;
	status: string;
	/** The placed soak: which wait of the execution (1 = the first), and seconds left of it. */
	wait?: number;
	waitLeftS?: number;
}

export interface SoakFigures {
	/** The execution, then each Retry of it. */
	executions: string[];
	status: string;
	/** Items with a video in Videos, over all its runs; distinct generation ids among them. */
	videos: number;
	distinctVideos: number;
	/** How many times Videos ran (1 with Hand On Together). */
	videoRuns: number;
	posts: number;
	cdnKeys: number;
	kills: SoakKill[];
	/** The placed soak: kills that found no quiet moment before the execution ended. */
	unplaced: string[];
	/** The placed soak: the waits the execution was seen saved in. */
	waits: number;
	retries: number;
	wallS: number;
}

export interface ScheduledSoakOptions {
	killEveryMs: number;
	minWorkerKills: number;
	mainKillAtTick: number;
	maxRetries?: number;
	timeoutMs?: number;
	log?: (message: string) => void;
}

export interface PlacedSoakOptions {
	/** plan[i]: the kills of the execution's (i+1)-th wait, in order. */
	plan: Array<Array<'worker' | 'main'>>;
	/** A kill needs more than this many seconds left of the wait (default 10). */
	marginS?: number;
	pollMs?: number;
	timeoutMs?: number;
	log?: (message: string) => void;
}

export function runSoak(
	rig: object,
	simulator: object,
	deployed: object,
	options: ScheduledSoakOptions,
): Promise<SoakFigures>;

export function runPlacedSoak(
	rig: object,
	simulator: object,
	deployed: object,
	options: PlacedSoakOptions,
): Promise<SoakFigures>;

export function retryExecution(
	rig: object,
	executionId: string,
	loadWorkflow: boolean,
): Promise<string>;
