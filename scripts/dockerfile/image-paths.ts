// Where an image path lives on this machine. Each stage gets a folder that stands for its
// filesystem root; the directories the Dockerfile itself creates (WORKDIR, COPY destinations,
// VOLUME, absolute ENV values: `/app`, `/data`) are mapped into that folder, in paths, in ENV
// values and in RUN command text. Every other absolute path (`/usr/bin`, `/bin/sh`) belongs to
// the base image, and the machine stands in for it.
import path from 'node:path';
import type { Stage } from './dockerfile.parse';

/** The top-level directories (`/app`) the Dockerfile writes to, over all its stages. */
export function ownedDirectories(stages: readonly Stage[]): string[] {
  const owned = new Set<string>();
  const add = (imagePath: string) => {
    const top = /^\/[^/$]+/.exec(imagePath)?.[0];
    if (top) owned.add(top);
  };
  for (const { instructions } of stages) {
    for (const step of instructions) {
      if (step.kind === 'WORKDIR') add(step.path);
      if (step.kind === 'COPY') add(step.dest);
      if (step.kind === 'VOLUME') step.paths.forEach(add);
      if (step.kind === 'ENV') step.vars.forEach(([, value]) => add(value));
    }
  }
  return [...owned].sort();
}

export interface PathMap {
  root: string;
  /** An absolute image path as a path on this machine. */
  file(imagePath: string): string;
  /** An ENV value: absolute owned paths (also in `a:b` lists) become paths on this machine. */
  value(text: string): string;
  /** A RUN or CMD shell script: owned paths in it become paths on this machine. */
  script(text: string): string;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function pathMap(root: string, owned: readonly string[]): PathMap {
  const isOwned = (imagePath: string) =>
    owned.some((dir) => imagePath === dir || imagePath.startsWith(`${dir}/`));
  const file = (imagePath: string) => path.join(root, imagePath);
  // An owned path where a shell word (or `NAME=`, `a:b`) starts, up to where it ends.
  const inText = owned.length
    ? new RegExp(`(^|[\\s'"=:(,])(${owned.map(escapeRegex).join('|')})(?=[/\\s'";&|),:]|$)`, 'g')
    : undefined;
  return {
    root,
    file,
    value: (text) =>
      text
        .split(':')
        .map((part) => (part.startsWith('/') && isOwned(part) ? file(part) : part))
        .join(':'),
    script: (text) =>
      inText ? text.replace(inText, (_match, before: string, dir: string) => `${before}${root}${dir}`) : text,
  };
}
