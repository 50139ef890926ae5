'use strict';
// Prints what an AI Agent sees of a tool node in a workflow: the tool's name, its description and
// the JSON schema of its input, derived by n8n's own code (n8n-core's getSchema, the function
// n8n uses when it hands a node to an agent as a tool) from the $fromAI() calls in the node's
// parameters. Run with the n8n install's Node:
//   node scripts/e2e/tool-schema.js <n8n install dir> <workflow.json> <tool node name>
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [installDir, workflowFile, nodeName] = process.argv.slice(2);
if (!installDir || !workflowFile || !nodeName) {
	process.stderr.write('usage: tool-schema.js <n8n install dir> <workflow.json> <tool node name>\n');
	process.exit(2);
}
const fromN8n = createRequire(path.join(installDir, 'node_modules', 'n8n', 'package.json'));
const coreDir = path.dirname(fromN8n.resolve('n8n-core/package.json'));
const fromCore = createRequire(path.join(coreDir, 'package.json'));
const { getSchema } = fromCore(path.join(coreDir, 'dist', 'execution-engine', 'node-execution-context', 'utils', 'create-node-as-tool.js'));
const { NodeHelpers, nodeNameToToolName } = fromCore('n8n-workflow');
const { zodToJsonSchema } = fromCore('zod-to-json-schema');

const workflow = JSON.parse(fs.readFileSync(workflowFile, 'utf8'));
const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
if (!node) {
	process.stderr.write(`no node "${nodeName}" in ${workflowFile}\n`);
	process.exit(1);
}
const nodeType = { description: { name: node.type, description: '', properties: [] } };
const schema = getSchema(node);
process.stdout.write(
	`${JSON.stringify({
		name: nodeNameToToolName(node),
		description: NodeHelpers.getToolDescriptionForNode(node, nodeType),
		schema: zodToJsonSchema(schema),
	})}\n`,
);
