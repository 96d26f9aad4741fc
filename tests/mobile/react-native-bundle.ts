// Bundles code the way Metro resolves it for a React Native app (docs/mobile.md says what is
// checked and what is not): the react-native, browser, module, main fields in that order, the
// browser field's file replacements applied, and no Node built-ins available, so an import of
// one (node:crypto, fs, http, …) fails the build instead of being left for a runtime that lacks it.
import { build, type Metafile } from 'esbuild';
import { builtinModules } from 'node:module';

export interface ReactNativeBundle {
  /** The bundled ES module. */
  code: string;
  /** The files it was made of, relative to the working directory. */
  inputs: string[];
}

export async function bundleForReactNative(entry: string): Promise<ReactNativeBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    // 'browser' (not 'neutral'): esbuild applies the browser field's replacements only for it,
    // as Metro does; like 'neutral' it knows no Node built-ins, and nothing is marked external.
    platform: 'browser',
    mainFields: ['react-native', 'browser', 'module', 'main'],
    conditions: ['react-native', 'browser', 'import'],
    target: 'es2020',
    metafile: true,
    logLevel: 'silent',
  });
  return {
    code: result.outputFiles[0]!.text,
    inputs: Object.keys((result.metafile as Metafile).inputs),
  };
}

const NODE_ONLY_PACKAGES = ['ws', 'xmlhttprequest-ssl', 'bufferutil', 'utf-8-validate'];

/** What in a bundle is a Node built-in or a Node-only package: an input, an import left in, a require. */
export function nodeReferences({ code, inputs }: ReactNativeBundle): string[] {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const found = inputs.filter(
    (input) =>
      builtins.has(input) ||
      input.startsWith('node:') ||
      NODE_ONLY_PACKAGES.some((name) => input.includes(`node_modules/${name}/`)),
  );
  // A self-contained ES module bundle imports nothing and requires nothing.
  for (const match of code.matchAll(/\b(?:require\s*\(\s*|import\s*\(\s*|from\s*)["']([^"']+)["']/g))
    found.push(`imports ${match[1]}`);
  for (const match of code.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) found.push(`imports ${match[1]}`);
  return found;
}
