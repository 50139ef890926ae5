/**
 * The durable loop's guards as plain functions: which items Generate Video refuses as the loop's own
 * rows, and the deadlines Get Generation keeps per generation in the node's execution context.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../../nodes/AimlApiVeo/shared/errors';
import { LoopMemory, MAX_REMEMBERED_LOOPS, refuseLoopRow } from '../../nodes/AimlApiVeo/run/loop';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const runTotals = { videos: 1, credits: 3_900_000, usd: 1.95 };

function refusal(json: IDataObject): InputError | undefined {
	try {
		refuseLoopRow(json);
		return undefined;
	} catch (error) {
		return error as InputError;
	}
}

describe("Generate Video refuses the loop's own rows", () => {
	it('an item carrying veoWait, whatever its value, naming the generation and how to wire the loop', () => {
		const error = refusal({
			id: 'gen-1',
			status: 'queued',
			veoWait: { id: 'gen-1', deadline: 'x' },
		});
		expect(error).toBeInstanceOf(InputError);
		expect(error?.field).toBe('veoWait');
		expect(error?.message).toBe(
			'This item is the Running row of generation gen-1 (it carries veoWait), which keeps running at the API: Generate Video would buy a new video for it, so nothing was sent',
		);
		expect(error?.hint).toContain(
			'into Get Generation (Split Outputs by State on, Generation ID {{ $json.id }}), not back into Generate Video',
		);
		for (const veoWait of [null, 0, '', {}, []])
			expect(refusal({ prompt: 'a fox', veoWait })?.field).toBe('veoWait');
		expect(refusal({ veoWait: { id: 'gen-9' } })?.message).toContain('generation gen-9');
	});

	it('a still-running row of this node without veoWait (a Set node dropped it): id, a running status, runTotals', () => {
		for (const status of ['queued', 'generating', 'GENERATING', 'IN_PROGRESS']) {
			const error = refusal({ id: 'gen-1', status, runTotals });
			expect(error?.field).toBe('id, status, runTotals');
			expect(error?.message).toContain(
				`generation gen-1 (its status is "${status}" and it has runTotals)`,
			);
		}
	});

	it('lets other items through: prompts, finished rows (extend chaining), failed generations, rows of other nodes', () => {
		expect(refusal({ prompt: 'a fox' })).toBeUndefined();
		expect(
			refusal({
				id: 'gen-1',
				status: 'completed',
				videoUrl: 'https://cdn.example/v.mp4',
				runTotals,
			}),
		).toBeUndefined();
		expect(refusal({ id: 'gen-1', status: 'error', runTotals })).toBeUndefined();
		expect(refusal({ id: 'gen-1', status: 'queued' })).toBeUndefined();
		expect(refusal({ id: 'gen-1', status: 'queued', runTotals: 'none' })).toBeUndefined();
		expect(refusal({ id: 7, status: 'queued', runTotals })).toBeUndefined();
		expect(refusal({ veoWait: undefined })).toBeUndefined();
	});
});

describe('the loops Get Generation remembers', () => {
	const fresh = (now: number, maxWaitMs = 600_000) => ({
		startedAt: now,
		deadline: now + maxWaitMs,
	});
	const carried = (startedAt: number, deadline: number) => ({
		id: 'gen-1',
		startedAt: new Date(startedAt).toISOString(),
		deadline: new Date(deadline).toISOString(),
		checks: 1,
	});

	it('a generation seen before keeps its first deadline, with or without veoWait; the earlier deadline wins', () => {
		const context: IDataObject = {};
		expect(new LoopMemory(context, NOW).join('gen-1', undefined, fresh(NOW))).toEqual({
			startedAt: NOW,
			deadline: NOW + 600_000,
		});
		// Next round, veoWait dropped: the first deadline, not Max Wait from now.
		expect(
			new LoopMemory(context, NOW + 90_000).join('gen-1', undefined, fresh(NOW + 90_000)),
		).toEqual({ startedAt: NOW, deadline: NOW + 600_000 });
		// A later deadline in veoWait does not extend it; an earlier one shortens it.
		expect(
			new LoopMemory(context, NOW + 180_000).join(
				'gen-1',
				carried(NOW, NOW + 3_600_000),
				fresh(NOW + 180_000),
			).deadline,
		).toBe(NOW + 600_000);
		expect(
			new LoopMemory(context, NOW + 270_000).join(
				'gen-1',
				carried(NOW - 60_000, NOW + 300_000),
				fresh(NOW + 270_000),
			),
		).toEqual({ startedAt: NOW - 60_000, deadline: NOW + 300_000 });
		expect(
			new LoopMemory(context, NOW + 360_000).join('gen-1', undefined, fresh(NOW + 360_000))
				.deadline,
		).toBe(NOW + 300_000);
		// Another generation has a loop of its own.
		expect(
			new LoopMemory(context, NOW + 360_000).join('gen-2', undefined, fresh(NOW + 360_000))
				.deadline,
		).toBe(NOW + 960_000);
	});

	it('a generation first seen with veoWait keeps the deadline veoWait brought', () => {
		const context: IDataObject = {};
		expect(
			new LoopMemory(context, NOW).join('gen-1', carried(NOW - 90_000, NOW + 510_000), fresh(NOW)),
		).toEqual({ startedAt: NOW - 90_000, deadline: NOW + 510_000 });
		expect(
			new LoopMemory(context, NOW + 90_000).join('gen-1', undefined, fresh(NOW + 90_000)).deadline,
		).toBe(NOW + 510_000);
	});

	it('writes no id into the execution, only digests of them', () => {
		const secretId = 'sk-aiml-key-text-inside-an-id:veo';
		const context: IDataObject = {};
		new LoopMemory(context, NOW).join(secretId, undefined, fresh(NOW));
		const stored = JSON.stringify(context);
		expect(stored).not.toContain('sk-aiml');
		expect(Object.keys(context.veoLoops as IDataObject)).toEqual([
			expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
		]);
	});

	it('stays bounded: entries a day past their deadline are dropped, and at most MAX_REMEMBERED_LOOPS are kept', () => {
		const context: IDataObject = {};
		const memory = new LoopMemory(context, NOW);
		memory.join('old', undefined, fresh(NOW, 1_000));
		memory.join('live', undefined, fresh(NOW));
		const dayLater = NOW + 1_000 + 86_400_000 + 1;
		new LoopMemory(context, dayLater);
		expect(Object.keys(context.veoLoops as IDataObject)).toHaveLength(1);

		const full: IDataObject = {};
		const many = new LoopMemory(full, NOW);
		for (let i = 0; i <= MAX_REMEMBERED_LOOPS; i++)
			many.join(`gen-${i}`, undefined, fresh(NOW + i));
		many.trim();
		expect(Object.keys(full.veoLoops as IDataObject)).toHaveLength(MAX_REMEMBERED_LOOPS);
		// The earliest deadline went first; the latest is still known.
		expect(
			new LoopMemory(full, NOW).join(`gen-${MAX_REMEMBERED_LOOPS}`, undefined, fresh(NOW + 999_999))
				.deadline,
		).toBe(NOW + MAX_REMEMBERED_LOOPS + 600_000);
		expect(new LoopMemory(full, NOW).join('gen-0', undefined, fresh(NOW + 5)).deadline).toBe(
			NOW + 5 + 600_000,
		);
	});

	it('ignores entries it cannot read rather than failing the check', () => {
		const context: IDataObject = {
			veoLoops: { junk: 'x', other: { startedAt: 'a', deadline: 1 } },
		};
		expect(new LoopMemory(context, NOW).join('gen-1', undefined, fresh(NOW)).deadline).toBe(
			NOW + 600_000,
		);
		expect(Object.keys(context.veoLoops as IDataObject)).toHaveLength(1);
	});
});
