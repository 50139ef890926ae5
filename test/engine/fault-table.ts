/** The fault suites' closing tables, printed as Markdown so they can go into a note or the README as they are. */
export function printFaultTable(title: string, header: string[], rows: string[][]): void {
	const lines = [header, header.map(() => '---'), ...rows].map(
		(cells) => `| ${cells.join(' | ')} |`,
	);
	process.stdout.write(`\n${title}\n${lines.join('\n')}\n\n`);
}
