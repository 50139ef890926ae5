import { declaredPaths, presentPaths, schemaErrors, type JsonSchema } from '../harness/json-schema';

const ROW: JsonSchema = {
	type: 'object',
	properties: {
		id: { type: 'string' },
		checks: { type: 'integer' },
		usd: { type: 'number' },
		error: { type: ['string', 'object'] },
		video: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
		tags: { type: 'array', items: { type: 'string' } },
	},
	anyOf: [{ required: ['id'] }, { required: ['error'] }],
};

describe('schemaErrors', () => {
	it('accepts a row that fits, a whole number where a number is wanted, and either type of a list', () => {
		expect(
			schemaErrors(
				{ id: 'a', checks: 2, usd: 3, error: { name: 'x' }, video: { url: 'u' }, tags: ['t'] },
				ROW,
			),
		).toEqual([]);
		expect(schemaErrors({ error: 'failed' }, ROW)).toEqual([]);
	});

	it.each([
		[
			'a field the schema does not list',
			{ id: 'a', videoUrl: 'u' },
			'$.videoUrl: not in the schema',
		],
		[
			'a nested field the schema does not list',
			{ id: 'a', video: { url: 'u', size: 1 } },
			'$.video.size: not in the schema',
		],
		['another type', { id: 'a', checks: '2' }, '$.checks: is string, the schema says integer'],
		[
			'a fraction where a whole number is wanted',
			{ id: 'a', checks: 1.5 },
			'$.checks: is number, the schema says integer',
		],
		[
			'null where an object is wanted',
			{ id: 'a', video: null },
			'$.video: is null, the schema says object',
		],
		[
			'a required field missing',
			{ id: 'a', video: {} },
			'$.video.url: required by the schema, missing',
		],
		[
			'an array item of another type',
			{ id: 'a', tags: [1] },
			'$.tags[0]: is integer, the schema says string',
		],
	])('reports %s', (_case, row, error) => {
		expect(schemaErrors(row, ROW)).toEqual([error]);
	});

	it('reports a row that matches no branch of anyOf', () => {
		expect(schemaErrors({ checks: 1 }, ROW)).toEqual([
			'$: matches none of anyOf ($.id: required by the schema, missing | $.error: required by the schema, missing)',
		]);
	});

	it('refuses a keyword it would otherwise pass over unchecked', () => {
		expect(schemaErrors('x', { type: 'string', format: 'uri' } as JsonSchema)).toEqual([
			'$: the schema uses "format", which this check does not know',
		]);
	});
});

describe('declaredPaths and presentPaths', () => {
	it('name nested fields the same way', () => {
		expect(declaredPaths(ROW)).toEqual([
			'id',
			'checks',
			'usd',
			'error',
			'video',
			'video.url',
			'tags',
		]);
		expect(presentPaths({ id: 'a', video: { url: 'u' }, tags: ['t'] })).toEqual([
			'id',
			'video',
			'video.url',
			'tags',
		]);
	});
});
