'use strict';
// Prints what an AI Agent gets of a tool node in a workflow: the tool's name, its description and
// the JSON schema of its input, made by n8n's own code end to end: n8n loads the installed
// package and derives the tool type from `usableAsTool` (its NodeTypes, as at run time), a
// Workflow fills in the node's parameter defaults for that type, and n8n-core's createNodeAsTool,
// which n8n calls when it hands a node to an agent, builds the tool (description from
// NodeHelpers.getToolDescriptionForNode, schema from the $fromAI() calls). Run with the n8n
// install's Node, N8N_USER_FOLDER pointing at a user folder the package is installed in:
//   node test/e2e/rig/tool-schema.js <n8n install dir> <workflow.json> <tool node name>
// The JSON is the last line of the output (n8n may log before it).
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const PACKAGE_NAME = require(path.join(__dirname, '..', '..', '..', 'package.json')).name;

const [installDir, workflowFile, nodeName] = process.argv.slice(2);
if (!installDir || !workflowFile || !nodeName || !process.env.N8N_USER_FOLDER) {
	process.stderr.write(
		'usage: N8N_USER_FOLDER=<user folder> tool-schema.js <n8n install dir> <workflow.json> <tool node name>\n',
	);
	process.exit(2);
}
const fromN8n = createRequire(path.join(installDir, 'node_modules', 'n8n', 'package.json'));
const coreDir = path.dirname(fromN8n.resolve('n8n-core/package.json'));
const fromCore = createRequire(path.join(coreDir, 'package.json'));

/** n8n's node types, with the installed package loaded the way n8n loads a community package. */
async function loadNodeTypes() {
	require(fromN8n.resolve('reflect-metadata'));
	const { Container } = fromN8n('@n8n/di');
	const { LoadNodesAndCredentials } = fromN8n('./dist/load-nodes-and-credentials');
	const { NodeTypes } = fromN8n('./dist/node-types');
	const loader = Container.get(LoadNodesAndCredentials);
	await loader.init();
	await loader.loadPackage(PACKAGE_NAME);
	return Container.get(NodeTypes);
}

async function main() {
	const workflowJson = JSON.parse(fs.readFileSync(workflowFile, 'utf8'));
	const nodeJson = workflowJson.nodes.find((candidate) => candidate.name === nodeName);
	if (!nodeJson) throw new Error(`no node "${nodeName}" in ${workflowFile}`);
	const nodeTypes = await loadNodeTypes();
	const { Workflow } = fromN8n('n8n-workflow');
	const { createNodeAsTool } = fromCore(
		path.join(
			coreDir,
			'dist',
			'execution-engine',
			'node-execution-context',
			'utils',
			'create-node-as-tool.js',
		),
	);
	const { zodToJsonSchema } = fromCore('zod-to-json-schema');
	const workflow = new Workflow({ nodes: [nodeJson], connections: {}, nodeTypes, active: false });
	const node = workflow.getNode(nodeName);
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const { response: tool } = createNodeAsTool({
		node,
		nodeType,
		handleToolInvocation: async () => '',
	});
	process.stdout.write(
		`\n${JSON.stringify({ name: tool.name, description: tool.description, schema: zodToJsonSchema(tool.schema) })}\n`,
	);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
