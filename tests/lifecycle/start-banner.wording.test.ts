// The start banner's wording for each mode and database (src/start-banner.ts).
import { loadConfig } from '../../src/config';
import { startBanner } from '../../src/start-banner';

const live = {
  MASTER_KEY: 'a'.repeat(64),
  ADMIN_TOKEN: 'adm_0123456789abcdefghijklmn',
  MPESA_CONSUMER_KEY: 'key',
  MPESA_CONSUMER_SECRET: 'secret',
  MPESA_SHORTCODE: '174379',
  MPESA_PASSKEY: 'passkey',
  CALLBACK_BASE_URL: 'https://pay.example.com',
};

describe('when the service starts against Daraja', () => {
  it.each([
    ['sandbox', "sandbox mode (Safaricom's Daraja sandbox)"],
    ['production', 'production mode (live Daraja: real money)'],
  ])(
    'then %s mode is named, with PostgreSQL, and the configured token is not pointed at',
    (environment, label) => {
      const config = loadConfig({
        ...live,
        MPESA_ENVIRONMENT: environment,
        DATABASE_URL: 'postgres://db.example.com/pay',
        HOST: '10.0.0.5',
      });
      const banner = startBanner(config, { port: 8080, mpesaBaseUrl: 'https://api.safaricom.co.ke' });
      expect(banner.text).toContain(`mpesa-bridge is up: ${label}, PostgreSQL\n`);
      expect(banner.text).toContain('API:          http://10.0.0.5:8080\n');
      expect(banner.text).toContain('Admin token:  the ADMIN_TOKEN you configured');
      expect(banner.text).not.toContain(live.ADMIN_TOKEN);
      expect(banner.fields).toEqual({
        url: 'http://10.0.0.5:8080',
        docs: 'http://10.0.0.5:8080/docs',
        dashboard: 'http://10.0.0.5:8080/dashboard/',
        mode: environment,
        database: 'postgresql',
        daraja: 'https://api.safaricom.co.ke',
      });
    },
  );
});

describe('when the data folder is inside the working directory', () => {
  it('then the token file is shown relative to it, ready to paste', () => {
    const config = loadConfig({ DATA_DIR: './data' });
    const banner = startBanner(config, { port: 3000, mpesaBaseUrl: 'http://127.0.0.1:3000/simulator' });
    expect(banner.text).toContain(
      'Admin token:  in data/admin-token (for curl: ADMIN=$(cat data/admin-token))',
    );
    expect(banner.fields.adminCredentialsFile).toBe(`${process.cwd()}/data/admin-token`);
    expect(banner.fields.url).toBe('http://localhost:3000');
  });
});
