/**
 * The API key's text must never reach a row, an error, a log, a file name or saved state, even when
 * an API answer echoes the request it got (headers included) or puts the key into an id or a URL.
 * Everything the node hands on passes through here.
 */
const REDACTED = '[redacted]';

/** Too short a "key" would blank out ordinary text; real keys are far longer. */
const MIN_SECRET_LENGTH = 8;

/**
 * An API answer nested deeper than this is cut off here rather than walked: a hostile answer must
 * not be able to exhaust the stack of the walk (or of n8n's own copies of the row) further on.
 */
const MAX_DEPTH = 64;
const TOO_DEEP = '[nested too deep]';

export type Redact = <T>(value: T) => T;

export interface Secret {
	/** A copy of the value with the key's text replaced wherever it appears (keys of objects too). */
	redact: Redact;
	/** Whether the text holds the key's text, in any of the forms `redact` replaces. */
	reveals(text: string): boolean;
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** A character as a URL carries it percent-encoded: its UTF-8 bytes as `%XX` each. */
function percentEncoded(char: string): string {
	return [...Buffer.from(char, 'utf8')]
		.map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
		.join('');
}

/**
 * The key as it appears in text, a URL or an id: each character as itself or percent-encoded (as
 * `encodeURIComponent`, `encodeURI` or any mix of them write it), in any letter case, because host
 * names and percent-encodings are case-insensitive and an API may rewrite either.
 */
function keyPattern(key: string): RegExp {
	const characters = [...key].map((char) => `(?:${escapeRegExp(char)}|${percentEncoded(char)})`);
	return new RegExp(characters.join(''), 'giu');
}

const noSecret: Secret = { redact: (value) => value, reveals: () => false };

export function secretOf(apiKey: unknown): Secret {
	const key = typeof apiKey === 'string' ? apiKey.trim() : '';
	if (key.length < MIN_SECRET_LENGTH) return noSecret;
	const pattern = keyPattern(key);
	const scrubText = (text: string) => text.replace(pattern, REDACTED);
	// A map from each object to its copy, so an object met twice (or in a cycle) is copied once, redacted both times.
	const scrub = (value: unknown, copies: Map<object, unknown>, depth: number): unknown => {
		if (typeof value === 'string') return scrubText(value);
		if (!value || typeof value !== 'object') return value;
		if (copies.has(value)) return copies.get(value);
		if (depth >= MAX_DEPTH) return TOO_DEEP;
		if (Array.isArray(value)) {
			const list: unknown[] = [];
			copies.set(value, list);
			for (const entry of value) list.push(scrub(entry, copies, depth + 1));
			return list;
		}
		const copy: Record<string, unknown> = {};
		copies.set(value, copy);
		for (const [name, entry] of Object.entries(value))
			copy[scrubText(name)] = scrub(entry, copies, depth + 1);
		return copy;
	};
	return {
		redact: <T>(value: T) => scrub(value, new Map(), 0) as T,
		reveals: (text) => {
			pattern.lastIndex = 0;
			return pattern.test(text);
		},
	};
}

export function redactorFor(apiKey: unknown): Redact {
	return secretOf(apiKey).redact;
}
