import { createServer, Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { loadHubConfig } from 'src/config/hub-config';
import { createS3Client, S3BlobStorage } from 'src/storage/s3-blob-storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A minimal CONNECT proxy that records which hosts it tunnelled to. */
function startConnectProxy(): Promise<{ server: Server; url: string; tunnels: string[]; sockets: Set<Socket> }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_request, response) => {
    response.writeHead(405).end();
  });
  server.on('connect', (request, clientSocket: Socket, head: Buffer) => {
    tunnels.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    for (const socket of [clientSocket, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${address.port}`, tunnels, sockets });
    });
  });
}

describe('S3 through the standard proxy variables', () => {
  it('should tunnel every S3 call through HTTP_PROXY and bypass it for NO_PROXY hosts', async () => {
    const endpoint = process.env.TEST_S3_ENDPOINT as string;
    const proxy = await startConnectProxy();
    const dataDir = mkdtempSync(join(tmpdir(), 'kohaku-proxy-'));
    try {
      const env = {
        KOHAKU_HUB_DATA_DIR: dataDir,
        KOHAKU_HUB_STORAGE: 's3',
        KOHAKU_HUB_S3_ENDPOINT: endpoint,
        KOHAKU_HUB_S3_ACCESS_KEY: 'S3RVER',
        KOHAKU_HUB_S3_SECRET_KEY: 'S3RVER',
        KOHAKU_HUB_S3_BUCKET: `kh-proxy-${process.env.TEST_RUN_ID ?? 'x'}`.toLowerCase(),
        HTTP_PROXY: proxy.url,
      };
      const config = loadHubConfig(env).storage.s3;
      expect(config.proxyUrl).toBe(proxy.url);
      const storage = new S3BlobStorage(createS3Client(config), createS3Client(config), config.bucket);
      await storage.ensureReady();
      await storage.put('proxied/object', Readable.from([Buffer.from('through the proxy')]), { size: 17 });
      const read = await storage.get('proxied/object');
      const chunks: Buffer[] = [];
      for await (const chunk of read.body) {
        chunks.push(chunk as Buffer);
      }
      expect(Buffer.concat(chunks).toString()).toBe('through the proxy');
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(endpoint).host]));

      const bypassed = loadHubConfig({ ...env, NO_PROXY: 'localhost,127.0.0.1' }).storage.s3;
      expect(bypassed.proxyUrl).toBeUndefined();
    } finally {
      for (const socket of proxy.sockets) {
        socket.destroy();
      }
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });
});
