// The deployment recipe (deploy/compose.yaml, deploy/nginx.conf), read as Docker and nginx would
// read it: no Docker engine runs here, so the test checks what the recipe says against what
// the service accepts, and the multi-instance tests run its instance.env.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config';
import { recipeEnvironment } from '../helpers/instances';

const DEPLOY = path.join(__dirname, '..', '..', 'deploy');
interface ComposeService {
  env_file?: string;
  environment?: Record<string, string>;
  command?: string[];
  healthcheck?: unknown;
  image?: string;
  ports?: string[];
}
const compose = yaml.load(fs.readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const nginx = fs.readFileSync(path.join(DEPLOY, 'nginx.conf'), 'utf8');
const replicas = Object.entries(compose.services).filter(([name]) => name.startsWith('mpesa-bridge-'));

describe('the Compose recipe', () => {
  it('then it runs PostgreSQL, Redis, three replicas of the service and a balancer in front of all three', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'balancer',
      'mpesa-bridge-1',
      'mpesa-bridge-2',
      'mpesa-bridge-3',
      'postgres',
      'redis',
      'simulator',
    ]);
    for (const [name] of replicas) expect(nginx).toContain(`server ${name}:3000`);
  });

  it('then every replica runs instance.env with the same shared parts, and the service accepts that configuration', () => {
    const environments = replicas.map(([, service]) => service.environment);
    expect(new Set(environments.map((environment) => JSON.stringify(environment))).size).toBe(1);
    for (const [, service] of replicas) expect(service.env_file).toBe('instance.env');
    const env = { ...recipeEnvironment(), ...environments[0] };
    expect(Object.keys(env).filter((name) => !(CONFIG_VARIABLES as string[]).includes(name))).toEqual([]);
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    // Compose fills ${MASTER_KEY:?...} from the operator's shell; here, stand-ins of the right shape.
    const filled = { ...env, MASTER_KEY: 'a'.repeat(64), ADMIN_TOKEN: 'b'.repeat(32) };
    const config = loadConfig(filled);
    expect(config.metrics).toEqual({ port: 9100, host: '0.0.0.0' });
    expect(config.redis.url).toBe('redis://redis:6379');
  });

  it('then, while the replicas run in simulator mode, the balancer is published on this machine only', () => {
    const config = loadConfig({
      ...recipeEnvironment(),
      ...replicas[0]![1].environment,
      MASTER_KEY: 'a'.repeat(64),
      ADMIN_TOKEN: 'b'.repeat(32),
    });
    expect(config.mpesa.environment).toBe('simulator');
    const published = compose.services.balancer!.ports ?? [];
    expect(published.length).toBeGreaterThan(0);
    // host:container with a loopback host; a bare '8080:8080' publishes on every address.
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('then the balancer passes WebSocket upgrades and tries the next replica when one refuses', () => {
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(nginx).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(nginx).toMatch(/proxy_http_version 1\.1;/);
    expect(nginx).toMatch(/proxy_next_upstream error/);
  });

  it('then replicas are checked on /ready by the image, which asks it', () => {
    const dockerfile = fs.readFileSync(path.join(DEPLOY, '..', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/ready/);
    for (const [, service] of replicas) expect(service.healthcheck).toBeUndefined();
  });
});
