import { cache } from './support';
import { describeCliRun } from './cli-suite';

describeCliRun(`n8n ${cache.N8N2_VERSION} on Node 24`, () => cache.ensureN8n2());
