/**
 * The editor's Docs links (the node panel's and the credential's) open sections of the README on
 * the package's repository. A README heading renamed or moved away would leave them dangling, so
 * each link's anchor must be the GitHub anchor of a heading the README has.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { AimlVeoApi } from '../../credentials/AimlVeoApi.credentials';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	homepage: string;
	repository: { url: string };
};
const codex = JSON.parse(
	readFileSync(join(ROOT, 'nodes', 'AimlApiVeo', 'AimlApiVeo.node.json'), 'utf8'),
) as {
	resources: Record<'primaryDocumentation' | 'credentialDocumentation', Array<{ url: string }>>;
};
const REPOSITORY = pkg.homepage.replace(/#readme$/, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function githubAnchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const readmeAnchors = new Set(
	readFileSync(join(ROOT, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) => githubAnchor(line.replace(/^#+ /, ''))),
);

describe('documentation links in the editor', () => {
	it('githubAnchor makes the anchors GitHub makes', () => {
		expect(githubAnchor('Long waits, restarts and queue mode')).toBe(
			'long-waits-restarts-and-queue-mode',
		);
		expect(githubAnchor('Veo into Veo: extending a video')).toBe('veo-into-veo-extending-a-video');
	});

	it("the repository the links point to is the package's own", () => {
		expect(pkg.repository.url).toBe(`git+${REPOSITORY}.git`);
	});

	const links = [
		['the node panel (codex primaryDocumentation)', codex.resources.primaryDocumentation[0]?.url],
		[
			'the credential (codex credentialDocumentation)',
			codex.resources.credentialDocumentation[0]?.url,
		],
		['the credential (documentationUrl)', String(new AimlVeoApi().documentationUrl)],
	] as const;

	it.each(links)('%s opens a section of the README', (_where, url) => {
		const [page, anchor] = String(url).split('#');
		expect(page).toBe(REPOSITORY);
		expect(readmeAnchors).toContain(anchor);
	});

	it('the node panel opens the operations and the credential its set-up', () => {
		expect(codex.resources.primaryDocumentation[0].url).toBe(`${REPOSITORY}#operations`);
		expect(codex.resources.credentialDocumentation[0].url).toBe(`${REPOSITORY}#credentials`);
		expect(new AimlVeoApi().documentationUrl).toBe(`${REPOSITORY}#credentials`);
	});
});
