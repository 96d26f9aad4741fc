import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config';

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
    expect(config.mpesa.baseUrls.production).toBe('https://api.safaricom.co.ke');
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
    expect(() => loadConfig({ ...production, CALLBACK_BASE_URL: 'http://pay.example.co.ke' })).toThrow(
      /^CALLBACK_BASE_URL: /,
    );
  });
});

describe('config: every problem at once', () => {
  it('when several variables are missing, bad and inconsistent, then one ConfigError lists each, one line naming its variable', () => {
    const env: Record<string, string> = {
      ...production,
      PORT: 'abc',
      MASTER_KEY: 'short',
      RECONCILE_AFTER: '20m',
      RECONCILE_EXPIRE_AFTER: '10m',
    };
    delete env.ADMIN_TOKEN;
    delete env.MPESA_PASSKEY;
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((line) => line.split(':')[0]).sort()).toEqual([
      'ADMIN_TOKEN',
      'MASTER_KEY',
      'MPESA_PASSKEY',
      'PORT',
      'RECONCILE_EXPIRE_AFTER',
    ]);
    expect(message.split('\n')).toEqual(problems);
  });

  it('when a variable is bad, then a cross-variable check that would read its default is not reported on top', () => {
    expect(() => loadConfig({ ...production, RECONCILE_AFTER: 'soon' })).toThrow(/^RECONCILE_AFTER: [^\n]*$/);
  });
});

describe('config: TRUST_PROXY', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['1', 1],
    ['10.0.0.1, 10.0.0.0/8,loopback', ['10.0.0.1', '10.0.0.0/8', 'loopback']],
  ] as const)('when TRUST_PROXY is %p, then Express is given %p and accepts it', (value, expected) => {
    const { trustProxy } = loadConfig({ TRUST_PROXY: value });
    expect(trustProxy).toEqual(expected);
    expect(() => express().set('trust proxy', trustProxy)).not.toThrow();
  });

  it.each(['yes', '10.0.0.1,proxy.example.com', '300.1.1.1'])(
    'when TRUST_PROXY is %p, then loading fails naming TRUST_PROXY and the bad part',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(
        /^TRUST_PROXY: must be true, false, a hop count/,
      );
    },
  );
});

describe('config: private webhook URLs', () => {
  it.each([
    ['simulator mode', {}, true],
    ['production Daraja with NODE_ENV=development', { ...production, NODE_ENV: 'development' }, false],
    [
      'the sandbox with NODE_ENV=development',
      { ...production, MPESA_ENVIRONMENT: 'sandbox', NODE_ENV: 'development' },
      false,
    ],
  ] as const)('when running in %s, then private webhook URLs allowed is %p', (_label, env, allowed) => {
    expect(loadConfig(env).webhooks.allowPrivateUrls).toBe(allowed);
  });
});

describe('config: documentation', () => {
  const table = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
  const example = fs.readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
  it.each(CONFIG_VARIABLES)(
    'when %s is a variable, then the configuration table (docs/configuration.md) and .env.example name it',
    (name) => {
      expect(table).toMatch(new RegExp(`^\\|[^\\n]*\`${name}\``, 'm'));
      expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    },
  );
});
