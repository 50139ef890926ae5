/**
 * The API key's text must never reach a row, an error or a log, even when an API answer echoes the
 * request it got (headers included). Everything the node hands on passes through here.
 */
const REDACTED = '[redacted]';

/** Too short a "key" would blank out ordinary text; real keys are far longer. */
const MIN_SECRET_LENGTH = 8;

export type Redact = <T>(value: T) => T;

export function redactorFor(secret: unknown): Redact {
	const text = typeof secret === 'string' ? secret.trim() : '';
	if (text.length < MIN_SECRET_LENGTH) return (value) => value;
	const scrub = (value: unknown, seen: WeakSet<object>): unknown => {
		if (typeof value === 'string') return value.includes(text) ? value.split(text).join(REDACTED) : value;
		if (!value || typeof value !== 'object' || seen.has(value)) return value;
		seen.add(value);
		if (Array.isArray(value)) return value.map((entry) => scrub(entry, seen));
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) copy[scrub(key, seen) as string] = scrub(entry, seen);
		return copy;
	};
	return <T>(value: T) => scrub(value, new WeakSet()) as T;
}
