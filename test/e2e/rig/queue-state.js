'use strict';
// What the queue-mode rig's servers hold about one execution, read straight from Postgres and Redis
// (not over n8n's REST API, which is down while main restarts): the execution's saved status and how
// far off its wait ends, and the Bull jobs of it that a worker runs or may take next. The placed
// soak kills an n8n process only when these say that no process is inside the execution.
const path = require('path');

const { run, serverBinaries } = require('./queue-mode');

/** n8n's Bull queue: prefix `bull` (QUEUE_BULL_PREFIX, unset in the rig) and queue name `jobs`. */
const BULL_KEYS = 'bull:jobs:';

/**
 * The ids of the Bull jobs of `executionId` that are active (a worker runs them) or waiting (the
 * next free worker takes them), each as "active:<job id>" or "wait:<job id>". One Lua script, so
 * Redis answers for a single instant: a job cannot move from one list to the other between reads.
 */
const JOBS_OF_EXECUTION = `
local found = {}
for _, list in ipairs({ 'active', 'wait' }) do
	for _, id in ipairs(redis.call('LRANGE', KEYS[1] .. list, 0, -1)) do
		local data = redis.call('HGET', KEYS[1] .. id, 'data')
		if data and tostring(cjson.decode(data).executionId) == ARGV[1] then
			table.insert(found, list .. ':' .. id)
		end
	end
end
return found`;

function redisCli() {
	return path.join(path.dirname(serverBinaries().redisServer), 'redis-cli');
}

async function bullJobsOf(rig, executionId) {
	const args = ['-h', '127.0.0.1', '-p', String(rig.redis.port), '--raw', 'EVAL'];
	const output = await run(redisCli(), [
		...args,
		JOBS_OF_EXECUTION,
		'1',
		BULL_KEYS,
		String(executionId),
	]);
	return output.split('\n').filter((line) => line.trim() !== '');
}

/**
 * The execution's row in Postgres: { status, waitTill, waitLeftS } where waitLeftS is how many
 * seconds remain until its wait ends, by Postgres's own clock (null when it does not wait).
 */
async function executionRow(rig, executionId) {
	const { pgBin } = serverBinaries();
	const { dir, port, database } = rig.postgres;
	const id = Number(executionId);
	if (!Number.isInteger(id)) throw new Error(`not an execution id: ${executionId}`);
	const sql =
		`SELECT status, coalesce("waitTill"::text, ''), ` +
		`coalesce(extract(epoch FROM ("waitTill" - now()))::text, '') ` +
		`FROM execution_entity WHERE id = ${id}`;
	const args = ['-X', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', database, '-Atc', sql];
	const output = await run(path.join(pgBin, 'psql'), args);
	const line = output.trim().split('\n').at(-1) ?? '';
	const [status = 'missing', waitTill = '', left = ''] = line.split('|');
	return {
		status: status || 'missing',
		waitTill: waitTill || null,
		waitLeftS: left === '' ? null : Number(left),
	};
}

/**
 * Whether an n8n process may be killed without meeting the execution inside a node: it is saved
 * `waiting`, no Bull job of it is active or queued, and its wait ends more than `marginS` from now
 * (so main cannot enqueue the resume between this look and the kill). Returns the row and the jobs
 * with the verdict, for the log.
 */
async function quietWait(rig, executionId, marginS) {
	const row = await executionRow(rig, executionId);
	const jobs = row.status === 'waiting' ? await bullJobsOf(rig, executionId) : [];
	const quiet =
		row.status === 'waiting' &&
		jobs.length === 0 &&
		row.waitLeftS !== null &&
		row.waitLeftS > marginS;
	return { ...row, jobs, quiet };
}

module.exports = { bullJobsOf, executionRow, quietWait };
