import { loadConfig } from '../../src/config';

const production = {
  NODE_ENV: 'production',
  MPESA_ENVIRONMENT: 'production',
  MASTER_KEY: 'a'.repeat(64),
  ADMIN_TOKEN: 'admin-token-long-enough-123',
  MPESA_CONSUMER_KEY: 'key',
  MPESA_CONSUMER_SECRET: 'secret',
  MPESA_SHORTCODE: '600000',
  MPESA_PASSKEY: 'passkey',
  CALLBACK_BASE_URL: 'https://pay.example.co.ke',
};

describe('config', () => {
  it('when nothing is set, then simulator mode starts with SQLite and loopback callbacks', () => {
    const config = loadConfig({});
    expect(config.mpesa.simulated).toBe(true);
    expect(config.databaseUrl).toBe('file:./data/mpesa-bridge.db');
    expect(config.callbacks.allowedIps).toEqual(['127.0.0.1', '::1']);
    expect(Object.isFrozen(config.mpesa)).toBe(true);
  });

  it('when production is fully configured, then Safaricom is the base URL and its addresses the allowlist', () => {
    const config = loadConfig(production);
    expect(config.mpesa.baseUrl).toBe('https://api.safaricom.co.ke');
    expect(config.callbacks.allowedIps).toContain('196.201.212.69');
    expect(config.log.format).toBe('json');
  });

  it.each(['MASTER_KEY', 'ADMIN_TOKEN', 'MPESA_CONSUMER_SECRET', 'MPESA_PASSKEY', 'CALLBACK_BASE_URL'])(
    'when %s is missing outside the simulator, then loading fails naming it',
    (name) => {
      const env: Record<string, string> = { ...production };
      delete env[name];
      expect(() => loadConfig(env)).toThrow(new RegExp(`^${name}: required`));
    },
  );

  it.each([
    ['PORT', 'abc'],
    ['MASTER_KEY', 'short'],
    ['DATABASE_URL', 'mysql://x'],
    ['MPESA_ENVIRONMENT', 'staging'],
  ])('when %s is %p, then loading fails naming the variable', (name, value) => {
    expect(() => loadConfig({ ...production, [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it('when the callback base URL is plain http in production, then loading fails', () => {
    expect(() => loadConfig({ ...production, CALLBACK_BASE_URL: 'http://pay.example.co.ke' })).toThrow(/^CALLBACK_BASE_URL: /);
  });
});
