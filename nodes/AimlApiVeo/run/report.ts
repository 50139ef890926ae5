/**
 * What the node tells whoever watches a run: each generation's id the moment it is bought, and the
 * batch's progress. In a manual run that is the editor; otherwise n8n's log.
 */
import type { Run } from './plan';
import type { Progress } from './wait';

/**
 * Each bought generation's id, as soon as the API accepted it. An execution whose worker dies inside
 * the node is not saved: n8n's log is then where its ids remain (Get Generation collects them).
 */
export function reportSubmitted(run: Run, itemIndex: number, generationId: string): void {
	say(run, `${run.node.name}: item ${itemIndex} submitted as generation ${generationId}`);
}

/** A line for whoever watches: the editor in a manual run, else n8n's log. */
function say(run: Run, line: string): void {
	if (run.ctx.getMode() === 'manual') run.ctx.sendMessageToUI(line);
	else run.ctx.logger.info(line);
}

export function reportProgress(run: Run, progress: Progress): void {
	const statuses = Object.entries(progress.statuses).map(([status, count]) => `${count} ${status}`);
	const totals = run.ledger.totals();
	const budget = run.ledger.limited ? ` of a budget of ${run.ledger.budgetText()}` : '';
	const spent =
		totals.videos > 0 || totals.possiblyAccepted > 0 || budget
			? `; spent ${run.ledger.spentText()}${budget}`
			: '';
	// Status words are the API's: they may hold anything, the key's text too.
	const line = run.redact(
		`${run.node.name}: ${progress.done} done, ${progress.running} running${statuses.length ? ` (${statuses.join(', ')})` : ''}, ${progress.waitingToSubmit} waiting to submit, ${progress.failed} failed (of ${progress.total})${spent}`,
	);
	say(run, line);
}
