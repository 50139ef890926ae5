/** Additional Body Fields: bounded depth and size, no object internals, no second spelling of a field; URL lists by line. */
import {
	MAX_BODY_FIELDS_BYTES,
	checkAdditionalFields,
} from '../../nodes/AimlApiVeo/request/body-fields';
import { urlListOf } from '../../nodes/AimlApiVeo/request/binary-input';
import { inputError } from './input-error';

const nestedText = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"b":1}${'}'.repeat(depth - 1)}`;
function nestedValue(depth: number): Record<string, unknown> {
	const root: Record<string, unknown> = {};
	let node = root;
	for (let level = 1; level < depth; level++) {
		const next: Record<string, unknown> = {};
		node.a = next;
		node = next;
	}
	node.b = 1;
	return root;
}

describe('depth and size', () => {
	it('takes 32 levels, refuses 33, naming the field and where', () => {
		expect(checkAdditionalFields(nestedText(32), {})).toEqual(JSON.parse(nestedText(32)));
		const error = inputError(() => checkAdditionalFields(nestedText(33), {}));
		expect(error.field).toBe('Additional Body Fields');
		expect(error.message).toBe(
			`Additional Body Fields is nested deeper than 32 levels (at "${Array(32).fill('a').join('.')}")`,
		);
	});

	it.each([
		['as JSON text', nestedText(10_000)],
		['as a value from an expression', nestedValue(10_000)],
	])('10,000 levels deep %s is a clear error, not a stack overflow', (_name, value) => {
		expect(inputError(() => checkAdditionalFields(value, {})).message).toMatch(
			/^Additional Body Fields is nested deeper than 32 levels/,
		);
	});

	it('an object shared many times over is refused by its depth without walking every path', () => {
		let shared: Record<string, unknown> = { leaf: 1 };
		for (let level = 0; level < 40; level++) shared = { left: shared, right: shared };
		expect(inputError(() => checkAdditionalFields(shared, {})).message).toMatch(
			/nested deeper than 32 levels/,
		);
	});

	it('refuses more than 32 MB, as text and as a value', () => {
		const big = 'x'.repeat(MAX_BODY_FIELDS_BYTES);
		expect(inputError(() => checkAdditionalFields(`{"image_url": "${big}"}`, {})).message).toBe(
			'Additional Body Fields is larger than 32 MB',
		);
		expect(inputError(() => checkAdditionalFields({ image_url: big }, {})).message).toBe(
			'Additional Body Fields is larger than 32 MB',
		);
		const wide = { list: Array(20).fill('y'.repeat(2 * 1024 * 1024)) };
		expect(inputError(() => checkAdditionalFields(wide, {})).hint).toContain('URLs');
		expect(
			checkAdditionalFields(
				{ image_url: `data:image/png;base64,${'A'.repeat(14 * 1024 * 1024)}` },
				{},
			),
		).toHaveProperty('image_url');
	});
});

describe("JavaScript's object internals", () => {
	it.each([
		['{"__proto__": {"polluted": true}}', '__proto__'],
		['{"constructor": {"prototype": {}}}', 'constructor'],
		['{"prototype": 1}', 'prototype'],
		['{"style": {"inner": [{"__proto__": {}}]}}', 'style.inner.0.__proto__'],
		['{"settings": {"constructor": "x"}}', 'settings.constructor'],
	])('%s is refused as such, at any depth', (json, path) => {
		const error = inputError(() => checkAdditionalFields(json, {}));
		expect(error.message).toBe(
			`Additional Body Fields uses the key "${path.split('.').pop()}" (at "${path}"), which is refused`,
		);
		expect(error.hint).toContain("JavaScript's own object internals");
	});

	it('a value that merely says "constructor" is fine', () => {
		expect(checkAdditionalFields('{"style": "constructor"}', {})).toEqual({ style: 'constructor' });
	});
});

describe('a field in another spelling', () => {
	const body = { model: 'google/veo-4-preview', prompt: 'p', duration: 8 };
	it.each([
		[
			'{"Duration": 4}',
			'Additional Body Fields sets "Duration" (the same field as "duration"), which an option already sets',
		],
		[
			'{" duration ": 4}',
			'Additional Body Fields sets " duration " (the same field as "duration"), which an option already sets',
		],
		['{"model ": "x"}', 'Additional Body Fields may not set "model " (the same field as "model")'],
		['{"PROMPT": "x"}', 'Additional Body Fields may not set "PROMPT" (the same field as "prompt")'],
		[
			'{"seed": 1, "Seed": 2}',
			'Additional Body Fields sets "seed" and "Seed", one field in two spellings',
		],
	])('%s is refused', (json, message) => {
		expect(inputError(() => checkAdditionalFields(json, body)).message).toBe(message);
	});

	it('a field no option set is sent as written', () => {
		expect(checkAdditionalFields('{"Scene_Style": "noir", "aspect_ratio": "16:9"}', body)).toEqual({
			Scene_Style: 'noir',
			aspect_ratio: '16:9',
		});
	});
});

describe('URL lists', () => {
	const field = 'Reference Image URLs';
	it('split on new lines only: a comma stays inside its URL', () => {
		expect(urlListOf('https://x.test/a,b.png\r\nhttps://x.test/c.png?size=1,2\n\n', field)).toEqual(
			['https://x.test/a,b.png', 'https://x.test/c.png?size=1,2'],
		);
	});

	it('a list from an expression is taken as it is', () => {
		expect(urlListOf(['https://x.test/a,b.png', ' https://x.test/c.png '], field)).toEqual([
			'https://x.test/a,b.png',
			'https://x.test/c.png',
		]);
	});

	it('a comma ending a line (the separator lists once used) is dropped', () => {
		expect(urlListOf('https://x.test/face.png,\nhttps://x.test/hat.png', field)).toEqual([
			'https://x.test/face.png',
			'https://x.test/hat.png',
		]);
	});

	it('two URLs joined by a comma on one line are refused, not sent as one', () => {
		const error = inputError(() =>
			urlListOf('https://x.test/a.png\nhttps://x.test/b.png, https://x.test/c.png', field),
		);
		expect(error.field).toBe(field);
		expect(error.message).toBe('Reference Image URLs has two URLs joined by a comma on line 2');
	});
});
