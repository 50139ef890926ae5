/**
 * A web server on 127.0.0.1 holding a user's pictures, for the examples whose HTTP Request nodes
 * fetch images: serves each PNG at its path, 404 for anything else.
 */
import { createServer } from 'http';
import type { AddressInfo } from 'net';

export interface ImageServer {
	url(route: string): string;
	close(): void;
}

export async function serveImages(files: Record<string, Buffer>): Promise<ImageServer> {
	const server = createServer((req, res) => {
		const body = files[req.url ?? ''];
		if (!body) {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { url: (route) => `http://127.0.0.1:${port}${route}`, close: () => server.close() };
}
