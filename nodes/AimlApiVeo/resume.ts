/**
 * Generations this process has submitted, by execution, node, item and request. When n8n's
 * "Retry On Fail" runs the node again in the same execution, an item whose identical request
 * was already accepted resumes that generation instead of buying a second one.
 */
import { createHash } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

const MAX_ENTRIES = 10_000;
const submitted = new Map<string, string>();

export interface ResumeKey {
	executionId: string;
	nodeName: string;
	itemIndex: number;
	path: string;
	body: IDataObject;
}

function keyOf(key: ResumeKey): string {
	const fingerprint = createHash('sha256').update(`${key.path}\n${JSON.stringify(key.body)}`).digest('hex');
	return `${key.executionId}\u0000${key.nodeName}\u0000${key.itemIndex}\u0000${fingerprint}`;
}

export function rememberGeneration(key: ResumeKey, generationId: string): void {
	const id = keyOf(key);
	submitted.delete(id);
	submitted.set(id, generationId);
	while (submitted.size > MAX_ENTRIES) submitted.delete(submitted.keys().next().value as string);
}

export function recallGeneration(key: ResumeKey): string | undefined {
	return submitted.get(keyOf(key));
}

/** Forget a generation that needs no resuming (it was output, or ended in an uncharged failure). */
export function forgetGeneration(key: ResumeKey): void {
	submitted.delete(keyOf(key));
}
