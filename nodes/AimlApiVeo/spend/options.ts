/**
 * Generate Video's Budget: the most this node may spend in one execution of the workflow, over
 * every run of the node in it, and whether to ask the API for the account's balance before a batch.
 * Read once per run, from the first item, because a budget belongs to the execution, not to an item.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { BudgetLimits } from './ledger';
import { InputError } from '../shared/errors';
import { readBoolean, readNumber } from '../shared/params';

export const BUDGET_LIMITS = {
	maxSpendUsd: { min: 0.01, max: 100_000 },
	maxVideos: { min: 1, max: 100_000 },
} as const;

export const budgetProperties: INodeProperties[] = [
	{
		displayName: 'Budget',
		name: 'budget',
		type: 'collection',
		placeholder: 'Add Limit',
		default: {},
		displayOptions: { show: { operation: ['generate'] } },
		options: [
			{
				displayName: 'Check Balance First',
				name: 'checkBalance',
				type: 'boolean',
				default: true,
				description:
					"Whether to ask the API for the account balance once before submitting, and stop before any submit if it cannot cover the batch's estimate",
			},
			{
				displayName: 'Max Spend (USD)',
				name: 'maxSpendUsd',
				type: 'number',
				typeOptions: {
					minValue: BUDGET_LIMITS.maxSpendUsd.min,
					maxValue: BUDGET_LIMITS.maxSpendUsd.max,
					numberPrecision: 2,
				},
				default: 10,
				description:
					'The most this node may spend in one execution of the workflow, over every run of it (each tool call of an AI agent, each round of a loop, each Retry On Fail try). A generation that would pass it is not submitted (its item ends as "not submitted", nothing charged). A submit whose answer was lost counts at its estimate, and so does a generation whose cost the API reported as 0 or not at all.',
			},
			{
				displayName: 'Max Videos',
				name: 'maxVideos',
				type: 'number',
				typeOptions: {
					minValue: BUDGET_LIMITS.maxVideos.min,
					maxValue: BUDGET_LIMITS.maxVideos.max,
				},
				default: 10,
				description:
					'The most generations this node may submit in one execution of the workflow, over every run of it (tool calls, loop rounds, retries). Submits whose answer was lost count too, as the API may have accepted them. The items after them are not submitted.',
			},
		],
	},
];

export interface BudgetSettings extends BudgetLimits {
	checkBalance: boolean;
}

export function readBudget(ctx: IExecuteFunctions, itemIndex: number): BudgetSettings {
	const value = ctx.getNodeParameter('budget', itemIndex, {});
	if (
		value !== undefined &&
		value !== null &&
		value !== '' &&
		(typeof value !== 'object' || Array.isArray(value))
	) {
		throw new InputError('Budget', `Budget must be a set of options, got "${String(value)}"`);
	}
	const budget = (value ?? {}) as IDataObject;
	const settings: BudgetSettings = {
		checkBalance: readBoolean('Check Balance First', budget.checkBalance, false),
	};
	if (budget.maxSpendUsd !== undefined && budget.maxSpendUsd !== '') {
		settings.maxUsd = readNumber(
			'Max Spend (USD)',
			budget.maxSpendUsd,
			0,
			BUDGET_LIMITS.maxSpendUsd,
		);
	}
	if (budget.maxVideos !== undefined && budget.maxVideos !== '') {
		settings.maxVideos = readNumber(
			'Max Videos',
			budget.maxVideos,
			0,
			BUDGET_LIMITS.maxVideos,
			true,
		);
	}
	return settings;
}
