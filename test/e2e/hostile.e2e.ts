import { cache } from './support';
import { describeHostileRun } from './hostile-suite';

describeHostileRun(`n8n ${cache.N8N2_VERSION} on Node 24`, () => cache.ensureN8n2(), {
	errorOutputTakesDetails: true,
});

// n8n 1.x runs on Node 20 with the legacy expression engine (see n8n1.e2e.ts); E2E_N8N1=skip leaves it out.
if (process.env.E2E_N8N1 === 'skip') {
	test.skip(`n8n ${cache.N8N1_VERSION} (E2E_N8N1=skip)`, () => undefined);
} else {
	describeHostileRun(
		`n8n ${cache.N8N1_VERSION} on Node 20`,
		() => cache.ensureN8n1(),
		{ errorOutputTakesDetails: false },
		{ N8N_EXPRESSION_ENGINE: 'legacy' },
	);
}
