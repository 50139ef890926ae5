/**
 * Starts the AI/ML API simulator from the command line.
 *
 *   node .build/test/simulator/cli.js [--port N] [--cdn-port N] [--generation-ms N] [--api-key KEY]
 *                                     [--progress clock|manual|polls:N] [--faults '<json>']
 *
 * `--faults` takes a SimulatorFaults object as JSON, e.g. '{"getFailShare":0.2,"cdnGzip":true}'.
 * Prints one JSON line `{"baseUrl":...,"cdnUrl":...,"apiKey":...}` once both listeners are up, then runs
 * until SIGINT or SIGTERM.
 */
import {
	DEFAULT_API_KEY,
	startSimulator,
	type SimulatorFaults,
	type SimulatorOptions,
	type SimulatorProgress,
} from './index';

const USAGE =
	"usage: cli [--port N] [--cdn-port N] [--generation-ms N] [--api-key KEY] [--progress clock|manual|polls:N] [--faults '<json>']  (also --name=value)";

/** Every fault knob, so that a misspelt one in --faults is refused instead of silently ignored. */
const FAULT_KEYS: Record<keyof SimulatorFaults, true> = {
	getFailShare: true,
	getFailStatuses: true,
	getResetShare: true,
	getDelayMs: true,
	getMalformedShare: true,
	getEmptyShare: true,
	getHangShare: true,
	postFailShare: true,
	postFailStatus: true,
	postDropAfterAcceptShare: true,
	postHangAfterAcceptShare: true,
	postFailAfterAcceptShare: true,
	postFailAfterAcceptStatus: true,
	postAnswer: true,
	postUsage: true,
	postRedirect: true,
	notFoundPollsAfterAccept: true,
	echoRequestInErrors: true,
	keyInIds: true,
	keyInVideoUrls: true,
	cdnStatus: true,
	cdnCloseMidway: true,
	cdnDrip: true,
	cdnBody: true,
	cdnGzip: true,
	pollOtherIdShare: true,
	postDelayMs: true,
	postReportedCost: true,
	pollReportedCredits: true,
};

function parseProgress(value: string): SimulatorProgress {
	if (value === 'clock' || value === 'manual') return value;
	const polls = /^polls:(\d+)$/.exec(value);
	if (polls && Number(polls[1]) >= 1) return { polls: Number(polls[1]) };
	throw new Error(`--progress needs clock, manual or polls:N (N >= 1), got ${value}`);
}

function parseFaults(value: string): SimulatorFaults {
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		throw new Error(`--faults needs a JSON object, got ${value}`);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new Error(`--faults needs a JSON object, got ${value}`);
	}
	const unknown = Object.keys(parsed).filter((key) => !(key in FAULT_KEYS));
	if (unknown.length > 0) throw new Error(`--faults: unknown knob ${unknown.join(', ')}`);
	return parsed as SimulatorFaults;
}

export function parseArgs(argv: string[]): SimulatorOptions {
	const options: SimulatorOptions = {};
	const integer = (name: string, value: string): number => {
		const parsed = Number(value);
		if (!Number.isInteger(parsed) || parsed < 0)
			throw new Error(`${name} needs a non-negative integer`);
		return parsed;
	};
	for (let i = 0; i < argv.length; i += 1) {
		const arg = argv[i];
		const eq = arg.indexOf('=');
		const name = eq === -1 ? arg : arg.slice(0, eq);
		const value = () => {
			if (eq !== -1) return arg.slice(eq + 1);
			i += 1;
			if (i >= argv.length) throw new Error(`${name} needs a value`);
			return argv[i];
		};
		switch (name) {
			case '--port':
				options.port = integer(name, value());
				break;
			case '--cdn-port':
				options.cdnPort = integer(name, value());
				break;
			case '--generation-ms':
				options.generationMs = integer(name, value());
				break;
			case '--api-key':
				options.apiKey = value();
				break;
			case '--progress':
				options.progress = parseProgress(value());
				break;
			case '--faults':
				options.faults = parseFaults(value());
				break;
			case '--help':
			case '-h':
				process.stdout.write(`${USAGE}\n`);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown argument ${arg}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	let options: SimulatorOptions;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
		process.exit(2);
	}
	let simulator;
	try {
		simulator = await startSimulator(options);
	} catch (error) {
		// A knob out of range (e.g. a bad cdnDrip) is a usage error, not a crash.
		if (!(error instanceof RangeError)) throw error;
		process.stderr.write(`${error.message}\n${USAGE}\n`);
		process.exit(2);
	}
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		simulator.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	process.stdout.write(
		`${JSON.stringify({
			baseUrl: simulator.baseUrl,
			cdnUrl: simulator.cdnUrl,
			apiKey: options.apiKey ?? DEFAULT_API_KEY,
		})}\n`,
	);
}

// Only when run as a program: the tests import parseArgs.
if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}
