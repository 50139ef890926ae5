/**
 * Generate Video's Budget: the most one execution of the node may spend, and whether to ask the
 * API for the account's balance before a batch. Read once per run, from the first item, because a
 * budget belongs to the run, not to an item.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { BudgetLimits } from '../budget';
import { InputError } from '../errors';
import { readBoolean, readNumber } from './common';

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
					'Whether to ask the API for the account balance once before submitting, and stop before any submit if it cannot cover the batch\'s estimate',
			},
			{
				displayName: 'Max Spend (USD)',
				name: 'maxSpendUsd',
				type: 'number',
				typeOptions: { minValue: BUDGET_LIMITS.maxSpendUsd.min, maxValue: BUDGET_LIMITS.maxSpendUsd.max, numberPrecision: 2 },
				default: 10,
				description:
					'The most this execution of the node may spend. A generation that would take the run past it is not submitted (its item ends as "not submitted", nothing charged).',
			},
			{
				displayName: 'Max Videos',
				name: 'maxVideos',
				type: 'number',
				typeOptions: { minValue: BUDGET_LIMITS.maxVideos.min, maxValue: BUDGET_LIMITS.maxVideos.max },
				default: 10,
				description: 'The most generations this execution of the node may submit; the items after them are not submitted',
			},
		],
	},
];

export interface BudgetSettings extends BudgetLimits {
	checkBalance: boolean;
}

export function readBudget(ctx: IExecuteFunctions, itemIndex: number): BudgetSettings {
	const value = ctx.getNodeParameter('budget', itemIndex, {});
	if (value !== undefined && value !== null && value !== '' && (typeof value !== 'object' || Array.isArray(value))) {
		throw new InputError('Budget', `Budget must be a set of options, got "${String(value)}"`);
	}
	const budget = (value ?? {}) as IDataObject;
	const settings: BudgetSettings = { checkBalance: readBoolean('Check Balance First', budget.checkBalance, false) };
	if (budget.maxSpendUsd !== undefined && budget.maxSpendUsd !== '') {
		settings.maxUsd = readNumber('Max Spend (USD)', budget.maxSpendUsd, 0, BUDGET_LIMITS.maxSpendUsd);
	}
	if (budget.maxVideos !== undefined && budget.maxVideos !== '') {
		settings.maxVideos = readNumber('Max Videos', budget.maxVideos, 0, BUDGET_LIMITS.maxVideos, true);
	}
	return settings;
}
