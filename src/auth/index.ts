export { createAuthService } from './auth-service.js';
export type { AuthService, AuthServiceOptions } from './auth-service.js';
export { createAuthRoutes } from './routes.js';
export { requireAuth } from './require-auth.js';
export { assertScope, canPerform, parseScopes } from './scopes.js';
export { KNOWN_PURPOSES } from './purpose-of-use.js';
export type { GrantedScope, Interaction, Requester, Sector } from './requester.js';
