import http from 'node:http';
import https from 'node:https';
import { networkFailure, statusFailure, type NotificationPoster } from './post-notification.js';

/**
 * The Node poster: node:http(s) with keep-alive agents. On this machine it POSTs about five times
 * as many small requests per second as Node 20's fetch (undici), which is what lets the outbox
 * reach its ≥ 500/s budget. Node only (src/node-gateway.ts); Workers use fetchPoster.
 */
export function createNodeHttpPoster(maxSockets = 64): NotificationPoster {
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets }), 'https:': new https.Agent({ keepAlive: true, maxSockets }) };
  return (request, timeoutMs) =>
    new Promise((resolve) => {
      const url = new URL(request.url);
      const client = url.protocol === 'https:' ? https : http;
      const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
      const headers = { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) };
      // A plain timer, not AbortSignal.timeout(): that costs ≈0.1 ms per request here.
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
      const settle = (failure: string | undefined): void => {
        clearTimeout(timer);
        resolve(failure);
      };
      const req = client.request(url, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => settle(statusFailure(res.statusCode ?? 0)));
        res.on('error', (err) => settle(networkFailure(err, timeoutMs)));
      });
      req.on('error', (err) => settle(networkFailure(err, timeoutMs)));
      req.end(request.body);
    });
}
