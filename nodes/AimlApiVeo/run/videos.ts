/**
 * A finished generation's videos into binary data. A generation may have several (a newer model
 * may answer with a list); each is one download, checked as one video is: Max Video Size and
 * Download Time Limit apply to each video on its own, and MAX_VIDEOS bounds how many there are.
 * They are fetched one after another, so one item never holds more than one download at a time.
 * The item's row gets them all, or fails naming the video that could not be fetched and listing
 * every video's URL, so no paid video is called missing.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { Clock } from '../transport/deadline';
import type { DownloadLimits } from '../transport/download';
import { downloadVideo, videoLabel } from '../transport/download';
import type { Failure } from '../shared/errors';
import type { Secret } from '../shared/redact';
import type { Job } from './machine';

export interface VideoDownloads {
	ctx: IExecuteFunctions;
	clock: Clock;
	secret: Secret;
	/** Kept by item index: the videos in the order the API listed them. */
	binaries: Map<number, IBinaryData[]>;
}

/** The binary fields of a row: `data`, `data_1`, `data_2`, … (or the field the user named, numbered the same way). */
export function binaryFieldsOf(
	property: string,
	binaries: IBinaryData[],
): Record<string, IBinaryData> {
	const fields: Record<string, IBinaryData> = {};
	binaries.forEach((binary, position) => {
		fields[position === 0 ? property : `${property}_${position}`] = binary;
	});
	return fields;
}

/** How each video of the generation stands once one of them failed: for the failure's description. */
function standings(urls: string[], failedAt: number): string {
	return urls
		.map((url, position) => {
			const stand =
				position < failedAt ? 'downloaded' : position === failedAt ? 'failed' : 'not fetched';
			return `${position + 1}. ${url} (${stand})`;
		})
		.join('; ');
}

/** Downloads every video of a completed job; undefined when all arrived, else the first failure. */
export async function downloadVideos(
	run: VideoDownloads,
	job: Job,
	generationId: string,
	limits: DownloadLimits,
): Promise<Failure | undefined> {
	const urls = job.videoUrls ?? (job.videoUrl ? [job.videoUrl] : []);
	const binaries: IBinaryData[] = [];
	for (const [position, url] of urls.entries()) {
		const ref = { position, count: urls.length };
		const download = await downloadVideo(
			run.ctx,
			run.clock,
			generationId,
			url,
			limits,
			run.secret,
			ref,
		);
		if (!download.ok) {
			if (urls.length === 1) return download.failure;
			return {
				...download.failure,
				description: `${download.failure.description} This generation has ${urls.length} videos, all generated (and charged); the item fails at ${videoLabel(ref)}, so none is output as binary data: ${standings(urls, position)}. The row lists them all in videoUrls.`,
			};
		}
		binaries.push(download.binary);
	}
	run.binaries.set(job.index, binaries);
	return undefined;
}
