'use strict';
// n8n in regular mode the way most self-hosted instances run it: one `n8n start` process that takes
// webhooks, runs every execution itself and resumes waiting ones, on its default SQLite database in
// its user folder. The rig can SIGKILL that process (and its task runner) and start it again on the
// same folder, port and encryption key; it shares the queue-mode rig's methods (deploy a webhook
// workflow, trigger it, read executions over REST), reading n8n's log where queue mode reads workers'.
const crypto = require('crypto');

const { installIntoUserFolder, n8nEnv, freePort } = require('./n8n-instance');
const { QueueRig } = require('./queue-mode');

/**
 * Starts `n8n start` (SQLite) with the package `tarball` installed in its user folder; `env` adds to
 * its environment. Returns the rig; call `rig.stop()` when done, whatever happened.
 */
async function startRegularRig({ n8n, tarball, env: extraEnv = {} }) {
	const rig = new RegularRig(n8n);
	try {
		if (tarball) installIntoUserFolder(rig.userFolder, tarball, n8n.nodeBinDir);
		await rig.start({ extraEnv });
	} catch (error) {
		process.stderr.write(`[regular-mode] start failed; logs:\n${rig.tails()}\n`);
		await rig.stop();
		throw error;
	}
	return rig;
}

class RegularRig extends QueueRig {
	async start({ extraEnv }) {
		// JSON logs carry timestamps; the encryption key is fixed so a restart reads the credential
		this.env = n8nEnv(this.n8n, this.userFolder, {
			N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
			N8N_LOG_FORMAT: 'json',
			N8N_LOG_LEVEL: 'info',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			...extraEnv,
		});
		this.port = await freePort();
		await this.startMain();
	}

	/** The logs of every start of the n8n process (the killed ones' too), where the node's log lines go. */
	mainLogFiles() {
		return this.logFiles.filter((file) => /main-\d+\.log$/.test(file));
	}
}

module.exports = { startRegularRig };
