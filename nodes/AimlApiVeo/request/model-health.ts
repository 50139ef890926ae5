/**
 * Model health from the API's deprecation feed (`GET /v1/models/deprecations`). Each entry names a
 * model by its canonical id and its aliases (matched together) and says how it stands:
 * `deprecated` (still serving; `shutdown_at` says when it stops), `superseded` (the id still works,
 * as an alias of `replaced_by`) or `withdrawn` (requests answer 404). A model in no entry is healthy.
 */
import type { IDataObject } from 'n8n-workflow';

import { InputError } from '../shared/errors';

export type HealthStatus = 'deprecated' | 'superseded' | 'withdrawn';

export interface HealthEntry {
	id: string;
	aliases: string[];
	status: HealthStatus;
	shutdownAt?: string;
	deprecatedAt?: string;
	replacedBy?: string;
}

const STATUSES = new Set<string>(['deprecated', 'superseded', 'withdrawn']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function date(value: unknown): string | undefined {
	const day = text(value);
	return day && DATE.test(day) ? day : undefined;
}

function entryOf(value: unknown): HealthEntry[] {
	const raw = (value ?? {}) as Record<string, unknown>;
	const id = text(raw.id);
	const status = text(raw.status)?.toLowerCase();
	if (!id || !status || !STATUSES.has(status)) return [];
	const aliases = Array.isArray(raw.aliases) ? raw.aliases.flatMap((a) => text(a) ?? []) : [];
	return [
		{
			id,
			aliases,
			status: status as HealthStatus,
			shutdownAt: date(raw.shutdown_at),
			deprecatedAt: date(raw.deprecated_at),
			replacedBy: text(raw.replaced_by),
		},
	];
}

/** The feed's entries, or undefined when the answer is not the feed. */
export function healthEntries(body: unknown): HealthEntry[] | undefined {
	const data = (body as { data?: unknown } | undefined)?.data;
	return Array.isArray(data) ? data.flatMap(entryOf) : undefined;
}

/** The entry for a model id, matched on the feed's id and aliases alike (case-insensitive). */
export function healthOf(entries: HealthEntry[], id: string): HealthEntry | undefined {
	const wanted = id.trim().toLowerCase();
	return entries.find((entry) =>
		[entry.id, ...entry.aliases].some((name) => name.toLowerCase() === wanted),
	);
}

function moveTo(entry: HealthEntry): string {
	return entry.replacedBy ? `Switch Model to ${entry.replacedBy}` : 'Switch Model to another model';
}

/** A withdrawn model: the item's error, before anything is sent. */
export function withdrawnError(id: string, entry: HealthEntry): InputError {
	const since = entry.shutdownAt ? ` on ${entry.shutdownAt}` : '';
	const replacement = entry.replacedBy
		? `; the API names ${entry.replacedBy} as its replacement`
		: '';
	return new InputError(
		'Model',
		`Model "${id}" was withdrawn by the AI/ML API${since}${replacement}`,
		`The API answers 404 to every request for it. ${moveTo(entry)} (By ID takes any model id) and run the item again.`,
	);
}

/** A deprecated or superseded model: what its rows say, and the words of the execution hint. */
export function healthNotice(
	id: string,
	entry: HealthEntry,
): { fields: IDataObject; message: string } | undefined {
	const fields: IDataObject = { model: id, status: entry.status };
	if (entry.shutdownAt) fields.shutdownAt = entry.shutdownAt;
	if (entry.replacedBy) fields.replacedBy = entry.replacedBy;
	let message: string;
	if (entry.status === 'deprecated') {
		const when = entry.shutdownAt
			? `shuts down on ${entry.shutdownAt}`
			: 'will shut down (no date announced yet)';
		message = `Model "${id}" is deprecated by the AI/ML API and ${when}. ${moveTo(entry)} before then.`;
	} else if (entry.status === 'superseded') {
		const target = entry.replacedBy ?? 'another model';
		message = `Model "${id}" is an old name the AI/ML API now serves as ${target}; it was sent as given. Use ${target} to name the model the API runs.`;
	} else return undefined;
	fields.message = message;
	return { fields, message };
}
