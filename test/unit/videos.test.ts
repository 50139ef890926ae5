/**
 * A completed generation's `video` in every shape the API documents (an object, a list, null) and
 * in hostile ones: what the node takes, what it says it left, and when it calls a video missing.
 */
import type { Generation } from '../../nodes/AimlApiVeo/transport/generation';
import { judge, MAX_VIDEOS, videosOf } from '../../nodes/AimlApiVeo/transport/generation';
import { costOfGeneration } from '../../nodes/AimlApiVeo/spend/cost';
import { binaryFieldsOf } from '../../nodes/AimlApiVeo/run/videos';
import { videoFileName } from '../../nodes/AimlApiVeo/transport/download';

const completed = (video: unknown): Generation => ({ id: 'g1', status: 'completed', video });
const url = (n: number) => `https://cdn.example/v${n}.mp4`;

describe('judge: a completed generation and its videos', () => {
	it('takes one video given as an object, as a list of one, or as a list of two, on any answer', () => {
		expect(judge(completed({ url: url(1), file_size: 3 }))).toEqual({
			state: 'completed',
			videoUrl: url(1),
			videoUrls: [url(1)],
			videoNotes: [],
		});
		expect(judge(completed([{ url: url(1) }]))).toEqual(judge(completed({ url: url(1) })));
		expect(judge(completed([{ url: url(1) }, { url: ` ${url(2)} ` }]))).toEqual({
			state: 'completed',
			videoUrl: url(1),
			videoUrls: [url(1), url(2)],
			videoNotes: [],
		});
	});

	it('calls a null video, an empty list or an object without a url "completed without a video"', () => {
		for (const video of [null, undefined, {}, { url: null }]) {
			expect(judge(completed(video))).toMatchObject({
				state: 'failed',
				kind: 'no-video',
				message: 'Generation g1 completed without a video',
			});
		}
		expect(judge(completed([]))).toMatchObject({
			kind: 'no-video',
			message: 'Generation g1 completed with an empty video list',
		});
	});

	it('a list with some bad entries: keeps the good videos and says which entries it left', () => {
		const verdict = judge(
			completed([{ url: 5 }, null, { url: url(1) }, { link: 'x' }, { url: '' }]),
		);
		expect(verdict).toEqual({
			state: 'completed',
			videoUrl: url(1),
			videoUrls: [url(1)],
			videoNotes: [
				'video[0].url is a number, not a text',
				'video[1] is null, not an object with a url',
				'video[3].url is missing, not a text',
				'1 more entries without a usable url',
			],
		});
	});

	it('a list with no usable entry fails as a video that may be paid, naming what it read', () => {
		const verdict = judge(completed([{ url: 42 }, ['x']]));
		expect(verdict).toMatchObject({
			state: 'failed',
			kind: 'no-video',
			message:
				'Generation g1 completed with a video list the node cannot read (video[0].url is a number, not a text; video[1] is a list, not an object with a url)',
		});
		expect((verdict as { description: string }).description).toContain('may be charged');
		expect(judge(completed(7))).toMatchObject({
			message:
				'Generation g1 completed with a video the node cannot read (video is a number, not an object with a url)',
		});
	});

	it('takes a bare URL text as the URL it is, alone or in a list', () => {
		expect(videosOf(url(1))).toEqual({ urls: [url(1)], notes: [] });
		expect(videosOf([url(1), { url: url(2) }])).toEqual({ urls: [url(1), url(2)], notes: [] });
	});

	it('lists a URL given twice once', () => {
		expect(videosOf([{ url: url(1) }, { url: url(1) }, { url: url(2) }])).toEqual({
			urls: [url(1), url(2)],
			notes: [],
		});
	});

	it(`bounds a huge list at ${MAX_VIDEOS} videos and says how many it left`, () => {
		const huge = Array.from({ length: 100_000 }, (_, n) => ({ url: url(n) }));
		const { urls, notes } = videosOf(huge);
		expect(urls).toEqual(huge.slice(0, MAX_VIDEOS).map((entry) => entry.url));
		expect(notes).toEqual([
			`99990 more videos in the list than the ${MAX_VIDEOS} the node takes from one generation: see the row's video list`,
		]);
		// Unreadable entries are counted, not described one by one.
		const junk = videosOf(Array.from({ length: 50_000 }, () => ({ url: 1 })));
		expect(junk.notes).toHaveLength(4);
		expect(junk.notes[3]).toBe('49997 more entries without a usable url');
	});

	it('a running or failed generation is judged by its status, whatever its video says', () => {
		expect(judge({ id: 'g1', status: 'queued', video: null })).toEqual({ state: 'running' });
		expect(judge({ id: 'g1', status: 'generating', video: [] })).toEqual({ state: 'running' });
		expect(judge({ id: 'g1', status: 'error', video: [{ url: url(1) }] })).toMatchObject({
			state: 'failed',
			kind: 'status-error',
		});
	});
});

describe('several videos: binary fields and file names', () => {
	it('names the fields data, data_1, … (or the field the user named, numbered the same way)', () => {
		const binary = (name: string) => ({ data: '', mimeType: 'video/mp4', fileName: name });
		expect(Object.keys(binaryFieldsOf('data', [binary('a'), binary('b'), binary('c')]))).toEqual([
			'data',
			'data_1',
			'data_2',
		]);
		expect(Object.keys(binaryFieldsOf('video', [binary('a')]))).toEqual(['video']);
		expect(videoFileName('abc:model', 0)).toBe('veo-abc.mp4');
		expect(videoFileName('abc:model', 2)).toBe('veo-abc_2.mp4');
	});
});

describe('meta.usage.usd_spent is the cost in USD', () => {
	it('reads usd_spent beside credits_used, and converts a 0 beside a figure above 0', () => {
		expect(
			costOfGeneration({ meta: { usage: { credits_used: 120000, usd_spent: 0.06 } } }),
		).toEqual({
			credits: 120000,
			usd: 0.06,
		});
		expect(costOfGeneration({ meta: { usage: { usd_spent: 0.06 } } })).toEqual({
			credits: 120000,
			usd: 0.06,
		});
		expect(costOfGeneration({ meta: { usage: { credits_used: 0, usd_spent: 0.06 } } })).toEqual({
			credits: 120000,
			usd: 0.06,
		});
		expect(costOfGeneration({ meta: { usage: { credits_used: 120000, usd_spent: 0 } } })).toEqual({
			credits: 120000,
			usd: 0.06,
		});
		expect(costOfGeneration({ meta: { usage: { credits_used: 0, usd_spent: 0 } } })).toEqual({
			credits: 0,
			usd: 0,
		});
		for (const bad of [-1, Number.NaN, 'lots', null])
			expect(
				costOfGeneration({ meta: { usage: { credits_used: bad, usd_spent: bad } } }),
			).toBeUndefined();
		expect(costOfGeneration({ meta: { usage: { credits_used: -5, usd_spent: 0.06 } } })).toEqual({
			credits: 120000,
			usd: 0.06,
		});
	});
});
