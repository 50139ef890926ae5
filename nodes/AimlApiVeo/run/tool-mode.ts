/**
 * The node as an AI agent's tool. n8n derives a tool variant from `usableAsTool`: the same node
 * under the type name `<package>.aimlApiVeoTool`. An agent reads only the JSON of the items a tool
 * returns (n8n drops binary data before the model sees it), so a tool call returns what an agent
 * can act on — where the video is, which generation it was, how it ended, what it cost — and
 * downloads the MP4 only when the tool's own "Download Video" option asks for it.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/**
 * The run index under which a tool call's submits are remembered: all of them, one record for the
 * execution. n8n's node runs keep their own record per run index, since a later run is a new
 * intent; but n8n-core gives every try of a tool call (Retry On Fail) a run index of its own, so a
 * try could not find what the try before it submitted and would buy the same video again. One
 * record lets a retry, or the agent calling again with the same arguments after an error, resume
 * that generation; a call that ended with its video forgets it, so asking again makes a new one.
 */
export const TOOL_CALL_RUN = -1;

/**
 * The fields an agent gets: the generation's id, status and video URLs (the first, and all), its cost when the API
 * reported one, the timed-out flag, and for a failed item the error, what to do about it and
 * whether the generation may exist. Run totals, the API's raw answer and the like are left out:
 * every token of a tool's answer is read by the model.
 */
const AGENT_FIELDS = [
	'id',
	'status',
	'videoUrl',
	'videoUrls',
	'videoNotes',
	'cost',
	'timedOut',
	'error',
	'description',
	'generationMayExist',
] as const;

/** One output row as the agent should see it; the pairing and any downloaded MP4 stay. */
export function agentRow(row: INodeExecutionData): INodeExecutionData {
	const json: IDataObject = {};
	for (const field of AGENT_FIELDS)
		if (row.json[field] !== undefined) json[field] = row.json[field];
	// The agent gets the API's figures only: the estimate is for the budget and the workflow's rows.
	const reported = { ...((json.cost ?? {}) as IDataObject) };
	delete reported.estimate;
	if (reported.credits !== undefined) json.cost = reported;
	else delete json.cost;
	return { ...row, json };
}
