// The production recipe (deploy/production/): the example environment file is one the service
// accepts, names only variables it reads and sets every one production requires; nginx, systemd
// and Compose agree with it (address, port, TRUST_PROXY, data folder, stop timeout); the backup
// scripts make a copy that really holds the service's data. nginx itself is not installed here,
// so its file is checked for what the service needs rather than by `nginx -t`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import dotenv from 'dotenv';
import yaml from 'js-yaml';
import axios from 'axios';
import { CONFIG_VARIABLES, ConfigError, loadConfig, productionCallbackUrlProblems } from '../../src/config';
import { adminHeaders } from '../helpers/http-edges';
import { usingPostgres } from '../helpers/database';
import { startTestServer } from '../helpers/server';

const PRODUCTION = path.join(__dirname, '..', '..', 'deploy', 'production');
const read = (name: string) => fs.readFileSync(path.join(PRODUCTION, name), 'utf8');
const envText = read('production.env.example');
const env = dotenv.parse(envText);
const nginx = read('nginx-site.conf');
const unit = read('mpesa-bridge.service');
const compose = yaml.load(read('compose.yaml')) as {
  services: Record<
    string,
    {
      env_file?: string;
      environment?: Record<string, string>;
      network_mode?: string;
      volumes?: string[];
      ports?: string[];
    }
  >;
};
const packageJson = JSON.parse(fs.readFileSync(path.join(PRODUCTION, '..', '..', 'package.json'), 'utf8'));

/** The example with its placeholders replaced by stand-ins of the right shape (as an operator would). */
const filled = () => ({ ...env, MASTER_KEY: 'a'.repeat(64), ADMIN_TOKEN: 'b'.repeat(32) });

/** Every variable a production start refuses to go without, as the service itself lists them. */
function requiredInProduction(): string[] {
  try {
    loadConfig({ NODE_ENV: 'production', MPESA_ENVIRONMENT: 'production' });
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems
        .filter((problem) => / required when /.test(problem))
        .map((problem) => problem.split(':')[0]!);
  }
  throw new Error('a production start without variables was accepted');
}

/** "key value;" directives of the nginx file (comments dropped), by name. */
const directives = (name: string) =>
  nginx
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.startsWith(`${name} `) && line.endsWith(';'))
    .map((line) => line.slice(name.length + 1, -1).trim());

/** The [Service] key of the systemd unit. */
const unitValue = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];

describe('the production environment file (deploy/production/production.env.example)', () => {
  it('then every variable it sets or shows is one the service reads', () => {
    const shown = [...envText.matchAll(/^# ?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!);
    expect(
      [...Object.keys(env), ...shown].filter((name) => !(CONFIG_VARIABLES as string[]).includes(name)),
    ).toEqual([]);
  });

  it('then it sets every variable a production start requires', () => {
    const required = requiredInProduction();
    expect(required).toEqual(expect.arrayContaining(['MASTER_KEY', 'ADMIN_TOKEN', 'CALLBACK_BASE_URL']));
    expect(required.filter((name) => env[name] === undefined || env[name] === '')).toEqual([]);
  });

  it('then every setting is explained by a comment above its group', () => {
    const lines = envText.split('\n');
    const unexplained = lines.flatMap((line, index) => {
      if (!/^[A-Z][A-Z0-9_]+=/.test(line)) return [];
      let above = index - 1;
      while (above >= 0 && /^[A-Z][A-Z0-9_]+=/.test(lines[above]!)) above -= 1;
      return above >= 0 && lines[above]!.startsWith('#') ? [] : [line];
    });
    expect(unexplained).toEqual([]);
  });

  it('then, its secrets filled in, the service accepts it: production, behind a loopback proxy, its callback URL one Safaricom takes', () => {
    const config = loadConfig(filled());
    expect(config.mpesa.environment).toBe('production');
    expect(config.host).toBe('127.0.0.1');
    expect(config.trustProxy).toEqual(['loopback']);
    expect(config.callbacks.urlCheck).toBe('enforce');
    expect(config.simulator.enabled).toBe(false);
    expect(productionCallbackUrlProblems(config.callbacks.baseUrl)).toEqual([]);
  });
});

describe('the nginx site (deploy/production/nginx-site.conf)', () => {
  const domain = new URL(env.CALLBACK_BASE_URL!).hostname;

  it('then its braces balance and every directive line ends with a semicolon', () => {
    const code = nginx.replace(/#.*/g, '');
    expect(code.split('{').length).toBe(code.split('}').length);
    const open = code
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !/[;{}]$/.test(line) && !/^'.*'\s+\S+;?$/.test(line));
    expect(open).toEqual([]);
  });

  it('then it serves the callback domain over TLS with certificates by path (certbot stated) and sends http to https', () => {
    expect(directives('listen')).toEqual(expect.arrayContaining(['80', '443 ssl']));
    expect(directives('server_name')).toEqual([domain, domain]);
    expect(directives('ssl_certificate')).toEqual([`/etc/letsencrypt/live/${domain}/fullchain.pem`]);
    expect(directives('ssl_certificate_key')).toEqual([`/etc/letsencrypt/live/${domain}/privkey.pem`]);
    expect(nginx).toMatch(/certbot certonly --webroot -w \/var\/www\/certbot -d /);
    expect(nginx).toMatch(/location \/\.well-known\/acme-challenge\/ \{\s*root \/var\/www\/certbot;/);
    expect(directives('return')).toEqual(['301 https://$host$request_uri']);
  });

  it('then it passes WebSocket upgrades and overwrites X-Forwarded-For, for a service listening where the env file says', () => {
    expect(nginx).toMatch(
      /location \/socket\.io\/ \{[^}]*proxy_set_header Upgrade \$http_upgrade;[^}]*proxy_set_header Connection \$connection_upgrade;/,
    );
    expect(directives('proxy_http_version')).toEqual(['1.1']);
    expect(directives('proxy_set_header')).toContain('X-Forwarded-For $remote_addr');
    expect(directives('proxy_set_header')).toContain('X-Forwarded-Proto $scheme');
    expect(directives('server')).toEqual([`${env.HOST}:${env.PORT}`]);
    // TRUST_PROXY=loopback believes exactly this proxy: nginx reaches the service over loopback.
    expect(env.HOST).toBe('127.0.0.1');
    expect(env.TRUST_PROXY).toBe('loopback');
  });
});

describe('the systemd unit (deploy/production/mpesa-bridge.service)', () => {
  it('then it runs what `npm run start:prod` runs, from the build, with the env file the recipe names', () => {
    const startProd: string = packageJson.scripts['start:prod'];
    expect(startProd).toMatch(/^node .*dist\/main\.js$/);
    expect(unitValue('ExecStart')).toBe(`/usr/bin/${startProd}`);
    expect(unit).toMatch(/npm run build/);
    expect(unitValue('EnvironmentFile')).toBe('/etc/mpesa-bridge/production.env');
    expect(envText).toMatch(/\/etc\/mpesa-bridge\/production\.env/);
  });

  it('then it restarts on failure, waits longer than the service drains, and writes only DATA_DIR', () => {
    expect(unitValue('Restart')).toBe('on-failure');
    expect(Number(unitValue('TimeoutStopSec'))).toBeGreaterThan(Number(env.SHUTDOWN_TIMEOUT_MS) / 1000);
    expect(unitValue('KillSignal')).toBe('SIGTERM');
    expect(`/var/lib/${unitValue('StateDirectory')}`).toBe(env.DATA_DIR);
    expect(unitValue('ProtectSystem')).toBe('strict');
    expect(unitValue('User')).toBe('mpesa-bridge');
  });
});

describe('the production Compose file (deploy/production/compose.yaml)', () => {
  const { services } = compose;

  it('then it runs PostgreSQL, the service with the env file, and nginx in the service’s network namespace with the same site and certificates', () => {
    expect(Object.keys(services).sort()).toEqual(['mpesa-bridge', 'nginx', 'postgres']);
    expect(services['mpesa-bridge']!.env_file).toBe('production.env');
    expect(services['mpesa-bridge']!.ports).toEqual(['80:80', '443:443']);
    expect(services.nginx!.network_mode).toBe('service:mpesa-bridge');
    expect(services.nginx!.volumes).toEqual(
      expect.arrayContaining([
        './nginx-site.conf:/etc/nginx/conf.d/default.conf:ro',
        '/etc/letsencrypt:/etc/letsencrypt:ro',
      ]),
    );
  });

  it('then the service accepts the env file with Compose’s own variables on top', () => {
    const overrides = services['mpesa-bridge']!.environment!;
    expect(Object.keys(overrides).filter((name) => !(CONFIG_VARIABLES as string[]).includes(name))).toEqual(
      [],
    );
    const withCompose = {
      ...filled(),
      ...Object.fromEntries(
        Object.entries(overrides).map(([name, value]) => [name, value.replace('${POSTGRES_PASSWORD}', 'pw')]),
      ),
    };
    const config = loadConfig(withCompose);
    expect(config.databaseUrl).toBe('postgres://mpesa_bridge:pw@postgres:5432/mpesa_bridge');
    expect(config.trustProxy).toEqual(['loopback']);
  });
});

describe('when the backup script of the engine in use runs against the service’s database', () => {
  const backupDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-backup-'));

  it('then the copy it writes holds the project the service stored', async () => {
    const server = await startTestServer();
    let databaseUrl: string;
    try {
      const created = await axios.post(
        `${server.url}/api/v1/projects`,
        { name: 'Backed-up shop' },
        { headers: adminHeaders(server) },
      );
      expect(created.status).toBe(201);
      databaseUrl = server.config.databaseUrl;
    } finally {
      await server.close();
    }
    const dir = backupDir();
    if (usingPostgres()) {
      const url = new URL(databaseUrl);
      const schema = url.searchParams.get('schema')!;
      url.searchParams.delete('schema');
      const dump = execFileSync(path.join(PRODUCTION, 'backup-postgres.sh'), [dir, `--schema=${schema}`], {
        env: { ...process.env, DATABASE_URL: url.toString() },
        encoding: 'utf8',
      }).trim();
      expect(path.dirname(dump)).toBe(dir);
      const data = execFileSync('pg_restore', ['--data-only', '--table=Project', '--file=-', dump], {
        encoding: 'utf8',
      });
      expect(data).toContain('Backed-up shop');
    } else {
      const file = databaseUrl.replace(/^file:/, '');
      const copy = execFileSync(path.join(PRODUCTION, 'backup-sqlite.sh'), [file, dir], {
        encoding: 'utf8',
      }).trim();
      expect(copy).toMatch(/mpesa-bridge-\d{8}T\d{6}Z\.db\.gz$/);
      execFileSync('gunzip', [copy]);
      const restored = new Database(copy.replace(/\.gz$/, ''), { readonly: true });
      try {
        const names = restored.prepare('SELECT name FROM Project').all() as { name: string }[];
        expect(names.map((row) => row.name)).toContain('Backed-up shop');
      } finally {
        restored.close();
      }
    }
  });
});
