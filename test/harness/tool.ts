// The node as an AI agent's tool, on n8n-core's own tool machinery, in-process.
//
// n8n's CLI package (not n8n-core) turns a `usableAsTool` node into a tool type when it loads it
// (`convertNodeToAiTool`): the same node under the name `<name>Tool`, with " Tool" added to its
// display name, no inputs and one `ai_tool` output, and, unless the node defines a
// `toolDescription` parameter itself, n8n's own description fields. `toolVariantOf` makes that
// type here; the end-to-end tests load the real one in real n8n.
//
// `ToolCaller` calls a tool the way n8n's hidden Tool Executor node does when the editor runs a
// tool on its own: it takes the tool from its `ai_tool` input through n8n-core's
// getInputConnectionData (createNodeAsTool: the input schema from the $fromAI() placeholders, the
// description from NodeHelpers.getToolDescriptionForNode) and invokes it. The call runs the node
// in n8n-core's SupplyDataContext (makeHandleToolInvocation), as agents before version 3 do, and
// only the items' JSON comes back. It makes one call per entry of its `calls` list, in turn, and
// outputs an item per call: the tool's name and description as the agent would see them, and the
// parsed answer, or the error the call ended with (an agent reads that too).
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { deepCopy, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

export const TOOL_CALLER_TYPE = 'harness.toolCaller';

export function toolVariantOf(type: INodeType): INodeType {
	const description = deepCopy(type.description);
	if (!description.properties.some((property) => property.name === 'toolDescription')) {
		throw new Error(
			`${description.name} defines no toolDescription: n8n would add its own description fields, which this harness does not model`,
		);
	}
	const { usableAsTool: _dropped, ...rest } = description;
	const tool: INodeTypeDescription = {
		...rest,
		name: `${description.name}Tool`,
		displayName: `${description.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	};
	return Object.assign(Object.create(type) as INodeType, { description: tool });
}

interface InvokableTool {
	name: string;
	description: string;
	invoke(input: IDataObject): Promise<unknown>;
}

export class ToolCaller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls the connected tool once with the given arguments',
		defaults: { name: 'Tool Caller' },
		inputs: [NodeConnectionTypes.Main, NodeConnectionTypes.AiTool],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const connected = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as
			InvokableTool[] | InvokableTool;
		const [tool] = Array.isArray(connected) ? connected : [connected];
		if (!tool) throw new NodeOperationError(this.getNode(), 'No tool is connected');
		const raw = this.getNodeParameter('calls', 0, '[]');
		const calls = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		const items: INodeExecutionData[] = [];
		for (const args of calls) {
			try {
				const answer = await tool.invoke(args);
				items.push({
					json: {
						tool: tool.name,
						description: tool.description,
						answer: typeof answer === 'string' ? JSON.parse(answer) : answer,
					},
				});
			} catch (error) {
				items.push({ json: { error: (error as Error).message } });
			}
		}
		return [items];
	}
}
