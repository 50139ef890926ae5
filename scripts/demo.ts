/**
 * The main job, end to end: runs examples/text-to-video.json through n8n's workflow engine and
 * writes the MP4 to output/. With AIMLAPI_KEY set it calls the real AIML API; without it, the
 * bundled AIML API simulator stands in.
 *
 *   npm run demo -- "a prompt"
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join, relative, resolve } from 'path';

import type { WorkflowJson } from '../test/harness/engine';
import { runWorkflow } from '../test/harness/engine';
import type { Simulator } from '../test/simulator';
import { startSimulator } from '../test/simulator';

const root = resolve(__dirname, '..', '..');
const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => process.stdout.write(`${stamp()}  ${line}\n`);

async function main(): Promise<number> {
	const prompt =
		process.argv.slice(2).join(' ').trim() ||
		'A red fox trots through fresh snow at dawn, breath steaming, cinematic slow motion';
	const apiKey = process.env.AIMLAPI_KEY?.trim();
	let simulator: Simulator | undefined;
	let credentials: { apiKey: string; baseUrl: string };
	if (apiKey) {
		credentials = {
			apiKey,
			baseUrl: process.env.AIMLAPI_BASE_URL?.trim() || 'https://api.aimlapi.com',
		};
		say(
			`Using the AIML API at ${credentials.baseUrl} (AIMLAPI_KEY is set): this generation is charged to your account.`,
		);
	} else {
		simulator = await startSimulator({ generationMs: 8000 });
		credentials = { apiKey: 'sim-test-key', baseUrl: simulator.baseUrl };
		say(
			`No AIMLAPI_KEY set: using the bundled AIML API simulator at ${simulator.baseUrl} (videos from ${simulator.cdnUrl}).`,
		);
	}

	const outputDir = join(root, 'output');
	mkdirSync(outputDir, { recursive: true });
	const outputFile = join(outputDir, `veo-${new Date().toISOString().replace(/[:.]/g, '-')}.mp4`);

	const workflow = JSON.parse(
		readFileSync(join(root, 'examples', 'text-to-video.json'), 'utf8'),
	) as WorkflowJson;
	const veo = workflow.nodes.find((node) => node.name === 'Generate video');
	if (!veo || !workflow.nodes.some((node) => node.name === 'Video request'))
		throw new Error(
			'examples/text-to-video.json has changed: "Video request" or "Generate video" is missing',
		);
	// n8n's own nodes do not run in-process: "Video request" is pinned to what it would set, and the
	// MP4 its "Save MP4" node receives is written here.
	workflow.pinData = { 'Video request': [{ json: { prompt, outputFile } }] };
	// The simulator finishes in seconds: poll it every 2 s instead of the real API's 10 s.
	if (simulator)
		(veo.parameters as { waitOptions: Record<string, unknown> }).waitOptions = { pollInterval: 2 };

	say(`Workflow "${workflow.name}": prompt "${prompt}"`);
	const started = Date.now();
	const result = await runWorkflow({
		workflow,
		credentials: { aimlVeoApi: credentials },
		binaryMode: 'filesystem',
		onMessageToUI: (_node, message) => say(String(message)),
	});
	await simulator?.close();

	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	if (result.status !== 'success') {
		say(`The workflow failed after ${seconds} s: ${result.error?.message ?? result.status}`);
		if (result.error?.description) say(String(result.error.description));
		return 1;
	}
	const row = result.items('Generate video')[0];
	say(
		`Generation ${String(row.json.id)}: ${String(row.json.status)}, video ${String(row.json.videoUrl)}`,
	);
	const video = await result.binaryBuffer(result.items('Save MP4')[0]);
	if (video.toString('latin1', 4, 8) !== 'ftyp') {
		say('The video received is not an MP4');
		return 1;
	}
	writeFileSync(outputFile, video);
	say(
		`Saved ${relative(process.cwd(), outputFile) || outputFile} (${video.length} bytes, MP4) in ${seconds} s.`,
	);
	return 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	},
);
