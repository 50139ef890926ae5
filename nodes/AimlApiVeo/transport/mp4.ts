/**
 * Is this an MP4, and is it whole? Read as it streams past: an MP4 is a chain of top-level boxes
 * (4-byte size, 4-byte type), starting with `ftyp`, holding `moov` (the index) and `mdat` (the
 * media). The chain must end exactly where the bytes end. This looks at the content, so an HTML
 * error page served as `video/mp4`, or a transfer cut short, is caught whatever headers and
 * transfer encoding the host used.
 */

export type Mp4Verdict = { ok: true } | { ok: false; reason: string; incomplete: boolean };

const PREVIEW_BYTES = 48;

function isBoxType(bytes: Buffer): boolean {
	return bytes.length === 4 && [...bytes].every((byte) => byte >= 0x20 && byte <= 0x7e);
}

/** What the start of a file shows, for a message: printable text, or that it is binary. */
function describeStart(preview: Buffer): string {
	if (preview.length === 0) return 'it is empty';
	const text = preview.toString('latin1');
	const printable = text.replace(/[^\x20-\x7e]/g, '');
	if (printable.length >= text.length * 0.9)
		return `it starts with "${printable.trim().slice(0, 40)}"`;
	return 'its first bytes are not an MP4 header';
}

export class Mp4Check {
	/** Bytes seen so far. */
	bytes = 0;
	private nextBox = 0;
	private header: number[] = [];
	private toEnd = false;
	private readonly types = new Set<string>();
	private problem?: string;
	private preview = Buffer.alloc(0);

	/** Feeds the next chunk; returns a reason as soon as the bytes cannot be an MP4. */
	push(chunk: Buffer): string | undefined {
		if (this.preview.length < PREVIEW_BYTES) {
			this.preview = Buffer.concat([
				this.preview,
				chunk.subarray(0, PREVIEW_BYTES - this.preview.length),
			]);
		}
		const start = this.bytes;
		this.bytes += chunk.length;
		while (!this.problem && !this.toEnd && this.nextBox + this.header.length < this.bytes) {
			const at = this.nextBox + this.header.length - start;
			this.header.push(chunk[at]);
			this.readHeader();
		}
		return this.problem;
	}

	finish(): Mp4Verdict {
		if (this.problem) return { ok: false, reason: this.problem, incomplete: false };
		if (this.types.size === 0)
			return {
				ok: false,
				reason: `it is not an MP4 (${describeStart(this.preview)})`,
				incomplete: this.bytes > 0,
			};
		if (!this.toEnd && this.bytes !== this.nextBox) {
			return {
				ok: false,
				reason: `the MP4 is incomplete: it ends after ${this.bytes} bytes, inside a box that needs ${this.nextBox}`,
				incomplete: true,
			};
		}
		const missing = ['moov', 'mdat'].filter((type) => !this.types.has(type));
		if (missing.length > 0)
			return {
				ok: false,
				reason: `the MP4 is incomplete: it has no ${missing.join(' or ')} box`,
				incomplete: true,
			};
		return { ok: true };
	}

	/** Parses the box header gathered so far, once it is long enough. */
	private readHeader(): void {
		const header = Buffer.from(this.header);
		if (header.length < 8) return;
		const size32 = header.readUInt32BE(0);
		if (size32 === 1 && header.length < 16) return;
		const type = header.subarray(4, 8);
		const first = this.types.size === 0;
		if (!isBoxType(type) || (first && type.toString('latin1') !== 'ftyp')) {
			this.problem = `it is not an MP4 (${describeStart(this.preview)})`;
			return;
		}
		this.types.add(type.toString('latin1'));
		this.header = [];
		if (size32 === 0) {
			// "The box extends to the end of the file": nothing after it to check.
			this.toEnd = true;
			return;
		}
		const size = size32 === 1 ? Number(header.readBigUInt64BE(8)) : size32;
		if (size < (size32 === 1 ? 16 : 8) || !Number.isSafeInteger(size)) {
			this.problem = `it is not an MP4 (a box of ${size} bytes at byte ${this.nextBox})`;
			return;
		}
		this.nextBox += size;
	}
}
