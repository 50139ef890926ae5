// Imported before n8n-core: n8n-core writes an instance config (with an encryption key)
// into $N8N_USER_FOLDER/.n8n the first time it needs its instance settings, and defaults
// to the user's home. Outside jest (demo, benchmark) nothing else sets the folder, so the
// harness points it at a throw-away directory unless the caller chose one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'n8n-harness-'));
}

// n8n-core logs every node error through its logger, as n8n does; in tests and tools that
// is noise. Set N8N_LOG_LEVEL (e.g. 'debug') to see it.
if (!process.env.N8N_LOG_LEVEL) {
	process.env.N8N_LOG_LEVEL = 'silent';
}

export const n8nUserFolder: string = process.env.N8N_USER_FOLDER;
