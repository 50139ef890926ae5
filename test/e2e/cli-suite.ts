/**
 * The example workflows, run by a real n8n CLI against the packed package:
 * pack → install the tarball as a community package → import the credential and workflow copies
 * → `n8n execute --id` → assertions on the printed run. The simulator runs in this process, so the
 * test can also read its counters.
 */
import * as fs from 'fs';
import * as path from 'path';

import { GENERATE_TOOL_DESCRIPTION } from '../../nodes/AimlApiVeo/actions/tool';
import { serveImages, type ImageServer } from '../harness/image-server';
import { perSecondByResolution, pollsMarker, startSimulator, type Simulator } from '../simulator';
import {
	buildOnce,
	instance,
	isMp4,
	nodeOf,
	readExample,
	seconds,
	shortPolls,
	type N8nInstall,
	type RunData,
	type WorkflowRun,
} from './support';
import {
	exampleTool,
	simulatorSaw,
	toolAnswer,
	toolAsAgentSeesIt,
	toolExecutorWorkflow,
} from './tool-run';

const IDS = {
	textToVideo: 'e2eTextToVideo01',
	submitThenCollect: 'e2eSubmitCollect1',
	batch: 'e2eBatchPrompts01',
	sweep: 'e2eSweepPending01',
	agent: 'e2eAiAgentTool001',
	durable: 'e2eDurableBatch01',
	together: 'e2eDurableTogethr1',
	budget: 'e2eNightlyBudget1',
	catalogueBudget: 'e2eCatalogueBudg1',
	withdrawn: 'e2eWithdrawnMdl01',
	extend: 'e2eExtendVideo001',
	firstLast: 'e2eFirstLastFrm1',
	omniEdit: 'e2eOmniEditVideo1',
	toolRun: 'e2eVeoToolRun0001',
	twoVideos: 'e2eTwoVideos00001',
};
const TOOL_PROMPT = 'a lighthouse in a storm, asked for by an agent';
const FIXTURES = path.join(__dirname, '..', 'fixtures');

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000:veo-3.0-fast-generate-001';

export function describeCliRun(
	label: string,
	ensureN8n: () => N8nInstall,
	extraEnv: Record<string, string> = {},
): void {
	describe(`examples in ${label} (n8n CLI)`, () => {
		let n8n: N8nInstall;
		let simulator: Simulator | undefined;
		let images: ImageServer | undefined;
		let env: NodeJS.ProcessEnv;
		let work: string;
		let outDir: string;
		const runs = new Map<string, WorkflowRun>();
		const suiteStart = Date.now();

		const items = (workflowId: string, node: string): RunData[] => {
			const run = runs.get(workflowId);
			if (!run) throw new Error(`workflow ${workflowId} did not run`);
			return instance.nodeItems(run, node) as RunData[];
		};
		const execute = async (id: string): Promise<WorkflowRun> => {
			const { run, seconds: took } = await instance.executeWorkflow(n8n, env, id);
			process.stdout.write(
				`[e2e ${label}] execute ${id}: ${took.toFixed(1)} s, status ${run.status}\n`,
			);
			runs.set(id, run);
			return run;
		};

		beforeAll(async () => {
			let step = Date.now();
			n8n = ensureN8n();
			process.stdout.write(
				`[e2e ${label}] n8n ${n8n.version} ${n8n.cached ? 'from the cache' : `installed in ${n8n.seconds.toFixed(0)} s`}\n`,
			);
			work = instance.tempDir('aimlapi-veo-e2e-');
			outDir = path.join(work, 'output');
			fs.mkdirSync(outDir);
			step = Date.now();
			buildOnce();
			const { tarball, report } = instance.packPackage(path.join(work, 'pack'));
			const userFolder = path.join(work, 'user');
			const installed = instance.installIntoUserFolder(userFolder, tarball, n8n.nodeBinDir);
			expect(fs.existsSync(path.join(installed.packageDir, 'package.json'))).toBe(true);
			process.stdout.write(
				`[e2e ${label}] build + pack (${report.size} bytes) + install: ${seconds(step)}\n`,
			);

			// Each generation completes at its second status poll, however busy the machine is.
			simulator = await startSimulator({ progress: { polls: 2 } });
			env = instance.n8nEnv(n8n, userFolder, {
				N8N_RUNNERS_BROKER_PORT: String(await instance.freePort()),
				N8N_RESTRICT_FILE_ACCESS_TO: outDir,
				...extraEnv,
			});
			step = Date.now();
			await instance.importCredential(n8n, env, work, {
				apiKey: 'sim-test-key',
				baseUrl: simulator.baseUrl,
			});

			const workflows = path.join(work, 'workflows');
			fs.mkdirSync(workflows);
			const write = (id: string, workflow: object) =>
				fs.writeFileSync(
					path.join(workflows, `${id}.json`),
					JSON.stringify({ ...workflow, id, active: false }, null, '\t'),
				);

			/** Sets a field of the example's "Video request" node, where its examples keep what a user edits. */
			const setRequestField = (
				workflow: ReturnType<typeof readExample>,
				name: string,
				value: string,
			) => {
				const request = nodeOf(workflow, 'Video request').parameters as {
					assignments: { assignments: Array<{ name: string; value: string }> };
				};
				const field = request.assignments.assignments.find(
					(assignment) => assignment.name === name,
				);
				if (!field) throw new Error(`the example's Video request has no ${name} field`);
				field.value = value;
			};
			/** The example with short polls, writing its MP4 into the output folder (its "Video request" says where). */
			const savingTo = (example: string, file: string) => {
				const workflow = shortPolls(readExample(example));
				setRequestField(workflow, 'outputFile', path.join(outDir, file));
				return workflow;
			};
			// Saved with node version 1 and the model as a plain id: it must run as it is.
			write(IDS.textToVideo, savingTo('text-to-video.json', 'veo-video.mp4'));

			// The same example, for a generation the API answers with a list of two videos (newer specs' shape).
			const twoVideos = savingTo('text-to-video.json', 'veo-two-videos.mp4');
			setRequestField(twoVideos, 'prompt', 'two takes of a fox in snow [sim:videos=2]');
			write(IDS.twoVideos, twoVideos);

			write(IDS.submitThenCollect, shortPolls(readExample('submit-then-collect.json')));

			const batch = shortPolls(readExample('batch-of-prompts.json'));
			const save = nodeOf(batch, 'Save MP4s');
			save.parameters.fileName = String(save.parameters.fileName).replace(
				'=output/',
				`=${outDir}/`,
			);
			write(IDS.batch, batch);

			// The durable loop's wiring and its two outputs, with a 1 s Wait that n8n keeps in the process
			// (the persisted wait and its restarts run in queue mode, in queue.e2e.ts).
			const durable = readExample('durable-batch.json');
			nodeOf(durable, 'Wait').parameters.amount = 1;
			write(IDS.durable, durable);
			// Hand On Together, its Wait shortened the same way. Each prompt asks the simulator to end
			// its generation at another check (the first, second and third), so the batch goes round
			// three times with finished videos held on the way.
			const together = readExample('durable-batch-together.json');
			nodeOf(together, 'Wait').parameters.amount = 1;
			const prompts = nodeOf(together, 'Prompts').parameters as { jsonOutput: string };
			const { rows } = JSON.parse(prompts.jsonOutput) as { rows: Array<{ prompt: string }> };
			rows.forEach((row, index) => (row.prompt = `${row.prompt} ${pollsMarker(index + 1)}`));
			prompts.jsonOutput = JSON.stringify({ rows });
			write(IDS.together, together);

			// The nightly example with a budget, started by hand instead of by its schedule.
			const nightly = shortPolls(readExample('nightly-budget.json'));
			Object.assign(nodeOf(nightly, 'Every night at 2:00'), {
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				parameters: {},
			});
			write(IDS.budget, nightly);
			// The same nightly workflow, run against the API's catalogue prices and deprecation feed.
			write(IDS.catalogueBudget, nightly);
			write(IDS.withdrawn, nightly);

			write(IDS.extend, savingTo('extend-video.json', 'veo-extended.mp4'));
			// Ends in a node that only receives the MP4: it runs as imported.
			write(IDS.omniEdit, shortPolls(readExample('omni-edit.json')));

			// Two real HTTP Request nodes fetch the two frames from a server on this machine; a real
			// Merge node puts them into one item.
			const fixture = (file: string) => fs.readFileSync(path.join(FIXTURES, file));
			images = await serveImages({
				'/first.png': fixture('first-frame.png'),
				'/last.png': fixture('last-frame.png'),
			});
			const firstLast = savingTo('first-last-frame.json', 'first-last.mp4');
			setRequestField(firstLast, 'firstFrameUrl', images.url('/first.png'));
			setRequestField(firstLast, 'lastFrameUrl', images.url('/last.png'));
			write(IDS.firstLast, firstLast);

			if (fs.existsSync(path.join(instance.REPO_ROOT, 'examples', 'ai-agent-tool.json'))) {
				write(IDS.agent, readExample('ai-agent-tool.json'));
			}
			write(IDS.toolRun, toolExecutorWorkflow(n8n.version, exampleTool(), { prompt: TOOL_PROMPT }));
			await instance.importWorkflows(n8n, env, workflows);
			process.stdout.write(`[e2e ${label}] import credential + workflows: ${seconds(step)}\n`);
		});

		afterAll(async () => {
			await simulator?.close();
			images?.close();
			if (work) fs.rmSync(work, { recursive: true, force: true });
			process.stdout.write(`[e2e ${label}] suite wall time: ${seconds(suiteStart)}\n`);
		});

		test("the AI Agent example's tool, called through n8n's Tool Executor: the answer is the video URL, id, status and cost, and no MP4 is fetched", async () => {
			const before = simulatorSaw(simulator!, TOOL_PROMPT, undefined);
			const run = await execute(IDS.toolRun);
			expect(run.status).toBe('success');
			const { answer, binaryItems } = toolAnswer(run.data.resultData.runData, 'generate_video');
			const saw = simulatorSaw(simulator!, TOOL_PROMPT, answer[0]?.videoUrl);
			expect(saw.generations).toHaveLength(1);
			const [generation] = saw.generations;
			expect(answer).toEqual([
				{
					id: generation.id,
					status: 'completed',
					videoUrl: expect.any(String),
					videoUrls: [expect.any(String)],
					cost: { credits: generation.credits, usd: generation.usd },
				},
			]);
			expect(binaryItems).toBe(0);
			expect(saw.posts - before.posts).toBe(1);
			expect(saw.downloads).toBe(0);
			// The description n8n gives the agent is the tool's own default: what a call returns, takes and costs.
			expect(toolAsAgentSeesIt(n8n, env, 'ai-agent-tool.json', 'generate_video').description).toBe(
				GENERATE_TOOL_DESCRIPTION,
			);
		});

		test('text to video: the MP4 arrives as binary in "Save MP4" and is written to disk', async () => {
			const run = await execute(IDS.textToVideo);
			expect(run.status).toBe('success');
			const [generated] = items(IDS.textToVideo, 'Generate video');
			expect(generated.json.status).toBe('completed');
			expect(generated.binary?.data?.mimeType).toBe('video/mp4');
			const [saved] = items(IDS.textToVideo, 'Save MP4');
			expect(saved.binary?.data?.mimeType).toBe('video/mp4');
			const file = path.join(outDir, 'veo-video.mp4');
			expect(fs.existsSync(file)).toBe(true);
			expect(isMp4(file)).toBe(true);
			expect(fs.statSync(file).size).toBeGreaterThan(1000);
		});

		test('a generation answered with two videos: one row, both MP4s as data and data_1, one POST', async () => {
			const before = simulator!.counters();
			const run = await execute(IDS.twoVideos);
			expect(run.status).toBe('success');
			const rows = items(IDS.twoVideos, 'Generate video');
			expect(rows).toHaveLength(1);
			const [row] = rows;
			const urls = row.json.videoUrls as string[];
			expect(urls).toHaveLength(2);
			expect(new Set(urls).size).toBe(2);
			expect(row.json.videoUrl).toBe(urls[0]);
			expect(row.json.video).toEqual(urls.map((url) => ({ url })));
			expect(Object.keys(row.binary ?? {})).toEqual(['data', 'data_1']);
			expect(row.binary?.data?.mimeType).toBe('video/mp4');
			expect(row.binary?.data_1?.mimeType).toBe('video/mp4');
			expect(row.binary?.data_1?.fileName).toMatch(/^veo-.+_1\.mp4$/);
			const after = simulator!.counters();
			expect(after.posts - before.posts).toBe(1);
			expect(after.cdnRequests - before.cdnRequests).toBe(2);
			expect(isMp4(path.join(outDir, 'veo-two-videos.mp4'))).toBe(true);
		});

		test('Veo into Veo: Generate → Extend from the downloaded MP4 → Extend from its URL, one MP4 saved', async () => {
			const before = simulator!.generations.length;
			const run = await execute(IDS.extend);
			expect(run.status).toBe('success');
			const [generated, fromBinary, fromUrl] = simulator!.generations.slice(before);
			expect(generated.body.model).toBe('google/veo-3.1-t2v-fast');
			expect(fromBinary.body.model).toBe('google/veo3-1-fast-extend-video');
			expect(String(fromBinary.body.video_url)).toMatch(/^data:video\/mp4;base64,AAAA/);
			const [firstExtend] = items(IDS.extend, 'Extend from the MP4');
			expect(fromUrl.body.video_url).toBe(firstExtend.json.videoUrl);
			const [saved] = items(IDS.extend, 'Save MP4');
			expect(saved.binary?.data?.mimeType).toBe('video/mp4');
			expect(isMp4(path.join(outDir, 'veo-extended.mp4'))).toBe(true);
		});

		test('Omni into Omni: Gemini Omni 1.1 text to video → an edit of that video by its URL, the MP4 in "Edited"', async () => {
			const before = simulator!.generations.length;
			const downloadsBefore = simulator!.counters().cdnRequests;
			const run = await execute(IDS.omniEdit);
			expect(run.status).toBe('success');
			const [clip, edit] = simulator!.generations.slice(before);
			expect(simulator!.generations.length - before).toBe(2);
			expect(clip.body).toMatchObject({
				model: 'google/gemini-omni-1.1-flash',
				task: 'text_to_video',
				duration: 5,
			});
			const [made] = items(IDS.omniEdit, 'Omni clip');
			expect(edit.body).toMatchObject({
				model: 'google/gemini-omni-1.1-flash',
				task: 'edit',
				video_url: made.json.videoUrl,
			});
			const [edited] = items(IDS.omniEdit, 'Edited');
			expect(edited.binary?.data?.mimeType).toBe('video/mp4');
			expect(simulator!.counters().cdnRequests - downloadsBefore).toBe(1);
		});

		test('first and last frame: two images fetched by two nodes, merged into one item, sent as both frames', async () => {
			const before = simulator!.generations.length;
			const run = await execute(IDS.firstLast);
			expect(run.status).toBe('success');
			const sent = simulator!.generations.slice(before);
			expect(sent).toHaveLength(1);
			const asDataUri = (file: string) =>
				`data:image/png;base64,${fs.readFileSync(path.join(FIXTURES, file)).toString('base64')}`;
			expect(sent[0].body).toMatchObject({
				model: 'google/veo-3.1-first-last-image-to-video-fast',
				image_url: asDataUri('first-frame.png'),
				last_image_url: asDataUri('last-frame.png'),
				duration: 8,
			});
			const [merged] = items(IDS.firstLast, 'Both frames in one item');
			expect(Object.keys(merged.binary ?? {}).sort()).toEqual(['firstFrame', 'lastFrame']);
			expect(isMp4(path.join(outDir, 'first-last.mp4'))).toBe(true);
		});

		test('submit now, collect later: Get Generation resumes the generation by its id', async () => {
			const run = await execute(IDS.submitThenCollect);
			expect(run.status).toBe('success');
			const [submitted] = items(IDS.submitThenCollect, 'Submit generation');
			expect(typeof submitted.json.id).toBe('string');
			expect(submitted.binary).toBeUndefined();
			const [collected] = items(IDS.submitThenCollect, 'Collect generation');
			expect(collected.json.id).toBe(submitted.json.id);
			expect(collected.json.status).toBe('completed');
			expect(collected.binary?.video?.mimeType).toBe('video/mp4');
		});

		test('a batch of prompts: one video per row, in order, each saved', async () => {
			const run = await execute(IDS.batch);
			expect(run.status).toBe('success');
			const rows = items(IDS.batch, 'Generate videos');
			expect(rows).toHaveLength(3);
			rows.forEach((row, index) => {
				expect(row.json.error).toBeUndefined();
				expect(row.binary?.data?.mimeType).toBe('video/mp4');
				expect(row.pairedItem).toEqual({ item: index });
			});
			expect(new Set(rows.map((row) => row.json.id)).size).toBe(3);
			for (const name of ['fox', 'lagoon', 'city']) {
				expect(isMp4(path.join(outDir, `${name}.mp4`))).toBe(true);
			}
		});

		test('Continue On Fail: the sweep gives a completed row and an error row for an unknown id', async () => {
			const submitted = items(IDS.submitThenCollect, 'Submit generation')[0]?.json.id as string;
			expect(submitted).toBeTruthy();
			// the scheduled sweep example, started by hand, with one known and one unknown id
			const sweep = readExample('sweep-pending-generations.json');
			const trigger = nodeOf(sweep, 'Every 15 minutes');
			Object.assign(trigger, {
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				parameters: {},
			});
			nodeOf(sweep, 'Pending generation IDs').parameters.jsonOutput = JSON.stringify({
				ids: [submitted, UNKNOWN_ID],
			});
			const file = path.join(work, `${IDS.sweep}.json`);
			fs.writeFileSync(file, JSON.stringify({ ...sweep, id: IDS.sweep, active: false }));
			await instance.importWorkflows(n8n, env, file);

			const run = await execute(IDS.sweep);
			expect(run.status).toBe('success');
			const [known, unknown] = items(IDS.sweep, 'Check generation');
			expect(known.json.id).toBe(submitted);
			expect(known.json.status).toBe('completed');
			expect(known.binary?.data?.mimeType).toBe('video/mp4');
			expect(typeof unknown.json.error).toBe('string');
			expect(unknown.json.id).toBe(UNKNOWN_ID);
			expect(unknown.binary).toBeUndefined();
		});

		test('the durable loop: Running goes round the Wait node until every video reaches "Videos"', async () => {
			const posts = simulator!.counters().posts;
			const run = await execute(IDS.durable);
			expect(run.status).toBe('success');
			const runs = run.data.resultData.runData.Videos as Array<{ data: { main: RunData[][] } }>;
			const videos = runs.flatMap((videoRun) => videoRun.data.main[0]);
			expect(videos).toHaveLength(3);
			for (const video of videos) expect(video.binary?.data?.mimeType).toBe('video/mp4');
			expect(new Set(videos.map((video) => video.json.id)).size).toBe(3);
			// Each generation ends at its second poll: two checks, so two rounds through the Wait node.
			expect((run.data.resultData.runData['Check Generations'] as unknown[]).length).toBe(2);
			expect(simulator!.counters().posts - posts).toBe(3);
		});

		test('Hand On Together: videos that finish at different checks all reach "Videos" in one run of it', async () => {
			const before = simulator!.counters();
			const run = await execute(IDS.together);
			expect(run.status).toBe('success');
			const runs = run.data.resultData.runData.Videos as Array<{ data: { main: RunData[][] } }>;
			expect(runs).toHaveLength(1);
			const videos = runs[0].data.main[0];
			expect(videos).toHaveLength(3);
			for (const video of videos) expect(video.binary?.data?.mimeType).toBe('video/mp4');
			expect(new Set(videos.map((video) => video.json.id)).size).toBe(3);
			// Three checks: the first holds one finished video, the second two, the third hands all on.
			const checks = run.data.resultData.runData['Check Generations'] as Array<{
				data: { main: RunData[][] };
			}>;
			expect(checks.map((check) => check.data.main.map((output) => output.length))).toEqual([
				[0, 3],
				[0, 3],
				[3, 0],
			]);
			const held = checks[0].data.main[1].filter(
				(row) => (row.json.veoWait as { held?: string }).held === 'completed',
			);
			expect(held).toHaveLength(1);
			expect(held[0].binary).toBeUndefined();
			const after = simulator!.counters();
			expect(after.posts - before.posts).toBe(3);
			// Checks of 3, 2 and 1 running generations, then the 2 held ones read again at the hand-off.
			expect(after.gets - before.gets).toBe(3 + 2 + 1 + 2);
		});

		test('a budget: $5 at $1.95 a video buys two, the other three end unsent, one balance check for the batch', async () => {
			const before = simulator!.counters();
			const run = await execute(IDS.budget);
			expect(run.status).toBe('success');
			const rows = items(IDS.budget, 'Generate within budget');
			expect(rows.map((row) => row.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
			const made = rows.filter((row) => row.json.status === 'completed');
			expect(made).toHaveLength(2);
			// The simulator's catalogue quotes no Veo price by default: the estimate is the table's.
			for (const row of made)
				expect(row.json.cost).toEqual({
					credits: 3_900_000,
					usd: 1.95,
					estimate: { credits: 2_400_000, usd: 1.2, from: 'table' },
				});
			const unsent = rows.filter((row) => row.json.error);
			expect(unsent.map((row) => row.json.error)).toEqual(
				Array(3).fill(
					"Not submitted: this execution's budget of $5.00 was reached; nothing was charged for this item",
				),
			);
			for (const row of rows)
				expect(row.json.runTotals).toEqual({
					videos: 2,
					credits: 7_800_000,
					usd: 3.9,
					costNotReported: 0,
					possiblyAccepted: 0,
					notSubmittedForBudget: 3,
				});
			const after = simulator!.counters();
			expect(after.posts - before.posts).toBe(2);
			expect(after.billing - before.billing).toBe(1);
		});

		test("a budget priced by the API's catalogue: $5 at $1.00 a video buys five, where the table's $1.20 buys four", async () => {
			const posts = () => simulator!.counters().posts;
			const reads = () => simulator!.requests.filter((r) => r.path.startsWith('/v1/models')).length;
			const before = { posts: posts(), reads: reads() };
			simulator!.setOptions({
				catalogue: {
					models: [
						{
							id: 'google/veo-3.0-fast',
							pricing: perSecondByResolution({ '720p': 0.125, '1080p': 0.25 }),
						},
					],
				},
			});
			try {
				const run = await execute(IDS.catalogueBudget);
				expect(run.status).toBe('success');
				const rows = items(IDS.catalogueBudget, 'Generate within budget');
				expect(rows).toHaveLength(5);
				for (const row of rows) {
					expect(row.json.status).toBe('completed');
					expect(row.json.cost).toEqual({
						credits: 2_000_000,
						usd: 1,
						estimate: { credits: 2_000_000, usd: 1, from: 'catalogue' },
					});
				}
				expect(posts() - before.posts).toBe(5);
				expect(reads() - before.reads).toBe(2);

				// The catalogue down: the table's $1.20 prices the batch, and the fifth video no longer fits.
				simulator!.setOptions({
					prices: { 'google/veo-3.0-fast': 1 },
					catalogue: { catalogueFault: 'unavailable' },
				});
				const fallback = await execute(IDS.catalogueBudget);
				expect(fallback.status).toBe('success');
				const fromTable = items(IDS.catalogueBudget, 'Generate within budget');
				expect(fromTable.filter((row) => row.json.status === 'completed')).toHaveLength(4);
				for (const row of fromTable)
					expect((row.json.cost as { estimate: { from: string } }).estimate.from).toBe('table');
			} finally {
				simulator!.setOptions({ catalogue: undefined, prices: undefined });
			}
		});

		test('a withdrawn model: every item fails naming the replacement, and nothing is submitted', async () => {
			const posts = simulator!.counters().posts;
			simulator!.setOptions({
				catalogue: {
					deprecations: [
						{
							id: 'google/veo-3.0-fast',
							status: 'withdrawn',
							shutdown_at: '2026-11-01',
							replaced_by: 'google/veo-3.1-t2v-fast',
						},
					],
				},
			});
			try {
				const run = await execute(IDS.withdrawn);
				expect(run.status).toBe('success');
				const rows = items(IDS.withdrawn, 'Generate within budget');
				expect(rows).toHaveLength(5);
				for (const row of rows) {
					expect(row.json.error).toBe(
						'Model "google/veo-3.0-fast" was withdrawn by the AI/ML API on 2026-11-01; the API names google/veo-3.1-t2v-fast as its replacement',
					);
					expect(String(row.json.description)).toContain('Switch Model to google/veo-3.1-t2v-fast');
				}
				expect(simulator!.counters().posts - posts).toBe(0);
			} finally {
				simulator!.setOptions({ catalogue: undefined });
			}
		});

		test('the video CDN never received the API key', () => {
			const counters = simulator!.counters();
			expect(counters.cdnRequests).toBeGreaterThanOrEqual(9);
			expect(counters.cdnAuthorizationHeaders).toBe(0);
		});
	});
}
