'use strict';
// The two ways to wait for a batch, built from the shipped example `examples/durable-batch.json` so
// the tests and the benchmark run what a user imports: the durable loop (Generate Video split by
// state → Running → Wait → Check Generations → Done → Videos), the same with Hand On Together, and the
// in-run wait (Generate Video waiting → Videos). Used by the queue-mode end-to-end test and `npm run bench`.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');
const EXAMPLE = path.join(EXAMPLES, 'durable-batch.json');
const TOGETHER = path.join(EXAMPLES, 'durable-batch-together.json');
const RECOVERABLE = path.join(EXAMPLES, 'durable-batch-recoverable.json');

function nodeOf(workflow, name) {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`${workflow.name} has no node "${name}"`);
	return node;
}

/** The example (`file`) with `count` prompts of its own; `suffix(i)` is added to the i-th prompt. */
function exampleWithPrompts(count, label, file = EXAMPLE, suffix = () => '') {
	const workflow = JSON.parse(fs.readFileSync(file, 'utf8'));
	const rows = Array.from({ length: count }, (_, i) => ({
		name: `${label}-${i}`,
		prompt: `${label} clip ${i}${suffix(i)}`,
	}));
	nodeOf(workflow, 'Prompts').parameters.jsonOutput = JSON.stringify({ rows });
	return workflow;
}

/** The durable loop as shipped, with `waitSeconds` in the Wait node (over 65 s for a persisted wait). */
function durableWorkflow({ prompts, waitSeconds, label = 'durable' }) {
	const workflow = exampleWithPrompts(prompts, label);
	nodeOf(workflow, 'Wait').parameters.amount = waitSeconds;
	return { ...workflow, name: `${label}: durable loop` };
}

/**
 * The Hand On Together example as shipped, with `waitSeconds` in the Wait node; `suffix(i)` lets a
 * test tell the simulator when the i-th generation ends.
 */
function togetherWorkflow({ prompts, waitSeconds, label = 'together', suffix }) {
	const workflow = exampleWithPrompts(prompts, label, TOGETHER, suffix);
	nodeOf(workflow, 'Wait').parameters.amount = waitSeconds;
	return { ...workflow, name: `${label}: durable loop, handed on together` };
}

/**
 * The recoverable example as shipped (the durable loop recording each generation in the data table,
 * and its recovery branch), with `waitSeconds` in the Wait node. Its hourly Schedule Trigger becomes
 * a Webhook node on POST `recoverPath`, so a test starts the recovery when it chooses and never by
 * the clock; `olderThanSeconds` is the age a record must have to be taken, `pollIntervalS` the
 * recovery's Get Generation poll interval.
 */
function recoverableWorkflow({
	prompts,
	waitSeconds,
	olderThanSeconds,
	pollIntervalS,
	recoverPath,
	label = 'recoverable',
}) {
	const workflow = exampleWithPrompts(prompts, label, RECOVERABLE);
	nodeOf(workflow, 'Wait').parameters.amount = waitSeconds;
	nodeOf(workflow, 'Recovery settings').parameters.jsonOutput = JSON.stringify({
		olderThanSeconds,
	});
	nodeOf(workflow, 'Get Generation').parameters.waitOptions.pollInterval = pollIntervalS;
	Object.assign(nodeOf(workflow, 'Every hour'), {
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path: recoverPath, responseMode: 'onReceived', options: {} },
	});
	return { ...workflow, name: `${label}: durable loop with a recovery record` };
}

/** The same prompts waited for inside the run: Generate Video (Wait for Completion on) → Videos. */
function inRunWorkflow({ prompts, pollIntervalS, label = 'in-run' }) {
	const workflow = exampleWithPrompts(prompts, label);
	const generate = nodeOf(workflow, 'Generate Video');
	const { splitByState, loopOptions, ...parameters } = generate.parameters;
	generate.parameters = {
		...parameters,
		waitForCompletion: true,
		waitOptions: { pollInterval: pollIntervalS, maxWait: 3600 },
	};
	workflow.nodes = workflow.nodes.filter(
		(node) => node.name !== 'Wait' && node.name !== 'Check Generations',
	);
	delete workflow.connections.Wait;
	delete workflow.connections['Check Generations'];
	workflow.connections['Generate Video'] = { main: [[{ node: 'Videos', type: 'main', index: 0 }]] };
	return { ...workflow, name: `${label}: in-run wait` };
}

module.exports = { durableWorkflow, inRunWorkflow, recoverableWorkflow, togetherWorkflow };
