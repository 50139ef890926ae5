/**
 * The checks a value from an item's parameters passes before it goes into a request: text, one of a
 * model's allowed values, a boolean. Values from expressions arrive as any type; a wrong one fails
 * the item here, before any paid request.
 */
import { InputError } from '../shared/errors';
import type { VeoModel } from './model-row';

/** A value as trimmed text: a string or a number; anything else is empty. */
export const text = (value: unknown): string =>
	typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';

/** Text a user typed or an expression gave: a number is fine as text, an object or a list is not. */
export function textField(field: string, value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))
		return String(value).trim();
	throw new InputError(
		field,
		`${field} must be text, got ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `"${String(value)}"`}`,
	);
}

/** A value from the model's list; a model the table does not know has no list, so any value goes. */
export function oneOf<T>(field: string, value: T, allowed: T[] | undefined, model: VeoModel): T {
	if (model.unknown) return value;
	if (!allowed || !allowed.includes(value)) {
		throw new InputError(
			field,
			`${field} "${String(value)}" is not available for ${model.name}`,
			`Use one of: ${(allowed ?? []).join(', ')}.`,
		);
	}
	return value;
}

export function toBoolean(field: string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new InputError(field, `${field} must be true or false, got "${String(value)}"`);
}
