/**
 * Registers the clients a deployment is configured with (Workers: the `GATEWAY_CLIENTS` var, a
 * JSON array of public registrations). Runtime-agnostic: no filesystem, no key generation — the
 * operator generates key pairs elsewhere and configures only the PUBLIC JWKS here.
 */
import { CLIENT_ID_SYSTEM, SECTOR_DEFAULT_SCOPES } from '../auth/client-defaults.js';
import { z } from 'zod';
import { clientRegistrationSchema } from '../auth/client-registry.js';
import type { AuthService } from '../auth/index.js';
import type { FhirRepository } from '../fhir/repository.js';


const configuredClientSchema = z.strictObject({
  clientId: clientRegistrationSchema.shape.clientId,
  sector: clientRegistrationSchema.shape.sector,
  name: z.string().min(1),
  jwks: clientRegistrationSchema.shape.jwks,
  scopes: clientRegistrationSchema.shape.scopes.optional(),
});

const configuredClientsSchema = z.array(configuredClientSchema).superRefine((clients, ctx) => {
  const seen = new Set<string>();
  clients.forEach((client, index) => {
    if (seen.has(client.clientId)) ctx.addIssue({ code: 'custom', path: [index, 'clientId'], message: `duplicate client id \`${client.clientId}\`` });
    seen.add(client.clientId);
  });
});

/** One configured client, as written in `GATEWAY_CLIENTS`. */
export type ConfiguredClient = z.input<typeof configuredClientSchema>;

/** Parses a configuration value: a JSON string or an already-parsed array. Throws a plain Error naming the problem. */
export function parseConfiguredClients(registrations: unknown): z.infer<typeof configuredClientsSchema> {
  let value = registrations;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (error) {
      throw new Error(`GATEWAY_CLIENTS is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = configuredClientsSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
    throw new Error(`GATEWAY_CLIENTS is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * Validates the configured clients, makes sure each one's Organization exists (conditional create
 * on `urn:gateway:client-id|<clientId>`) and registers the client with that organization.
 * Idempotent: a second call finds the same Organizations and re-registers the same records.
 * Returns clientId → Organization id. Misconfiguration throws (a startup bug, not an outcome).
 */
export async function registerConfiguredClients(
  gateway: { readonly repo: FhirRepository; readonly auth: AuthService },
  registrations: unknown,
  // Accepted for symmetry with seedDemoData(repo, base); conditional creates need no base URL.
  _base?: string,
): Promise<Record<string, string>> {
  const clients = parseConfiguredClients(registrations);
  const organizations: Record<string, string> = {};
  for (const client of clients) {
    const organization = {
      resourceType: 'Organization',
      name: client.name,
      identifier: [{ system: CLIENT_ID_SYSTEM, value: client.clientId }],
      active: true,
    };
    const { stored } = await gateway.repo.create('Organization', organization, `identifier=${CLIENT_ID_SYSTEM}|${client.clientId}`);
    const organizationId = stored.id;
    try {
      await gateway.auth.registerClient({
        clientId: client.clientId,
        organizationId,
        sector: client.sector,
        name: client.name,
        jwks: client.jwks,
        scopes: client.scopes ?? SECTOR_DEFAULT_SCOPES[client.sector],
      });
    } catch (error) {
      const detail = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message;
      throw new Error(`GATEWAY_CLIENTS: client ${client.clientId} was refused: ${detail}`);
    }
    organizations[client.clientId] = organizationId;
  }
  return organizations;
}
