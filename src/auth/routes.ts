import { Hono } from 'hono';
import type { AuthService } from './auth-service.js';
import { createJwksHandler, smartConfigurationHandler } from './smart-configuration.js';
import { createTokenEndpoint } from './token-endpoint.js';

/**
 * The unauthenticated SMART routes as a sub-app, mounted at the root by app.ts
 * (`app.route('/', createAuthRoutes(auth))`): the SMART configuration (also under `/fhir/`),
 * the gateway JWKS and `POST /auth/token`. It sets no onError (STYLE: one, on the root app);
 * the token endpoint answers its own errors the OAuth way.
 */
export function createAuthRoutes(auth: AuthService): Hono {
  const routes = new Hono();
  routes.get('/.well-known/smart-configuration', smartConfigurationHandler);
  routes.get('/fhir/.well-known/smart-configuration', smartConfigurationHandler);
  routes.get('/.well-known/jwks.json', createJwksHandler(auth));
  routes.post('/auth/token', createTokenEndpoint(auth));
  return routes;
}
