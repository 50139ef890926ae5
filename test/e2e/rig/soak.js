'use strict';
// The soak of the durable loop in queue mode, shared by the end-to-end test and `npm run bench:queue`:
// one execution renders a batch while a worker is SIGKILLed and replaced every `killEveryMs` (at
// least `minWorkerKills` times, and on until the batch has ended) and the main process is SIGKILLed
// and restarted once. The kill times are a schedule, not the verdict: what counts is the outcome read
// after the last kill: every video in Videos, the POSTs at the simulator, keys at the video host. An
// execution that n8n marks `crashed` (a kill that met the worker inside a node) is retried once the
// kills are over, as a user would from the executions list (`POST /rest/executions/:id/retry`).
const { nodeItemsAllRuns, FINISHED } = require('./queue-mode');

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
			await rig.restartMain();
			kills.push({ what: 'main', atS: (Date.now() - started) / 1000, status });
			log(`kill ${kills.length}: main at ${kills.at(-1).atS.toFixed(0)} s, restarted`);
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

/**
 * Runs the soak on a deployed durable workflow; returns the figures:
 * { executions, status, videos, distinctVideos, posts, cdnKeys, kills, retries, wallS }.
 */
async function runSoak(rig, simulator, deployed, options) {
	const { timeoutMs = 30 * 60_000, maxRetries = 3, log = () => undefined } = options;
	const postsBefore = simulator.counters().posts;
	const started = Date.now();
	const executionId = await rig.trigger(deployed);
	const kills = await killWhileRendering(rig, executionId, { ...options, log }, started);
	const { chain, done } = await recover(rig, executionId, { maxRetries, timeoutMs, log });
	// A retried execution carries the runs saved before the crash: its Videos holds the whole batch.
	const videos = nodeItemsAllRuns(done.runData, 'Videos').filter((item) => item.binary?.data);
	const stoppedAt = Date.parse(String(done.execution.stoppedAt)) || Date.now();
	return {
		executions: chain,
		status: done.status,
		videos: videos.length,
		distinctVideos: new Set(videos.map((item) => item.json.id)).size,
		posts: simulator.counters().posts - postsBefore,
		cdnKeys: simulator.counters().cdnAuthorizationHeaders,
		kills,
		retries: chain.length - 1,
		wallS: (stoppedAt - started) / 1000,
	};
}

module.exports = { runSoak, retryExecution };
