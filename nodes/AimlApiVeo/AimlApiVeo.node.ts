import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { OUTPUTS_EXPRESSION } from './actions/common';

import * as generate from './actions/generate.operation';
import * as get from './actions/get.operation';
import * as tool from './actions/tool';
import { executeItems } from './run/execute';
import { searchModels } from './request/model-choice';

export class AimlApiVeo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AIML API Veo and Gemini Omni',
		name: 'aimlApiVeo',
		icon: { light: 'file:aimlapi.svg', dark: 'file:aimlapi.dark.svg' },
		group: ['transform'],
		// Version 2 brings the model picker (a resource locator); version 1 keeps the plain drop-down
		// its saved workflows hold.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] === "get" ? "Get Generation" : "Generate Video" }}',
		description:
			'Generate and edit videos with Google Veo and Gemini Omni through the AI/ML API, wait for them and pass the MP4 on',
		// The node's type name, credential and parameters keep their Veo names: installed workflows
		// refer to them.
		defaults: { name: 'AIML API Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// One output; two (Done, Running) when a check without waiting splits its items by state.
		outputs: OUTPUTS_EXPRESSION,
		credentials: [{ name: 'aimlVeoApi', required: true }],
		properties: [
			...tool.toolDescriptionProperties,
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Generate Video',
						value: 'generate',
						action: 'Generate a video',
						description: 'Start a video from a prompt and, by default, wait for the MP4',
					},
					{
						name: 'Get Generation',
						value: 'get',
						action: 'Get a generation',
						description: 'Check a generation by ID, optionally wait for it and download the MP4',
					},
				],
				default: 'generate',
			},
			...generate.description,
			...get.description,
		],
	};

	methods = { listSearch: { searchModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeItems(this);
	}
}
