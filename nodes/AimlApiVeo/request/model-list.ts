/**
 * The editor's model list and the API's deprecation feed: read through the credential's Base URL
 * (no key sent, the feed needs none), once per search. The editor keeps no state between searches
 * that a node may use safely, so nothing is cached here; a feed that cannot be read leaves the
 * list as the model table has it.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE, resolveBaseUrl } from '../transport/api';
import { DEPRECATIONS_PATH, readPublic } from '../transport/catalogue';
import type { Clock } from '../transport/deadline';
import type { HealthEntry } from './model-health';
import { healthEntries, healthOf } from './model-health';
import type { VeoModel } from './model-row';

const listClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await sleep(ms, signal),
};

/** The feed's entries, or undefined when there is no credential or no readable feed. */
export async function readHealthForList(
	ctx: ILoadOptionsFunctions,
): Promise<HealthEntry[] | undefined> {
	try {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		const baseUrl = resolveBaseUrl(credentials.baseUrl);
		const answer = await readPublic(ctx, baseUrl, listClock, DEPRECATIONS_PATH);
		return answer?.status === 200 ? healthEntries(answer.body) : undefined;
	} catch {
		return undefined;
	}
}

/** The feed's entry for a model of the table, by its id or any of its aliases. */
export function healthOfModel(entries: HealthEntry[], model: VeoModel): HealthEntry | undefined {
	for (const id of [model.id, ...(model.aliases ?? [])]) {
		const entry = healthOf(entries, id);
		if (entry) return entry;
	}
	return undefined;
}

/** How the list marks a deprecated or superseded model: in its name, and in its description. */
export function listMark(entry: HealthEntry): { short: string; long: string } | undefined {
	const instead = entry.replacedBy ? ` Use ${entry.replacedBy} instead.` : '';
	if (entry.status === 'deprecated') {
		const date = entry.shutdownAt ? `, shuts down ${entry.shutdownAt}` : '';
		return {
			short: `deprecated${date}`,
			long: `Deprecated by the AI/ML API${entry.shutdownAt ? `: shuts down on ${entry.shutdownAt}` : ''}.${instead}`,
		};
	}
	if (entry.status === 'superseded' && entry.replacedBy)
		return {
			short: `now ${entry.replacedBy}`,
			long: `The AI/ML API now serves this id as ${entry.replacedBy}.`,
		};
	return undefined;
}
