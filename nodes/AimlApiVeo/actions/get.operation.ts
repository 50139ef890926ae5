import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import { waitProperties } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Generation ID',
		name: 'generationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 083c6067-0bc6-464a-943b-930b1eb1753b:veo-3.0-fast-generate-001',
		description: 'The ID that Generate Video returned, unchanged',
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: ['get'] } }, properties),
	...waitProperties('get', false, false),
];

export function generationIdFor(ctx: IExecuteFunctions, itemIndex: number): string {
	const value = ctx.getNodeParameter('generationId', itemIndex, '');
	const id = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	if (id === '') {
		throw new InputError(
			'Generation ID',
			'The generation ID is empty',
			'Map the `id` field of a Generate Video result; if it comes from an expression, check that it gives an id for this item.',
		);
	}
	return id;
}
