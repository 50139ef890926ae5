/**
 * Starts the AI/ML API simulator from the command line.
 *
 *   node .build/test/simulator/cli.js [--port N] [--cdn-port N] [--generation-ms N] [--api-key KEY]
 *
 * Prints one JSON line `{"baseUrl":...,"cdnUrl":...,"apiKey":...}` once both listeners are up, then runs
 * until SIGINT or SIGTERM.
 */
import { DEFAULT_API_KEY, startSimulator, type SimulatorOptions } from './index';

const USAGE =
	'usage: cli [--port N] [--cdn-port N] [--generation-ms N] [--api-key KEY]  (also --name=value)';

function parseArgs(argv: string[]): SimulatorOptions {
	const options: SimulatorOptions = {};
	const integer = (name: string, value: string): number => {
		const parsed = Number(value);
		if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} needs a non-negative integer`);
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
	const simulator = await startSimulator(options);
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

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
