/**
 * Readers of parameter values, fields and expressions alike: strict, so a value of the wrong kind
 * becomes an InputError naming its field instead of being replaced by a default.
 */
import { InputError } from './errors';

export type Bounds = { min: number; max: number };

/**
 * A number from a field or an expression, checked strictly: numeric text is read as a number,
 * anything else (text, an object, NaN) is an error, as is a value out of bounds or, for a
 * whole-number field, a fraction. Nothing is silently replaced by a default.
 */
export function readNumber(
	field: string,
	value: unknown,
	fallback: number,
	bounds: Bounds,
	whole = false,
	unit = '',
): number {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
		return fallback;
	const number =
		typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
	const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
	const kind = whole ? 'a whole number' : 'a number';
	const range = `from ${bounds.min} to ${bounds.max}${unit}`;
	if (!Number.isFinite(number))
		throw new InputError(field, `${field} must be ${kind} ${range}, got "${shown}"`);
	if (whole && !Number.isInteger(number))
		throw new InputError(field, `${field} must be a whole number ${range}, got "${shown}"`);
	if (number < bounds.min || number > bounds.max)
		throw new InputError(field, `${field} must be ${range}, got "${shown}"`);
	return number;
}

export function readBoolean(field: string, value: unknown, fallback: boolean): boolean {
	if (value === undefined || value === null) return fallback;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new InputError(
		field,
		`${field} must be true or false, got "${typeof value === 'object' ? JSON.stringify(value) : String(value)}"`,
	);
}
