import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^(file:|libsql:|https?:)/, 'must be a libSQL URL such as file:./data/gateway.db').optional(),
  PUBLIC_URL: z.url().optional(),
  DEMO_DATA: z.enum(['true', 'false']).default('true'),
});

export interface NodeConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly keysDir: string;
  readonly publicUrl: string;
  readonly demoData: boolean;
}

/** Reads configuration from the environment; a bad value stops startup with the variable named. */
export function readNodeConfig(env: Record<string, string | undefined>): NodeConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration ${String(issue.path[0])}: ${issue.message}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: c.DATA_DIR,
    databaseUrl: c.DATABASE_URL ?? `file:${c.DATA_DIR}/gateway.db`,
    keysDir: `${c.DATA_DIR}/keys`,
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    demoData: c.DEMO_DATA === 'true',
  };
}
