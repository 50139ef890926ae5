'use strict';
// The soak of the durable loop in queue mode, shared by the end-to-end test and `npm run bench:queue`:
// one execution renders a batch while a worker is SIGKILLed and replaced every `killEveryMs` (at
// least `minWorkerKills` times, and on until the batch has ended) and the main process is SIGKILLed
// and restarted once. The kill times are a schedule, not the verdict: what counts is the outcome read
// after the last kill: every video in Videos, the POSTs at the simulator, keys at the video host. An
// execution that n8n marks `crashed` (a kill that met the worker inside a node) is retried once the
// kills are over, as a user would from the executions list (`POST /rest/executions/:id/retry`).
//
// The placed soak (`runPlacedSoak`, the form CI runs) kills by observed state instead of a clock:
// an n8n process dies only while the execution is saved `waiting` in Postgres and no Bull job of
// it is active or queued in Redis (./queue-state), so no kill can meet the execution inside a node
// and the outcome does not depend on where a kill lands.
const { nodeItemsAllRuns, FINISHED } = require('./queue-mode');
const { quietWait } = require('./queue-state');

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** n8n's Retry of an execution that did not succeed, as the executions list sends it. */
async function retryExecution(rig, executionId, loadWorkflow) {
	const retried = await rig.rest('POST', `/executions/${executionId}/retry`, { loadWorkflow });
	return String(retried.id);
}

/**
 * Kills one worker (the oldest) and starts a replacement without waiting for it to be ready, so the
 * kills keep their pace; the next kill first waits for it. Returns the killed worker's name.
 */
async function replaceWorker(rig, pending) {
	await pending.start;
	const [victim] = rig.workers;
	if (!victim) throw new Error('no worker left to kill');
	await rig.killWorker(victim);
	pending.start = rig.startWorker({ concurrency: victim.concurrency });
	return victim.name;
}

/** The kill schedule: a worker every `killEveryMs`, main once at the `mainKillAtTick`-th tick. */
async function killWhileRendering(rig, executionId, options, started) {
	const { killEveryMs, minWorkerKills, mainKillAtTick, log } = options;
	const kills = [];
	const pending = { start: Promise.resolve() };
	for (let tick = 1; ; tick++) {
		await delay(killEveryMs);
		const status = (await rig.readExecution(executionId)).status;
		const ended = FINISHED.includes(status);
		if (ended && kills.filter((kill) => kill.what !== 'main').length >= minWorkerKills) break;
		const what = await replaceWorker(rig, pending);
		kills.push({ what, atS: (Date.now() - started) / 1000, status });
		log(`kill ${kills.length}: ${what} at ${kills.at(-1).atS.toFixed(0)} s (execution ${status})`);
		if (tick === mainKillAtTick) {
			// the kill's time, not the restart's: a restart on a loaded machine takes a minute or more
			const atS = (Date.now() - started) / 1000;
			await rig.restartMain();
			kills.push({ what: 'main', atS, status });
			const readyS = ((Date.now() - started) / 1000).toFixed(0);
			log(`kill ${kills.length}: main at ${atS.toFixed(0)} s, restarted, ready at ${readyS} s`);
		}
	}
	await pending.start;
	return kills;
}

/** Waits for the execution's end; a crashed one is retried (with the saved workflow) up to `maxRetries` times. */
async function recover(rig, executionId, { maxRetries, timeoutMs, log }) {
	const chain = [executionId];
	let done = await rig.waitForFinish(executionId, timeoutMs);
	while (done.status === 'crashed' && chain.length <= maxRetries) {
		const retried = await retryExecution(rig, chain.at(-1), false);
		log(`execution ${chain.at(-1)} crashed; Retry started execution ${retried}`);
		chain.push(retried);
		done = await rig.waitForFinish(retried, timeoutMs);
	}
	return { chain, done };
}

/** The figures of a finished soak (types in soak.d.ts). */
function figuresOf(
	done,
	{ chain, simulator, postsBefore, started, kills, waits = 0, unplaced = [] },
) {
	const runs = done.runData.Videos ?? [];
	// A retried execution carries the runs saved before the crash: its Videos holds the whole batch.
	const videos = runs.length ? nodeItemsAllRuns(done.runData, 'Videos') : [];
	const withVideo = videos.filter((item) => item.binary?.data);
	const stoppedAt = Date.parse(String(done.execution.stoppedAt)) || Date.now();
	return {
		executions: chain,
		status: done.status,
		videos: withVideo.length,
		distinctVideos: new Set(withVideo.map((item) => item.json.id)).size,
		videoRuns: runs.length,
		posts: simulator.counters().posts - postsBefore,
		cdnKeys: simulator.counters().cdnAuthorizationHeaders,
		kills,
		unplaced,
		waits,
		retries: chain.length - 1,
		wallS: (stoppedAt - started) / 1000,
	};
}

/**
 * Runs the soak on a deployed durable workflow; returns the figures:
 * { executions, status, videos, distinctVideos, videoRuns, posts, cdnKeys, kills, retries, wallS }.
 */
async function runSoak(rig, simulator, deployed, options) {
	const { timeoutMs = 30 * 60_000, maxRetries = 3, log = () => undefined } = options;
	const postsBefore = simulator.counters().posts;
	const started = Date.now();
	const executionId = await rig.trigger(deployed);
	const kills = await killWhileRendering(rig, executionId, { ...options, log }, started);
	const { chain, done } = await recover(rig, executionId, { maxRetries, timeoutMs, log });
	return figuresOf(done, { chain, simulator, postsBefore, started, kills });
}

// ---------------------------------------------------------------------------------------------
// the placed soak

/** The live worker that ran the execution's most recent job (the last round), else the oldest live one. */
function lastRoundWorker(rig, executionId) {
	const jobs = rig.workerJobs().filter((job) => job.executionId === String(executionId));
	const last = jobs.sort((a, b) => a.startedAt - b.startedAt).at(-1);
	const ran = rig.workers.find((worker) => worker.logFile === last?.logFile);
	const victim = ran ?? rig.workers[0];
	if (!victim) throw new Error('no worker left to kill');
	return { victim, ranLastRound: ran !== undefined };
}

/**
 * The kills of one wait, each placed only after a fresh look finds the execution quiet. Killed
 * processes are restarted together once the kills are done (readiness is awaited, generously).
 * Returns the steps that found no quiet moment, to be placed in a later wait.
 */
async function killDuringWait(rig, executionId, steps, { wait, marginS, started, kills, log }) {
	const restarts = [];
	let placed = 0;
	for (const what of steps) {
		const look = await quietWait(rig, executionId, marginS);
		if (!look.quiet) break;
		const atS = (Date.now() - started) / 1000;
		const left = look.waitLeftS.toFixed(0);
		if (what === 'main') {
			await rig.killMain();
			restarts.push(() => rig.startMain());
			kills.push({ what, atS, status: look.status, wait, waitLeftS: look.waitLeftS });
			log(`kill ${kills.length}: main at ${atS.toFixed(0)} s (wait ${wait}, ${left} s left)`);
		} else {
			const { victim, ranLastRound } = lastRoundWorker(rig, executionId);
			await rig.killWorker(victim);
			restarts.push(() => rig.startWorker({ concurrency: victim.concurrency }));
			kills.push({ what: victim.name, atS, status: look.status, wait, waitLeftS: look.waitLeftS });
			const which = ranLastRound ? 'ran the last round' : 'the oldest';
			log(
				`kill ${kills.length}: ${victim.name} (${which}) at ${atS.toFixed(0)} s (wait ${wait}, ${left} s left)`,
			);
		}
		placed++;
	}
	if (restarts.length > 0) {
		await Promise.all(restarts.map((restart) => restart()));
		log(
			`wait ${wait}: ${restarts.length} restarted, ready at ${((Date.now() - started) / 1000).toFixed(0)} s`,
		);
	}
	return steps.slice(placed);
}

/**
 * The soak with kills placed by state: `plan[i]` lists the kills ('worker' or 'main') of the i-th
 * wait of the execution; a kill that finds no quiet moment moves on to the next wait. Polls
 * Postgres and Redis every `pollMs` (the pace of looking, not a verdict). Returns the figures, with
 * `waits` (waits seen) and `unplaced` (kills left when the execution ended).
 */
async function runPlacedSoak(rig, simulator, deployed, options) {
	const { plan, marginS = 10, pollMs = 500, timeoutMs = 30 * 60_000 } = options;
	const log = options.log ?? (() => undefined);
	const postsBefore = simulator.counters().posts;
	const started = Date.now();
	const executionId = await rig.trigger(deployed);
	const kills = [];
	let waits = 0;
	let pending = [];
	let seen = null;
	for (const deadline = started + timeoutMs; ;) {
		if (Date.now() > deadline) throw new Error(`execution ${executionId} did not end in time`);
		const look = await quietWait(rig, executionId, marginS);
		if (FINISHED.includes(look.status)) break;
		// a new wait: saved `waiting` with a waitTill not seen before, and its job let go of
		if (look.status === 'waiting' && look.waitTill !== seen && look.jobs.length === 0) {
			seen = look.waitTill;
			waits++;
			const steps = [...pending, ...(plan[waits - 1] ?? [])];
			log(
				`wait ${waits}: ${(look.waitLeftS ?? NaN).toFixed(0)} s left; kills: [${steps.join(', ')}]`,
			);
			const context = { wait: waits, marginS, started, kills, log };
			pending = await killDuringWait(rig, executionId, steps, context);
		}
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
	const done = await rig.waitForFinish(executionId, timeoutMs);
	const chain = [executionId];
	return figuresOf(done, {
		chain,
		simulator,
		postsBefore,
		started,
		kills,
		waits,
		unplaced: pending,
	});
}

module.exports = { runSoak, runPlacedSoak, retryExecution };
