import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import jose from 'node-jose';
import { attachPayload, NOTIFICATION_JWS_TYP, SIGNATURE_HEADER } from '../../src/notify/index.js';
import { freePort } from './processes.js';

export interface ReceivedNotification {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status the receiver answered. */
  readonly status: number;
}

/**
 * A real rest-hook receiver (node:http on a free port) that records every POST. `answer` sets the
 * status it replies with; `down()` closes the port (connection refused) and `up()` opens it again.
 */
export interface Receiver {
  readonly url: string;
  readonly received: ReceivedNotification[];
  /** Received with a 2xx answer (what the receiver acknowledged). */
  acknowledged(): ReceivedNotification[];
  answer(status: number): void;
  /** Stops answering: requests are read and held open (a hung receiver). */
  hang(): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hook'): Promise<Receiver> {
  const port = await freePort();
  const received: ReceivedNotification[] = [];
  let status = 200;
  let hanging = false;
  let server: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (hanging) {
            received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: 0 });
            return;
          }
          received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
          res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        });
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
      server = s;
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
      server = undefined;
    });
  await listen();
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    acknowledged: () => received.filter((r) => r.status >= 200 && r.status < 300),
    answer: (s) => {
      status = s;
    },
    hang: () => {
      hanging = true;
    },
    down: stop,
    up: listen,
    close: stop,
  };
}

/**
 * Verifies a notification the way a receiver would: the detached JWS in X-Signature, with the
 * body put back, against the gateway's published JWKS. Returns the protected header.
 */
export async function verifyNotification(jwks: { keys: object[] }, notification: ReceivedNotification): Promise<Record<string, unknown>> {
  const detached = notification.headers[SIGNATURE_HEADER.toLowerCase()];
  if (typeof detached !== 'string') throw new Error('no signature header');
  const keystore = await jose.JWK.asKeyStore(jwks);
  const result = await jose.JWS.createVerify(keystore, { algorithms: ['ES384'] }).verify(attachPayload(detached, notification.body));
  if (result.payload.toString('utf8') !== notification.body) throw new Error('signature covers another body');
  if ((result.header as { typ?: string }).typ !== NOTIFICATION_JWS_TYP) throw new Error('wrong typ');
  return result.header as Record<string, unknown>;
}
