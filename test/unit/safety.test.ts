import { readFileSync } from 'fs';
import { join } from 'path';

import { readBoolean, readNumber } from '../../nodes/AimlApiVeo/shared/params';
import { deadlineAfter } from '../../nodes/AimlApiVeo/transport/deadline';
import { inputError } from './input-error';
import { asGeneration, judge } from '../../nodes/AimlApiVeo/transport/generation';
import { Mp4Check } from '../../nodes/AimlApiVeo/transport/mp4';
import { redactorFor } from '../../nodes/AimlApiVeo/shared/redact';
import { SubmitMemory } from '../../nodes/AimlApiVeo/run/resume';
import { ManualClock } from './fake-clock';

const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'sample.mp4'));

function checkMp4(bytes: Buffer, chunkSize = bytes.length || 1) {
	const check = new Mp4Check();
	let early: string | undefined;
	for (let at = 0; at < bytes.length && !early; at += chunkSize)
		early = check.push(bytes.subarray(at, at + chunkSize));
	return { early, verdict: check.finish(), bytes: check.bytes };
}

describe('statuses: only a terminal word ends a generation', () => {
	it('treats unknown and provider-style words as still running, whatever their case', () => {
		for (const status of [
			'running',
			'IN_PROGRESS',
			'Pending',
			'QUEUED',
			'Generating',
			'starting',
			'',
		]) {
			expect(judge({ id: 'g', status })).toEqual({ state: 'running' });
		}
	});

	it('reads completed and error in any case', () => {
		expect(judge({ id: 'g', status: 'COMPLETED', video: { url: 'https://cdn/x.mp4' } })).toEqual({
			state: 'completed',
			videoUrl: 'https://cdn/x.mp4',
			videoUrls: ['https://cdn/x.mp4'],
			videoNotes: [],
		});
		expect(judge({ id: 'g', status: 'Error', error: { name: 'N', message: 'M' } })).toMatchObject({
			state: 'failed',
			kind: 'status-error',
		});
	});

	it('ends on failing words naming the id, but never calls them uncharged', () => {
		for (const status of ['failed', 'FAILED', 'cancelled', 'canceled', 'Expired']) {
			const verdict = judge({ id: 'g-1', status });
			expect(verdict).toMatchObject({ state: 'failed', kind: 'status-failed' });
			if (verdict.state === 'failed') {
				expect(verdict.message).toContain('g-1');
				expect(verdict.description).not.toMatch(/not charged/);
			}
		}
	});

	it('does not call completed-without-video uncharged', () => {
		const verdict = judge({ id: 'g', status: 'completed', video: { url: '  ' } });
		expect(verdict).toMatchObject({ state: 'failed', kind: 'no-video' });
		if (verdict.state === 'failed') expect(verdict.description).not.toMatch(/not charged/);
	});

	it('takes a 2xx submit answer with an id as accepted even without a status', () => {
		expect(asGeneration({ id: 'abc' }, 'submit')).toEqual({ id: 'abc', status: 'queued' });
		expect(asGeneration({ id: 42 }, 'submit')).toEqual({ id: '42', status: 'queued' });
		expect(asGeneration({ id: 'abc' }, 'poll')).toBeUndefined();
		expect(asGeneration({ status: 'queued' }, 'submit')).toBeUndefined();
		// An id that cannot be put into a URL cannot be polled: the answer is unreadable, not accepted.
		expect(asGeneration({ id: 'a\ud800', status: 'queued' }, 'submit')).toBeUndefined();
	});
});

describe('MP4 check', () => {
	it('accepts the fixture whole, in one chunk or byte by byte', () => {
		expect(checkMp4(fixture).verdict).toEqual({ ok: true });
		expect(checkMp4(fixture, 1).verdict).toEqual({ ok: true });
		expect(checkMp4(fixture, 7).verdict).toEqual({ ok: true });
	});

	it('finds a file cut short, wherever it is cut', () => {
		for (const length of [4, 31, 32, 100, 1563, 1571, fixture.length - 1]) {
			const { verdict } = checkMp4(fixture.subarray(0, length), 5);
			expect(verdict.ok).toBe(false);
			if (!verdict.ok) expect(verdict.incomplete).toBe(true);
		}
	});

	it('stops at the first bytes of an HTML page served as video/mp4', () => {
		const html = Buffer.from(
			'<!DOCTYPE html><html><head><title>Error</title></head><body>Access denied</body></html>',
		);
		const { early, verdict } = checkMp4(html, 16);
		expect(early).toContain('it starts with "<!DOCTYPE html>');
		expect(verdict).toMatchObject({ ok: false, incomplete: false });
	});

	it('refuses an empty body and JSON', () => {
		expect(checkMp4(Buffer.alloc(0)).verdict).toMatchObject({
			ok: false,
			reason: 'it is not an MP4 (it is empty)',
		});
		expect(checkMp4(Buffer.from('{"error":"expired"}')).verdict.ok).toBe(false);
	});

	it('accepts a last box that runs to the end of the file (size 0)', () => {
		const moov = fixture.subarray(32, 1563);
		const mdat = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('mdat'), Buffer.alloc(100)]);
		expect(checkMp4(Buffer.concat([fixture.subarray(0, 32), moov, mdat])).verdict).toEqual({
			ok: true,
		});
	});
});

describe('redaction', () => {
	it('removes the key from any string, key or nested value', () => {
		const redact = redactorFor('sk-secret-123456');
		const echoed = {
			message: 'bad',
			request: {
				headers: { authorization: 'Bearer sk-secret-123456' },
				list: ['x sk-secret-123456 y'],
			},
		};
		expect(JSON.stringify(redact(echoed))).not.toContain('sk-secret-123456');
		expect(redact('Bearer sk-secret-123456')).toBe('Bearer [redacted]');
		expect(echoed.request.headers.authorization).toBe('Bearer sk-secret-123456');
	});

	it('leaves text alone when there is no real key', () => {
		expect(redactorFor('')('abc')).toBe('abc');
		expect(redactorFor(undefined)({ a: 1 })).toEqual({ a: 1 });
	});
});

describe("the run's memory of submits", () => {
	const request = (itemIndex: number, prompt = 'p') => ({
		itemIndex,
		path: '/v2/video/generations',
		body: { model: 'm', prompt },
	});

	it('recalls accepted and possibly accepted submits of the same request in the same run', () => {
		const context = {};
		const first = new SubmitMemory(context, 0);
		first.accepted(request(0), 'gen-0');
		first.mayExist(request(1), 'the connection was reset');
		const retry = new SubmitMemory(context, 0);
		expect(retry.recall(request(0))).toEqual({ generationId: 'gen-0' });
		expect(retry.recall(request(1))).toEqual({
			mayExist: true,
			reason: 'the connection was reset',
		});
		expect(retry.recall(request(0, 'another prompt'))).toBeUndefined();
		expect(retry.recall(request(2))).toBeUndefined();
	});

	it('starts afresh in a later run of the node (a loop) and forgets what it is told to', () => {
		const context = {};
		new SubmitMemory(context, 0).accepted(request(0), 'gen-0');
		const later = new SubmitMemory(context, 1);
		expect(later.recall(request(0))).toBeUndefined();
		later.accepted(request(0), 'gen-1');
		later.forget(request(0));
		expect(new SubmitMemory(context, 1).recall(request(0))).toBeUndefined();
	});

	it('keeps its record as plain data in the context', () => {
		const context = {};
		new SubmitMemory(context, 3).accepted(request(0), 'gen-0');
		const copy = JSON.parse(JSON.stringify(context));
		expect(new SubmitMemory(copy, 3).recall(request(0))).toEqual({ generationId: 'gen-0' });
	});
});

describe('strict numbers and switches', () => {
	const bounds = { min: 1, max: 500 };
	it('reads numbers and numeric text, and falls back only when nothing was given', () => {
		expect(readNumber('Max Concurrent Generations', undefined, 25, bounds, true)).toBe(25);
		expect(readNumber('Max Concurrent Generations', '', 25, bounds, true)).toBe(25);
		expect(readNumber('Max Concurrent Generations', ' 7 ', 25, bounds, true)).toBe(7);
		expect(readNumber('Poll Interval', 2.5, 10, { min: 1, max: 3600 })).toBe(2.5);
	});

	it('refuses text, fractions for whole numbers and values out of range', () => {
		expect(
			inputError(() => readNumber('Max Concurrent Generations', 0, 25, bounds, true)).message,
		).toBe('Max Concurrent Generations must be from 1 to 500, got "0"');
		expect(
			inputError(() => readNumber('Max Concurrent Generations', 'abc', 25, bounds, true)).message,
		).toBe('Max Concurrent Generations must be a whole number from 1 to 500, got "abc"');
		expect(
			inputError(() => readNumber('Max Concurrent Generations', 2.5, 25, bounds, true)).message,
		).toContain('must be a whole number');
		expect(
			inputError(() =>
				readNumber('Max Wait', { a: 1 }, 10, { min: 1, max: 86_400 }, false, ' seconds'),
			).message,
		).toBe('Max Wait must be a number from 1 to 86400 seconds, got "{"a":1}"');
		expect(
			inputError(() => readNumber('Max Wait', Infinity, 10, { min: 1, max: 86_400 })).field,
		).toBe('Max Wait');
	});

	it('reads switches strictly', () => {
		expect(readBoolean('Download Video', 'false', true)).toBe(false);
		expect(readBoolean('Download Video', undefined, true)).toBe(true);
		expect(inputError(() => readBoolean('Download Video', 'yes', true)).message).toBe(
			'Download Video must be true or false, got "yes"',
		);
	});
});

describe('request deadline', () => {
	it('aborts at the deadline, and says so', async () => {
		const clock = new ManualClock();
		const deadline = deadlineAfter(clock, 5000);
		await clock.advance(4999);
		expect(deadline.signal.aborted).toBe(false);
		await clock.advance(1);
		expect(deadline.signal.aborted).toBe(true);
		expect(deadline.expired()).toBe(true);
	});

	it('follows a cancel without calling it a deadline, and does nothing once released', async () => {
		const clock = new ManualClock();
		const cancel = new AbortController();
		const cancelled = deadlineAfter(clock, 5000, cancel.signal);
		cancel.abort();
		expect(cancelled.signal.aborted).toBe(true);
		expect(cancelled.expired()).toBe(false);
		const released = deadlineAfter(clock, 5000);
		released.release();
		await clock.advance(10_000);
		expect(released.signal.aborted).toBe(false);
	});
});
