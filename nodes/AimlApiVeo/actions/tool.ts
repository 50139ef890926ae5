/**
 * What the tool variant of the node (an AI agent's tool) shows and tells the agent.
 *
 * n8n gives a tool the description an agent reads from the node's `toolDescription` parameter
 * (NodeHelpers.getToolDescriptionForNode). When a node defines that parameter itself, n8n adds no
 * "Set Automatically / Set Manually" pair of its own, whose automatic text would be the node's
 * panel description ("…pass the MP4 on"), wrong for an agent. Defined here, shown only in the tool
 * variant (`@tool`), once per operation, so each operation's default says what that call does, how
 * long it takes and what it costs.
 */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MODEL, MODELS } from '../request/models';
import { DEFAULT_DURATION_S, PRICES } from '../spend/prices';
import { AS_TOOL, DEFAULT_MAX_WAIT_S } from './common';

/**
 * How long a Veo video takes, as the AI/ML API documents it per model: from about 40–50 s (Veo 2,
 * 5 s of video) and about 1 minute (Veo 3.1 Lite) to about 2 minutes (Veo 3, Veo 3 Fast) and just
 * under 3 (extend-video).
 */
const TYPICAL_MINUTES = '1–3';

interface PriceSpan {
	min: number;
	max: number;
	shortest: number;
	longest: number;
}

/** The cheapest and dearest video of the model table, at the price table's rates. */
function priceSpan(): PriceSpan {
	const span: PriceSpan = { min: Infinity, max: 0, shortest: Infinity, longest: 0 };
	for (const model of MODELS) {
		const rate = PRICES[model.id]?.usdPerSecond;
		const durations = model.durations ?? [DEFAULT_DURATION_S];
		span.shortest = Math.min(span.shortest, ...durations);
		span.longest = Math.max(span.longest, ...durations);
		if (rate === undefined) continue;
		span.min = Math.min(span.min, rate * Math.min(...durations));
		span.max = Math.max(span.max, rate * Math.max(...durations));
	}
	return span;
}

const usd = (amount: number) => `$${amount.toFixed(2)}`;

function generateToolDescription(): string {
	const span = priceSpan();
	const model = MODELS.find((row) => row.id === DEFAULT_MODEL);
	const defaultName = (model?.name ?? DEFAULT_MODEL).replace(/ \(.*\)$/, '');
	const defaultPrice = (PRICES[DEFAULT_MODEL]?.usdPerSecond ?? 0) * DEFAULT_DURATION_S;
	return [
		`Generates one short video (${span.shortest}–${span.longest} seconds) with Google Veo or Gemini Omni from a text prompt and returns its videoUrl (and videoUrls, every video when the model makes several), id, status and cost.`,
		`A call usually takes ${TYPICAL_MINUTES} minutes: it returns when the video is ready, or fails after ${DEFAULT_MAX_WAIT_S} seconds.`,
		`Every call buys a generation, roughly ${usd(span.min)}–${usd(span.max)} depending on the model and length set on this tool (${DEFAULT_DURATION_S} s of ${defaultName}: about ${usd(defaultPrice)}).`,
		'Call it once per video wanted. After an error that names a generation ID, do not call it again for that video: it may be paid for already.',
	].join(' ');
}

const GET_TOOL_DESCRIPTION =
	'Looks up a Google Veo or Gemini Omni video generation of the AI/ML API by its generation ID and returns its id, status (queued, generating, completed or error) and, once completed, its videoUrl (and videoUrls, every video when the model made several). A look-up costs nothing; while the status is queued or generating, ask again a minute later.';

export const GENERATE_TOOL_DESCRIPTION = generateToolDescription();

function toolDescriptionProperty(operation: string, text: string): INodeProperties {
	return {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 4 },
		default: text,
		required: true,
		displayOptions: { show: { ...AS_TOOL, operation: [operation] } },
		description:
			'What the AI agent reads about this tool to decide when and how to call it. The default says what a call returns, how long it takes and what it costs.',
	};
}

export const toolDescriptionProperties: INodeProperties[] = [
	toolDescriptionProperty('generate', GENERATE_TOOL_DESCRIPTION),
	toolDescriptionProperty('get', GET_TOOL_DESCRIPTION),
];
