/**
 * A strict check of values against the part of JSON Schema (draft 7) that the node's output schemas
 * use: `type` (one or a list, `integer` included), `properties`, `required`, `items` and `anyOf`.
 *
 * Strict where JSON Schema is lenient, because the point is to catch a schema that fell behind the
 * node: in an object whose `properties` the schema lists, a key it does not list is an error (as if
 * the schema said `additionalProperties: false`), and a keyword outside that part fails the check
 * instead of being passed over unchecked.
 */

export interface JsonSchema {
	$schema?: string;
	title?: string;
	description?: string;
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	items?: JsonSchema;
	anyOf?: JsonSchema[];
}

const KEYWORDS = new Set([
	'$schema',
	'title',
	'description',
	'type',
	'properties',
	'required',
	'items',
	'anyOf',
]);

/** JSON Schema's name for the value's type; a whole number is an `integer`, which is a `number` too. */
function typesOf(value: unknown): string[] {
	if (value === null) return ['null'];
	if (Array.isArray(value)) return ['array'];
	if (typeof value === 'number')
		return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
	return [typeof value];
}

function unknownKeywords(schema: JsonSchema, path: string): string[] {
	return Object.keys(schema)
		.filter((keyword) => !KEYWORDS.has(keyword))
		.map((keyword) => `${path}: the schema uses "${keyword}", which this check does not know`);
}

function typeErrors(value: unknown, schema: JsonSchema, path: string): string[] {
	if (schema.type === undefined) return [];
	const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
	return typesOf(value).some((type) => allowed.includes(type))
		? []
		: [`${path}: is ${typesOf(value)[0]}, the schema says ${allowed.join(' or ')}`];
}

function objectErrors(value: Record<string, unknown>, schema: JsonSchema, path: string): string[] {
	const errors: string[] = [];
	for (const name of schema.required ?? []) {
		if (!(name in value)) errors.push(`${path}.${name}: required by the schema, missing`);
	}
	if (!schema.properties) return errors;
	for (const [name, field] of Object.entries(value)) {
		const declared = schema.properties[name];
		if (declared) errors.push(...schemaErrors(field, declared, `${path}.${name}`));
		else errors.push(`${path}.${name}: not in the schema`);
	}
	return errors;
}

function anyOfErrors(value: unknown, schema: JsonSchema, path: string): string[] {
	if (!schema.anyOf) return [];
	const branches = schema.anyOf.map((branch) => schemaErrors(value, branch, path));
	return branches.some((errors) => errors.length === 0)
		? []
		: [
				`${path}: matches none of anyOf (${branches.map((errors) => errors.join('; ')).join(' | ')})`,
			];
}

/** Every way `value` breaks `schema`, each naming its path (`$.video.url`); empty when it conforms. */
export function schemaErrors(value: unknown, schema: JsonSchema, path = '$'): string[] {
	const errors = [
		...unknownKeywords(schema, path),
		...typeErrors(value, schema, path),
		...anyOfErrors(value, schema, path),
	];
	if (errors.length > 0) return errors;
	if (Array.isArray(value) && schema.items)
		return value.flatMap((item, index) =>
			schemaErrors(item, schema.items as JsonSchema, `${path}[${index}]`),
		);
	if (value !== null && typeof value === 'object' && !Array.isArray(value))
		return objectErrors(value as Record<string, unknown>, schema, path);
	return [];
}

/** Every field path the schema declares (`video`, `video.url`, …), for telling which ones runs produced. */
export function declaredPaths(schema: JsonSchema, prefix = ''): string[] {
	return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
		const path = prefix ? `${prefix}.${name}` : name;
		return [path, ...declaredPaths(field, path)];
	});
}

/** Every field path present in a value, in the same form as `declaredPaths`. */
export function presentPaths(value: unknown, prefix = ''): string[] {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
	return Object.entries(value as Record<string, unknown>).flatMap(([name, field]) => {
		const path = prefix ? `${prefix}.${name}` : name;
		return [path, ...presentPaths(field, path)];
	});
}
