/**
 * The package in a running n8n 2.x (`n8n start`): the node and its generated AI tool variant load,
 * the AI Agent example imports through the REST API, the tool's description and input schema are
 * what an agent would get, the tool runs on its own as the editor runs it, and the editor shows the
 * node's panel for both operations, saved as screenshots into docs/screenshots/ (headless Chromium
 * from the system; skipped when it is not installed).
 */
import * as fs from 'fs';
import * as path from 'path';

import { startSimulator, type Simulator } from '../simulator';
import { PREVIEW_NEXT_NODE, previewWorkflow, schemaRoute, shippedSchema } from './schema-preview';
import {
	buildOnce,
	cache,
	instance,
	readExample,
	REPO_ROOT,
	seconds,
	type N8nInstall,
	type StartedN8n,
	type Workflow,
} from './support';
import {
	agentWithTool,
	exampleTool,
	runToolLikeTheEditor,
	simulatorSaw,
	toolAnswer,
	toolAsAgentSeesIt,
} from './tool-run';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const NODE_TYPE = 'n8n-nodes-aimlapi-veo.aimlApiVeo';
const TOOL_TYPE = `${NODE_TYPE}Tool`;

interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	outputs: unknown;
	properties: Array<{ name: string; displayName: string }>;
	codex?: { categories?: string[] };
}

function panelWorkflow(
	name: string,
	parameters: Record<string, unknown>,
	typeVersion = 2,
): Omit<Workflow, 'id'> {
	return {
		name,
		nodes: [
			{
				id: 'a0000000-0000-4000-8000-000000000001',
				name: 'When clicking ‘Execute workflow’',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a0000000-0000-4000-8000-000000000002',
				name: 'AIML API Veo',
				type: NODE_TYPE,
				typeVersion,
				position: [220, 0],
				parameters,
				credentials: { aimlVeoApi: { id: instance.CREDENTIAL_ID, name: 'AIML API account' } },
			},
		],
		connections: {
			'When clicking ‘Execute workflow’': {
				main: [[{ node: 'AIML API Veo', type: 'main', index: 0 }]],
			},
		},
		settings: { executionOrder: 'v1' },
	};
}

describe('n8n 2.x server and editor', () => {
	let n8n: N8nInstall;
	let simulator: Simulator | undefined;
	let server: StartedN8n | undefined;
	let cookie: string;
	let work: string;
	let nodeTypes: NodeTypeDescription[];
	const suiteStart = Date.now();

	beforeAll(async () => {
		n8n = cache.ensureN8n2();
		work = instance.tempDir('aimlapi-veo-editor-');
		buildOnce();
		const { tarball } = instance.packPackage(path.join(work, 'pack'));
		const userFolder = path.join(work, 'user');
		instance.installIntoUserFolder(userFolder, tarball, n8n.nodeBinDir);
		simulator = await startSimulator({ generationMs: 1500 });
		const env = instance.n8nEnv(n8n, userFolder);
		await instance.importCredential(n8n, env, work, {
			apiKey: 'sim-test-key',
			baseUrl: simulator.baseUrl,
		});
		const step = Date.now();
		server = await instance.startN8n(n8n, env, {
			port: await instance.freePort(),
			logFile: path.join(work, 'n8n.log'),
		});
		cookie = await instance.ownerCookie(server.url);
		process.stdout.write(
			`[e2e editor] n8n ${n8n.version} started on ${server.url} in ${seconds(step)}\n`,
		);
		const response = await fetch(`${server.url}/types/nodes.json`, {
			headers: { cookie: `n8n-auth=${cookie}` },
		});
		expect(response.ok).toBe(true);
		nodeTypes = (await response.json()) as NodeTypeDescription[];
	});

	afterAll(async () => {
		await server?.stop();
		await simulator?.close();
		if (work) {
			const log = path.join(work, 'n8n.log');
			if (fs.existsSync(log) && process.env.E2E_KEEP_LOGS)
				process.stdout.write(fs.readFileSync(log, 'utf8'));
			fs.rmSync(work, { recursive: true, force: true });
		}
		process.stdout.write(`[e2e editor] suite wall time: ${seconds(suiteStart)}\n`);
	});

	test('n8n loads the node and the AI tool variant it generates from usableAsTool', () => {
		const node = nodeTypes.find((type) => type.name === NODE_TYPE);
		const tool = nodeTypes.find((type) => type.name === TOOL_TYPE);
		expect(node?.displayName).toBe('AIML API Veo and Gemini Omni');
		expect(tool?.displayName).toBe('AIML API Veo and Gemini Omni Tool');
		expect(tool?.outputs).toEqual(['ai_tool']);
		expect(tool?.properties.map((property) => property.name)).toEqual(
			expect.arrayContaining(['toolDescription', 'operation', 'prompt', 'generationId']),
		);
	});

	test('the node and credential icons (light and dark) are served by n8n', async () => {
		const node = nodeTypes.find((type) => type.name === NODE_TYPE) as unknown as {
			iconUrl?: { light: string; dark: string };
		};
		const response = await fetch(`${server!.url}/types/credentials.json`, {
			headers: { cookie: `n8n-auth=${cookie}` },
		});
		const credentials = (await response.json()) as Array<{
			name: string;
			displayName: string;
			iconUrl?: { light: string; dark: string };
		}>;
		const credential = credentials.find((type) => type.name === 'aimlVeoApi');
		expect(credential?.displayName).toBe('AIML API');
		for (const iconUrl of [node.iconUrl, credential?.iconUrl]) {
			expect(iconUrl).toEqual({
				light: expect.stringMatching(/\.svg$/),
				dark: expect.stringMatching(/\.svg$/),
			});
			for (const url of [iconUrl!.light, iconUrl!.dark]) {
				const icon = await fetch(`${server!.url}/${url}`, {
					headers: { cookie: `n8n-auth=${cookie}` },
				});
				expect(`${url}: ${icon.status}`).toBe(`${url}: 200`);
				expect(await icon.text()).toContain('<svg');
			}
		}
	});

	test("the editor's Docs links for the node and the credential open the README's sections", async () => {
		const repository = String(
			(
				JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
					homepage: string;
				}
			).homepage,
		).replace(/#readme$/, '');
		const node = nodeTypes.find((type) => type.name === NODE_TYPE) as unknown as {
			codex?: {
				resources?: {
					primaryDocumentation?: Array<{ url: string }>;
					credentialDocumentation?: Array<{ url: string }>;
				};
			};
		};
		expect(node.codex?.resources?.primaryDocumentation?.[0]?.url).toBe(`${repository}#operations`);
		expect(node.codex?.resources?.credentialDocumentation?.[0]?.url).toBe(
			`${repository}#credentials`,
		);
		const response = await fetch(`${server!.url}/types/credentials.json`, {
			headers: { cookie: `n8n-auth=${cookie}` },
		});
		const credentials = (await response.json()) as Array<{
			name: string;
			documentationUrl?: string;
		}>;
		expect(credentials.find((type) => type.name === 'aimlVeoApi')?.documentationUrl).toBe(
			`${repository}#credentials`,
		);
	});

	test('n8n serves the output schemas where its editor asks for them, for both node versions and operations', async () => {
		for (const version of [1, 2]) {
			for (const operation of ['generate', 'get'] as const) {
				const route = schemaRoute(NODE_TYPE, version, operation);
				// the editor fetches schemas without the session cookie
				const response = await fetch(`${server!.url}${route}`);
				expect(`${route}: ${response.status}`).toBe(`${route}: 200`);
				expect(await response.json()).toEqual(shippedSchema(version, operation));
			}
		}
	});

	test('the AI Agent example imports with its chat trigger, agent, model and our tool', async () => {
		const example = readExample('ai-agent-tool.json');
		const types = new Set(nodeTypes.map((type) => type.name));
		for (const node of example.nodes)
			expect(types.has(node.type) ? node.type : `unknown type ${node.type}`).toBe(node.type);
		const created = await instance.rest<{ id: string }>(server!.url, cookie, 'POST', '/workflows', {
			name: example.name,
			nodes: example.nodes,
			connections: example.connections,
			settings: example.settings,
		});
		const stored = await instance.rest<Workflow>(
			server!.url,
			cookie,
			'GET',
			`/workflows/${created.id}`,
		);
		expect(stored.nodes.map((node) => node.type).sort()).toEqual(
			example.nodes.map((node) => node.type).sort(),
		);
		expect(stored.connections).toEqual(example.connections);
	});

	test('the tool an agent gets: its description says what a call returns, takes and costs, and its input schema comes from the $fromAI() placeholders', () => {
		const tool = toolAsAgentSeesIt(
			n8n,
			instance.n8nEnv(n8n, path.join(work, 'user')),
			'ai-agent-tool.json',
			'generate_video',
		);
		expect(tool.stderr).toBe('');
		expect(tool.name).toBe('generate_video');
		// What n8n runs with is what its editor shows as the tool's default description.
		const shown = nodeTypes
			.find((type) => type.name === TOOL_TYPE)
			?.properties.find((property) => property.name === 'toolDescription') as
			{ default?: unknown } | undefined;
		expect(tool.description).toBe(shown?.default);
		expect(tool.description).toMatch(
			/returns its videoUrl \(and videoUrls, every video when the model makes several\), id, status and cost/,
		);
		expect(tool.description).toMatch(/usually takes 1–3 minutes/);
		expect(tool.description).toMatch(/roughly \$\d+\.\d\d–\$\d+\.\d\d/);
		expect(tool.schema).toMatchObject({
			type: 'object',
			properties: {
				prompt: {
					type: 'string',
					description: expect.stringMatching(/what the video should show/i),
				},
				aspectRatio: { type: 'string', default: '16:9' },
			},
			required: ['prompt'],
		});
	});

	test('the tool run on its own as the editor runs it: n8n wires in its Tool Executor, and the answer is the video URL, id, status and cost, without the MP4', async () => {
		const tool = exampleTool();
		const created = await instance.rest<{ id: string }>(
			server!.url,
			cookie,
			'POST',
			'/workflows',
			agentWithTool(tool),
		);
		const prompt = 'a paper boat drifting down a rainy gutter, run as a tool';
		const before = simulatorSaw(simulator!, prompt, undefined);
		const run = await runToolLikeTheEditor(n8n, server!.url, cookie, created.id, tool.name, {
			prompt,
			aspectRatio: '9:16',
		});
		expect(run.error?.message).toBeUndefined();
		expect(run.status).toBe('success');
		expect(Object.keys(run.runData)).toEqual(
			expect.arrayContaining(['PartialExecutionToolExecutor', tool.name]),
		);
		const { answer, binaryItems } = toolAnswer(run.runData, tool.name);
		const saw = simulatorSaw(simulator!, prompt, answer[0]?.videoUrl);
		expect(saw.generations).toHaveLength(1);
		const [generation] = saw.generations;
		expect(answer).toEqual([
			{
				id: generation.id,
				status: 'completed',
				videoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/.+\.mp4$/),
				videoUrls: [expect.any(String)],
				cost: { credits: generation.credits, usd: generation.usd },
			},
		]);
		expect(generation.body).toEqual({ model: 'google/veo-3.0-fast', prompt, aspect_ratio: '9:16' });
		expect(binaryItems).toBe(0);
		expect(saw.posts - before.posts).toBe(1);
		expect(saw.downloads).toBe(0);
	});

	const withBrowser = fs.existsSync(CHROMIUM) ? describe : describe.skip;
	if (!fs.existsSync(CHROMIUM)) {
		process.stdout.write(
			`[e2e editor] SKIPPED the screenshots: no Chromium at ${CHROMIUM} (apt-get install -y chromium)\n`,
		);
	}

	withBrowser('the node panel in the editor (headless Chromium)', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { chromium } = require('playwright-core') as typeof import('playwright-core');
		let browser: import('playwright-core').Browser;

		beforeAll(async () => {
			browser = await chromium.launch({
				executablePath: CHROMIUM,
				args: [
					'--no-sandbox',
					'--disable-gpu',
					'--disable-dev-shm-usage',
					'--disable-background-networking',
					'--disable-component-update',
					'--disable-sync',
					'--no-first-run',
				],
			});
			fs.mkdirSync(SCREENSHOTS, { recursive: true });
		});

		afterAll(async () => {
			await browser?.close();
		});

		async function openWorkflow(parameters: Record<string, unknown>, name: string, height: number) {
			return await openCreated(panelWorkflow(name, parameters), height);
		}

		async function openCreated(workflow: Omit<Workflow, 'id'>, height: number) {
			const created = await instance.rest<{ id: string }>(
				server!.url,
				cookie,
				'POST',
				'/workflows',
				workflow,
			);
			const context = await browser.newContext({
				viewport: { width: 1280, height },
				deviceScaleFactor: 1,
			});
			await context.addCookies([
				{ name: 'n8n-auth', value: cookie, domain: '127.0.0.1', path: '/' },
			]);
			// the editor may only talk to the local n8n
			await context.route('**/*', async (route) => {
				if (new URL(route.request().url()).hostname === '127.0.0.1') await route.continue();
				else await route.abort();
			});
			const page = await context.newPage();
			await page.goto(`${server!.url}/workflow/${created.id}`, { waitUntil: 'networkidle' });
			return { context, page };
		}

		async function shoot(
			parameters: Record<string, unknown>,
			file: string,
			labels: string[],
			absent: string[] = [],
		): Promise<void> {
			const { context, page } = await openWorkflow(parameters, `Panel: ${file}`, 1100);
			try {
				const node = page
					.locator('[data-test-id="canvas-node"]')
					.filter({ hasText: 'AIML API Veo' })
					.first();
				await node.waitFor({ state: 'visible', timeout: 60000 });
				await node.dblclick();
				const panel = page.locator('[data-test-id="ndv"]');
				await panel.waitFor({ state: 'visible', timeout: 30000 });
				for (const label of labels) {
					await expect(panel.getByText(label, { exact: true }).first().isVisible()).resolves.toBe(
						true,
					);
				}
				for (const label of absent)
					await expect(panel.getByText(label, { exact: true }).count()).resolves.toBe(0);
				// no hover effects in the picture
				await page.mouse.move(1000, 700);
				await page.waitForTimeout(500);
				await page.screenshot({ path: path.join(SCREENSHOTS, file) });
			} finally {
				await context.close();
			}
		}

		test('Generate Video: the panel shows its fields, saved to docs/screenshots/generate-video.png', async () => {
			await shoot(
				{
					operation: 'generate',
					model: {
						__rl: true,
						mode: 'list',
						value: 'google/veo-3.0-fast',
						cachedResultName: 'Veo 3 Fast (Text to Video)',
					},
					prompt: 'A red fox trots through fresh snow at dawn, cinematic slow motion',
					options: {},
					waitForCompletion: true,
				},
				'generate-video.png',
				['Operation', 'Model', 'Prompt', 'Wait for Completion', 'Download Video'],
			);
		});

		test('Gemini Omni, Edit Video: the panel shows the Task and only its inputs, saved to docs/screenshots/omni-edit.png', async () => {
			await shoot(
				{
					operation: 'generate',
					model: {
						__rl: true,
						mode: 'list',
						value: 'google/gemini-omni-1.1-flash',
						cachedResultName: 'Gemini Omni 1.1 Flash',
					},
					task: 'edit',
					prompt: 'Make it a sunny afternoon: dry street, warm light, birdsong instead of rain',
					videoSource: 'url',
					options: { resolution: '720p' },
					waitForCompletion: true,
				},
				'omni-edit.png',
				['Model', 'Task', 'Prompt', 'Video Source', 'Video URL', 'Audio Source'],
				['Image Source', 'Reference Images Source', 'Negative Prompt'],
			);
		});

		test('the model picker lists the table and searches it, saved to docs/screenshots/model-picker.png', async () => {
			const { context, page } = await openWorkflow(
				{
					operation: 'generate',
					model: {
						__rl: true,
						mode: 'list',
						value: 'google/veo-3.0-fast',
						cachedResultName: 'Veo 3 Fast (Text to Video)',
					},
					prompt: 'A paper boat',
				},
				'Panel: model picker',
				900,
			);
			try {
				await page
					.locator('[data-test-id="canvas-node"]')
					.filter({ hasText: 'AIML API Veo' })
					.first()
					.dblclick({ timeout: 60000 });
				const panel = page.locator('[data-test-id="ndv"]');
				await panel.waitFor({ state: 'visible', timeout: 30000 });
				await panel.locator('[data-test-id="rlc-input"]').first().click();
				// The list comes from the node's searchModels method, through n8n's REST API.
				await page
					.getByText('Veo 3 (Text to Video)', { exact: true })
					.first()
					.waitFor({ state: 'visible', timeout: 30000 });
				await page.getByPlaceholder('Search...').first().fill('extend');
				await page
					.getByText('Veo 3.1 Fast (Extend Video)', { exact: true })
					.first()
					.waitFor({ state: 'visible', timeout: 30000 });
				await expect(
					page.getByText('Veo 3.1 (Extend Video)', { exact: true }).first().isVisible(),
				).resolves.toBe(true);
				await expect(
					page.getByText('Gemini Omni 1.1 Flash', { exact: true }).first().isVisible(),
				).resolves.toBe(true);
				await expect(
					page.getByText('Veo 3 (Text to Video)', { exact: true }).count(),
				).resolves.toBe(0);
				await page.waitForTimeout(500);
				await page.screenshot({ path: path.join(SCREENSHOTS, 'model-picker.png') });
			} finally {
				await context.close();
			}
		});

		test('Get Generation: the panel shows its fields, saved to docs/screenshots/get-generation.png', async () => {
			await shoot({ operation: 'get', generationId: '={{ $json.id }}' }, 'get-generation.png', [
				'Operation',
				'Generation ID',
				'Wait for Completion',
			]);
		});

		test('the durable example on the canvas: both Veo nodes show their Done and Running outputs, saved to docs/screenshots/durable-loop.png', async () => {
			const { id: _id, ...example } = readExample('durable-batch.json');
			// The note's text names the outputs too; the count below is of the canvas's own labels.
			example.nodes = example.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
			const { context, page } = await openCreated(example, 700);
			try {
				await page
					.locator('[data-test-id="canvas-node"]')
					.filter({ hasText: 'Check Generations' })
					.first()
					.waitFor({ state: 'visible', timeout: 60000 });
				// n8n draws an output's name beside its handle: two nodes with Done and Running each.
				await expect(page.getByText('Running', { exact: true }).count()).resolves.toBe(2);
				await expect(page.getByText('Done', { exact: true }).count()).resolves.toBe(2);
				await page.mouse.move(1200, 650);
				await page.waitForTimeout(500);
				await page.screenshot({ path: path.join(SCREENSHOTS, 'durable-loop.png') });
			} finally {
				await context.close();
			}
		});

		test('the next node shows the fields of a Veo node that never ran, from its output schema, saved to docs/screenshots/output-schema.png', async () => {
			const credentials = { aimlVeoApi: { id: instance.CREDENTIAL_ID, name: 'AIML API account' } };
			const { context, page } = await openCreated(previewWorkflow(NODE_TYPE, credentials), 1000);
			try {
				const next = page
					.locator('[data-test-id="canvas-node"]')
					.filter({ hasText: PREVIEW_NEXT_NODE })
					.first();
				await next.waitFor({ state: 'visible', timeout: 60000 });
				const schemaAnswer = page.waitForResponse(
					(response) => response.url().includes('/schemas/'),
					{ timeout: 30000 },
				);
				await next.dblclick();
				const answer = await schemaAnswer;
				expect(`${new URL(answer.url()).pathname}: ${answer.status()}`).toBe(
					`${schemaRoute(NODE_TYPE, 2, 'generate')}: 200`,
				);
				const input = page.locator('[data-test-id="ndv-input-panel"]');
				// "Preview" marks fields from the schema, not from a run (there was none)
				await input
					.getByText('Preview', { exact: true })
					.first()
					.waitFor({ state: 'visible', timeout: 30000 });
				await page.mouse.move(1200, 980);
				await page.waitForTimeout(500);
				await page.screenshot({ path: path.join(SCREENSHOTS, 'output-schema.png') });
				const shown = async (field: string) =>
					await input.getByText(field, { exact: true }).first().isVisible();
				// `video` may be an object, a list or null, so the preview shows it without its `url`: the
				// URLs are in `videoUrl` and `videoUrls`.
				const fields = [
					'id',
					'status',
					'videoUrl',
					'videoUrls',
					'video',
					'cost',
					'credits',
					'usd',
					'estimate',
					'runTotals',
					'videos',
					'timedOut',
				];
				const missing: string[] = [];
				for (const field of fields) if (!(await shown(field))) missing.push(field);
				expect(missing).toEqual([]);
			} finally {
				await context.close();
			}
		});

		test('the nodes panel finds the node and lists both actions, saved to docs/screenshots/node-search.png', async () => {
			const { context, page } = await openWorkflow(
				{ operation: 'generate' },
				'Panel: node search',
				900,
			);
			try {
				await page
					.locator('[data-test-id="canvas-node"]')
					.first()
					.waitFor({ state: 'visible', timeout: 60000 });
				await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
				const searchBar = page.locator('[data-test-id="node-creator-search-bar"]').first();
				await searchBar.waitFor({ state: 'visible', timeout: 30000 });
				const input = page.locator('[data-test-id="node-creator-search-bar"] input').first();
				await ((await input.count()) > 0 ? input : searchBar).click();
				// The codex's keywords find it by the Omni models' name too.
				await page.keyboard.type('Gemini Omni', { delay: 20 });
				const item = page
					.locator('[data-test-id="node-creator-item-name"]')
					.filter({ hasText: /^AIML API Veo and Gemini Omni$/ })
					.first();
				await item.waitFor({ state: 'visible', timeout: 30000 }).catch(async (error: Error) => {
					await page.screenshot({ path: path.join(work, 'node-search-failed.png') });
					throw new Error(
						`the nodes panel does not list "AIML API Veo and Gemini Omni" when searched for "Gemini Omni" (n8n hides a node whose codex puts it in the AI category with only the "Miscellaneous" subcategory; "Root Nodes" makes it searchable): ${error.message}`,
					);
				});
				await item.click();
				await page
					.getByText('Generate a video', { exact: true })
					.first()
					.waitFor({ state: 'visible', timeout: 30000 });
				await expect(
					page.getByText('Get a generation', { exact: true }).first().isVisible(),
				).resolves.toBe(true);
				await page.waitForTimeout(500);
				await page.screenshot({ path: path.join(SCREENSHOTS, 'node-search.png') });
			} finally {
				await context.close();
			}
		});
	});
});
