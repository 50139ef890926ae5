// Prints the wall time of the whole end-to-end run (jest globalSetup + globalTeardown share this module's process).
module.exports = {
	setup: async () => {
		globalThis.__aimlapiVeoE2eStart = Date.now();
	},
	teardown: async () => {
		const seconds = (Date.now() - globalThis.__aimlapiVeoE2eStart) / 1000;
		process.stdout.write(`\ne2e wall time: ${seconds.toFixed(1)} s\n`);
	},
};
