'use strict';
// The two ways to wait for a batch, built from the shipped example `examples/durable-batch.json` so
// the tests and the benchmark run what a user imports: the durable loop (Generate Video split by
// state → Running → Wait → Check Generations → Done → Videos) and the in-run wait (Generate Video
// waiting → Videos). Used by the queue-mode end-to-end test and `npm run bench`.
const fs = require('fs');
const path = require('path');

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'durable-batch.json');

function nodeOf(workflow, name) {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`${workflow.name} has no node "${name}"`);
	return node;
}

/** The example with `count` prompts of its own. */
function exampleWithPrompts(count, label) {
	const workflow = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
	const rows = Array.from({ length: count }, (_, i) => ({
		name: `${label}-${i}`,
		prompt: `${label} clip ${i}`,
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

module.exports = { durableWorkflow, inRunWorkflow };
