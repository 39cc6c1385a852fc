import { serve } from '@hono/node-server';
import type { Socket } from 'node:net';
import { readNodeConfig } from './node-config.js';
import { startNodeGateway } from './node-gateway.js';

/**
 * Node's HTTP parser rejects oversized headers and malformed requests before Hono sees them;
 * without this they would get an empty 400/431. Answer with an OperationOutcome instead.
 */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW' || err.code === 'HPE_URI_TOO_LONG';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: tooLarge ? 'too-costly' : 'structure', details: { text: tooLarge ? 'Request headers or URL too large.' : 'Malformed HTTP request.' } }],
  });
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/fhir+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = readNodeConfig(process.env);
  const gateway = await startNodeGateway(config);
  const server = serve({ fetch: gateway.app.fetch, port: config.port, hostname: config.host }, () => {
    const ms = Math.round(performance.now() - started);
    console.log(`reentry gateway listening on ${config.publicUrl} (FHIR base ${config.publicUrl}/fhir) — ready in ${ms} ms`);
    if (config.demoData) console.log(`demo clients: ${Object.keys(gateway.demoOrganizations).join(', ')} (keys in ${config.keysDir}); try: npm run token -- demo-ehr`);
  });
  server.on('clientError', answerClientError);
  // Subscription notifications: the in-process outbox worker (Workers use a Cron Trigger instead).
  gateway.notifier.start();
  // Care coordination: team Tasks from junctions of vulnerability and aftercare (change-feed reactions).
  const stopCare = gateway.careCoordinator.start();
  const shutdown = (): void => {
    server.close();
    void gateway.notifier.stop();
    void stopCare();
    void gateway.conn.close?.();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error('gateway failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
