// Unit tests for parsing the environment: defaults, empty values, coercion and the stand-ins' endpoints.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidEnvironmentError, parseEnv, setStandInEnv, withStandIns } from './env';

describe('parseEnv', () => {
  it('fills every default when nothing is set', () => {
    expect(parseEnv({})).toEqual({
      S2_BASIN: 'resumable-chat',
      S2_CHAT_MODE: 'session',
      S2_BATCH_SIZE: 10,
      S2_LINGER_DURATION_MS: 50,
      ANTHROPIC_MODEL: 'claude-haiku-4-5-20251001',
      ANTHROPIC_MAX_TOKENS: 1024,
      DATABASE_URL: 'file:.data/app.sqlite',
      DATA_DIR: '.data',
      RATE_LIMIT_PER_MINUTE: 20,
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 60,
    });
  });

  it('keeps the history database in DATA_DIR unless DATABASE_URL names one', () => {
    expect(parseEnv({ DATA_DIR: '/tmp/rc' }).DATABASE_URL).toBe('file:/tmp/rc/app.sqlite');
    expect(parseEnv({ DATA_DIR: '/tmp/rc', DATABASE_URL: 'file:/db/x.sqlite' }).DATABASE_URL).toBe(
      'file:/db/x.sqlite',
    );
  });

  it('treats empty strings as unset, as .env files write them', () => {
    const parsed = parseEnv({ S2_ACCESS_TOKEN: '', ANTHROPIC_API_KEY: '', S2_BATCH_SIZE: '' });
    expect(parsed.S2_ACCESS_TOKEN).toBeUndefined();
    expect(parsed.ANTHROPIC_API_KEY).toBeUndefined();
    expect(parsed.S2_BATCH_SIZE).toBe(10);
  });

  it('coerces numbers and keeps credentials', () => {
    const parsed = parseEnv({ S2_BATCH_SIZE: '100', S2_LINGER_DURATION_MS: '0', S2_ACCESS_TOKEN: 'tok' });
    expect(parsed).toMatchObject({ S2_BATCH_SIZE: 100, S2_LINGER_DURATION_MS: 0, S2_ACCESS_TOKEN: 'tok' });
  });

  it('refuses single-use mode, which cannot answer a chat twice on its one stream, and says what to use', () => {
    expect(() => parseEnv({ S2_CHAT_MODE: 'single-use' })).toThrow(/S2_CHAT_MODE: .*use shared or session/);
    expect(parseEnv({ S2_CHAT_MODE: 'shared' }).S2_CHAT_MODE).toBe('shared');
  });

  it.each([
    ['S2_CHAT_MODE', 'sticky'],
    ['S2_BATCH_SIZE', '0'],
    ['S2_BATCH_SIZE', '1001'],
    ['S2_BATCH_SIZE', 'ten'],
    ['S2_LINGER_DURATION_MS', '-1'],
    ['S2_BASIN', 'Bad_Basin'],
    ['ANTHROPIC_BASE_URL', 'not a url'],
    ['ANTHROPIC_MAX_TOKENS', '1.5'],
    ['DATABASE_URL', 'postgres://db'],
    ['SESSION_SECRET', 'short'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['RATE_LIMIT_PER_ADDRESS_PER_MINUTE', '0'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(InvalidEnvironmentError);
    expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });
});

describe('withStandIns', () => {
  const endpoints = {
    S2_ACCOUNT_ENDPOINT: 'http://127.0.0.1:4001',
    S2_BASIN_ENDPOINT: 'http://127.0.0.1:4001',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:4002',
  };
  afterEach(() => {
    delete (globalThis as { __standInEnv?: unknown }).__standInEnv;
    vi.unstubAllEnvs();
  });

  it("keeps the stand-ins' endpoints after `next dev` reloaded .env files and dropped them from process.env", () => {
    for (const name of Object.keys(endpoints)) vi.stubEnv(name, '');
    setStandInEnv(endpoints);
    expect(process.env.ANTHROPIC_BASE_URL).toBe(endpoints.ANTHROPIC_BASE_URL);
    // What a reload leaves: none of the variables set at run time.
    expect(withStandIns({})).toMatchObject(endpoints);
  });

  it('lays an endpoint over only while its credential is unset: a real key goes to the real service', () => {
    for (const name of Object.keys(endpoints)) vi.stubEnv(name, '');
    setStandInEnv(endpoints);
    const real = withStandIns({ S2_ACCESS_TOKEN: 's2-token', ANTHROPIC_API_KEY: 'sk-ant-key' });
    expect(real.S2_ACCOUNT_ENDPOINT).toBeUndefined();
    expect(real.S2_BASIN_ENDPOINT).toBeUndefined();
    expect(real.ANTHROPIC_BASE_URL).toBeUndefined();
  });
});
