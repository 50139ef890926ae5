/** The redactor: the key's text in any form an id, a URL or an echoed request may carry it. */
import { redactorFor, secretOf } from '../../nodes/AimlApiVeo/shared/redact';

const KEY = 'sk+aiml/SECRET=key-7f3a9c';

describe('the key in the forms an API may send it back', () => {
	const secret = secretOf(KEY);

	it.each([
		['raw', KEY],
		['encodeURIComponent', encodeURIComponent(KEY)],
		['encodeURIComponent, lower-case hex', encodeURIComponent(KEY).toLowerCase()],
		['encodeURI (keeps + / =)', encodeURI(KEY)],
		['a mix: only the slash encoded', KEY.replace('/', '%2F')],
		['another letter case (a host name)', KEY.toUpperCase()],
	])('%s is found and replaced', (_name, form) => {
		const text = `https://cdn.example/v.mp4?token=${form}&x=1`;
		expect(secret.reveals(text)).toBe(true);
		expect(secret.redact(text)).toBe('https://cdn.example/v.mp4?token=[redacted]&x=1');
	});

	it('leaves other text alone, a part of the key too', () => {
		expect(secret.reveals('sk+aiml/SECRET')).toBe(false);
		expect(secret.redact({ id: 'abc:veo', n: 3 })).toEqual({ id: 'abc:veo', n: 3 });
	});

	it('redacts object keys, and an object met twice both times', () => {
		const shared = { url: KEY };
		expect(secret.redact({ [KEY]: 1, a: shared, b: [shared] })).toEqual({
			'[redacted]': 1,
			a: { url: '[redacted]' },
			b: [{ url: '[redacted]' }],
		});
	});

	it('cuts off an answer nested deeper than 64 levels instead of exhausting the stack', () => {
		const root: Record<string, unknown> = {};
		let node = root;
		for (let depth = 0; depth < 10_000; depth++) {
			const next: Record<string, unknown> = { key: KEY };
			node.a = next;
			node = next;
		}
		const copy = secretOf(KEY).redact(root);
		const text = JSON.stringify(copy);
		expect(text).toContain('[nested too deep]');
		expect(text).not.toContain(KEY);
		expect((text.match(/\[redacted\]/g) ?? []).length).toBe(63);
	});

	it('keeps the minimum length: a "key" under 8 characters redacts nothing', () => {
		expect(secretOf('short').reveals('a short text')).toBe(false);
		expect(redactorFor(' abcdefgh ')('x abcdefgh y')).toBe('x [redacted] y');
	});
});
