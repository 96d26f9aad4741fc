// A RUN that installs OS packages changes the base image, and this machine stands in for the
// base image: running `apt-get install` and `rm -rf /var/lib/apt/lists/*` here would change the
// machine itself (and other people's work on it). So such a step is checked, not run: every
// package it installs must already be on this machine, or the run fails naming them.
import { spawnSync } from 'node:child_process';

const PACKAGE_MANAGER = /^\s*(apt-get|apt)\s/;
/** Commands an OS package step may hold besides the package manager: cleaning its caches. */
const CLEANUP = /^\s*rm\s+-rf?\s+\/var\/lib\/apt\/lists\/\S*\s*$|^\s*(apt-get|apt)\s+clean\s*$/;

const commandsOf = (script: string) =>
  script
    .split(/&&|;|\|\|/)
    .map((part) => part.trim())
    .filter(Boolean);

export function isOsPackageStep(script: string): boolean {
  return PACKAGE_MANAGER.test(commandsOf(script)[0] ?? '');
}

/** The packages an `apt-get install` names (options left out). */
export function installedPackages(script: string): string[] {
  return commandsOf(script).flatMap((part) => {
    const words = part.split(/\s+/);
    const at = words.indexOf('install');
    return PACKAGE_MANAGER.test(part) && at >= 0
      ? words.slice(at + 1).filter((word) => !word.startsWith('-'))
      : [];
  });
}

/** The packages the step installs that this machine lacks; throws on a step that does more than manage packages. */
export function checkOsPackages(script: string): string[] {
  const other = commandsOf(script).filter((part) => !PACKAGE_MANAGER.test(part) && !CLEANUP.test(part));
  if (other.length) {
    throw new Error(
      `an OS package RUN also runs "${other[0]}": keep package installation in a RUN of its own, so it can be checked without changing this machine`,
    );
  }
  return installedPackages(script).filter(
    (name) =>
      spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout.trim() !==
      'install ok installed',
  );
}
