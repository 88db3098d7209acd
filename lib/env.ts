// Validated configuration: the environment table of DESIGN §3, parsed once with zod.
import { z } from 'zod';

const optionalString = z.string().min(1).optional();
const positiveInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** S2 basin names: 8-48 lowercase letters, digits and hyphens, no leading or trailing hyphen. */
const basinName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{6,46}[a-z0-9]$/,
    '8-48 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
  );

export const envSchema = z.object({
  S2_ACCESS_TOKEN: optionalString,
  S2_BASIN: basinName.default('resumable-chat'),
  S2_ACCOUNT_ENDPOINT: optionalString,
  S2_BASIN_ENDPOINT: optionalString,
  // lib/resumable's `single-use` mode holds one generation per stream, for one stream per reply; the app keeps
  // one stream per chat, so in that mode a chat's second message could never be answered.
  S2_CHAT_MODE: z
    .enum(['single-use', 'shared', 'session'])
    .refine((mode) => mode !== 'single-use', {
      message:
        'single-use streams hold one reply each, and the app keeps one stream per chat: use shared or session',
    })
    .default('session'),
  S2_BATCH_SIZE: positiveInt(1, 1000).default(10),
  S2_LINGER_DURATION_MS: positiveInt(0, 60_000).default(50),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  ANTHROPIC_MODEL: z.string().min(1).default('claude-haiku-4-5-20251001'),
  ANTHROPIC_MAX_TOKENS: positiveInt(1, 128_000).default(1024),
  DATABASE_URL: z
    .string()
    .regex(/^file:.+/, 'a SQLite file URL such as file:.data/app.sqlite')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  RATE_LIMIT_PER_MINUTE: positiveInt(1, 100_000).default(20),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: positiveInt(1, 100_000).default(60),
});

export type Env = Omit<z.infer<typeof envSchema>, 'DATABASE_URL'> & { DATABASE_URL: string };

export class InvalidEnvironmentError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid environment:\n${issues.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/** Parses an environment; empty strings count as unset, the way `.env` files write "no value". */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const present = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = envSchema.safeParse(present);
  if (result.success) {
    // The history database lives with the other local data unless it is named explicitly.
    return {
      ...result.data,
      DATABASE_URL: result.data.DATABASE_URL ?? `file:${result.data.DATA_DIR}/app.sqlite`,
    };
  }
  throw new InvalidEnvironmentError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

let cached: Env | undefined;

type StandInEnv = Partial<Record<'S2_ACCOUNT_ENDPOINT' | 'S2_BASIN_ENDPOINT' | 'ANTHROPIC_BASE_URL', string>>;
const globalForEnv = globalThis as typeof globalThis & { __standInEnv?: StandInEnv };

/**
 * Records where the local stand-ins this process started listen. Kept on globalThis, not only in
 * process.env: `next dev` reloads `.env` files by dropping every variable set at run time, and a
 * re-evaluated module would then point the SDKs at the cloud with no credentials.
 */
export function setStandInEnv(values: StandInEnv): void {
  globalForEnv.__standInEnv = { ...globalForEnv.__standInEnv, ...values };
  Object.assign(process.env, values);
  cached = undefined;
}

/** The stand-ins' endpoints, for the services whose credentials are still unset. */
function standInOverlay(source: Record<string, string | undefined>): StandInEnv {
  const standIns = globalForEnv.__standInEnv ?? {};
  const { ANTHROPIC_BASE_URL, ...s2 } = standIns;
  return {
    ...(source.S2_ACCESS_TOKEN ? {} : s2),
    ...(source.ANTHROPIC_API_KEY || ANTHROPIC_BASE_URL === undefined ? {} : { ANTHROPIC_BASE_URL }),
  };
}

/** An environment with the endpoints of the stand-ins this process started laid over it, validated. */
export function withStandIns(source: Record<string, string | undefined>): Env {
  return parseEnv({ ...source, ...standInOverlay(source) });
}

/** The process environment (with the local stand-ins' endpoints), validated on first use and cached. */
export function env(): Env {
  cached ??= withStandIns(process.env);
  return cached;
}
