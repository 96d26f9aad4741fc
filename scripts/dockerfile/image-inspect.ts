// What the final stage ships in node_modules: every installed package, checked against the
// lock file (a package npm marks `dev` or `devOptional` is in the tree only for development),
// plus a list of names that must never ship, and the total size on disk.
import fs from 'node:fs';
import path from 'node:path';

export interface NodeModulesReport {
  packages: number;
  bytes: number;
  /** Installed packages the lock file marks as development-only, and forbidden names found. */
  devOnly: string[];
  forbidden: string[];
  /** Symlinks whose target is not in the image (a workspace link whose folder was not copied). */
  danglingLinks: string[];
}

type LockPackages = Record<string, { dev?: boolean; devOptional?: boolean }>;

/** `node_modules/a`, `node_modules/@s/b`, `node_modules/a/node_modules/c`: the lock file's own keys. */
function installedPackages(appDir: string): { key: string; name: string; link: boolean }[] {
  const found: { key: string; name: string; link: boolean }[] = [];
  const visit = (modulesKey: string) => {
    const dir = path.join(appDir, modulesKey);
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const names = entry.name.startsWith('@')
        ? fs.readdirSync(path.join(dir, entry.name)).map((child) => `${entry.name}/${child}`)
        : [entry.name];
      for (const name of names) {
        const key = `${modulesKey}/${name}`;
        const link = fs.lstatSync(path.join(appDir, key)).isSymbolicLink();
        found.push({ key, name, link });
        if (!link) visit(`${key}/node_modules`);
      }
    }
  };
  visit('node_modules');
  return found;
}

function sizeOf(target: string): number {
  const stat = fs.lstatSync(target);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((sum, entry) => sum + sizeOf(path.join(target, entry)), 0);
}

export function inspectNodeModules(
  appDir: string,
  lockFile: string | undefined,
  forbiddenNames: readonly string[],
): NodeModulesReport {
  const lock: LockPackages =
    lockFile && fs.existsSync(lockFile)
      ? ((JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { packages?: LockPackages }).packages ?? {})
      : {};
  const installed = installedPackages(appDir);
  return {
    packages: installed.length,
    bytes: fs.existsSync(path.join(appDir, 'node_modules')) ? sizeOf(path.join(appDir, 'node_modules')) : 0,
    devOnly: installed.filter(({ key }) => lock[key]?.dev || lock[key]?.devOptional).map(({ key }) => key),
    forbidden: installed.filter(({ name }) => forbiddenNames.includes(name)).map(({ key }) => key),
    danglingLinks: installed
      .filter(({ key, link }) => link && !fs.existsSync(path.join(appDir, key)))
      .map(({ key }) => key),
  };
}

export const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
