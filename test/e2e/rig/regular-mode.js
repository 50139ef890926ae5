'use strict';
// n8n in regular mode the way most self-hosted instances run it: one `n8n start` process that takes
// webhooks, runs every execution itself and resumes waiting ones, on its default SQLite database in
// its user folder. The rig can SIGKILL that process (and its task runner) and start it again on the
// same folder, port and encryption key; it shares the queue-mode rig's methods (deploy a webhook
// workflow, trigger it, read executions over REST), reading n8n's log where queue mode reads workers'.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const { installIntoUserFolder, importWorkflows, n8nEnv, freePort } = require('./n8n-instance');
const { QueueRig, webhookWorkflow } = require('./queue-mode');

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

	/**
	 * Deploys several workflows as deployWebhookWorkflow does, with one `n8n import:workflow` for all
	 * (each CLI call starts n8n anew: seconds on a busy machine). Returns their { id, webhookPath }.
	 */
	async deployWebhookWorkflows(workflows) {
		const dir = path.join(this.dir, `workflows-${crypto.randomBytes(4).toString('hex')}`);
		fs.mkdirSync(dir);
		const deployed = workflows.map((workflow) => {
			const id = crypto.randomBytes(8).toString('hex');
			const webhookPath = `regular-${id}`;
			const file = path.join(dir, `${id}.json`);
			fs.writeFileSync(
				file,
				JSON.stringify({ ...webhookWorkflow(workflow, webhookPath), id, active: false }),
			);
			return { id, webhookPath };
		});
		await importWorkflows(this.n8n, this.env, dir);
		for (const { id, webhookPath } of deployed) {
			const stored = await this.rest('GET', `/workflows/${id}`);
			await this.rest('POST', `/workflows/${id}/activate`, { versionId: stored.versionId });
			await this.waitForWebhook(webhookPath);
		}
		return deployed;
	}

	/** The logs of every start of the n8n process (the killed ones' too), where the node's log lines go. */
	mainLogFiles() {
		return this.logFiles.filter((file) => /main-\d+\.log$/.test(file));
	}
}

module.exports = { startRegularRig };
