/**
 * The node with a binary data store that refuses files, as n8n's `database` binary mode (queue mode's
 * default in n8n 2.x) does: its DatabaseManager reads the whole stream into one buffer, then throws
 * n8n-core's FileTooLargeError when the file is over N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE (MiB).
 * Files it accepts go on to the harness's own store.
 */
import { FileTooLargeError } from 'n8n-core';
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { AimlApiVeo } from '../../nodes/AimlApiVeo/AimlApiVeo.node';
import { executeItems } from '../../nodes/AimlApiVeo/run/execute';

/** What the store says to a file of `bytes`: an error to throw, or nothing to keep it. */
export type StoreVerdict = (bytes: number, fileName: string | undefined) => Error | undefined;

/** n8n's database-mode cap, with n8n's own error and message. */
export const databaseCap =
	(maxFileSizeMb: number): StoreVerdict =>
	(bytes, fileName) => {
		const fileSizeMb = bytes / (1024 * 1024);
		if (fileSizeMb <= maxFileSizeMb) return undefined;
		return new FileTooLargeError({
			fileSizeMb,
			maxFileSizeMb,
			fileId: 'stand-in-file-id',
			fileName,
		});
	};

/** Which files reached the store, and which it refused, in the order they came. */
export interface StoreLog {
	stored: number[];
	refused: number[];
}

/** The AIML API Veo node type whose `prepareBinaryData` goes through `verdict` first. */
export function veoWithStore(
	verdict: StoreVerdict,
	log: StoreLog = { stored: [], refused: [] },
): INodeType {
	class VeoWithStandInStore extends AimlApiVeo {
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const helpers = this.helpers;
			const keep = helpers.prepareBinaryData.bind(helpers);
			helpers.prepareBinaryData = async (data, fileName, mimeType) => {
				const buffer = await helpers.binaryToBuffer(data);
				const refusal = verdict(buffer.length, fileName);
				if (refusal) {
					log.refused.push(buffer.length);
					throw refusal;
				}
				log.stored.push(buffer.length);
				return await keep(buffer, fileName, mimeType);
			};
			return await executeItems(this);
		}
	}
	return new VeoWithStandInStore();
}
