import { cache } from './support';
import { describeCliRun } from './cli-suite';

// n8n 1.x runs on Node 20. Its isolated-vm expression engine needs Node 22 or later, so the
// legacy engine is switched on (n8n@1.123 supports both). E2E_N8N1=skip leaves this suite out.
if (process.env.E2E_N8N1 === 'skip') {
	test.skip(`n8n ${cache.N8N1_VERSION} (E2E_N8N1=skip)`, () => undefined);
} else {
	describeCliRun(`n8n ${cache.N8N1_VERSION} on Node 20`, () => cache.ensureN8n1(), {
		N8N_EXPRESSION_ENGINE: 'legacy',
	});
}
