// The README code blocks both snippet scripts work on: which Markdown files count as READMEs, how a ```ts block is
// found (with its info string and line), and which package's context a README's examples are written in.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The root README, every package's README, and the pages under docs/. */
export function readmeFiles() {
  return [
    join(root, 'README.md'),
    ...readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name, 'README.md')),
    ...(existsSync(join(root, 'docs'))
      ? readdirSync(join(root, 'docs'))
          .filter((f) => f.endsWith('.md'))
          .map((f) => join(root, 'docs', f))
      : []),
  ].filter((file) => existsSync(file));
}

/**
 * Every ```ts block of a README, indented ones (inside a list item) included: `words` is its info string after `ts`
 * (markers such as `run`), `line` where it opens, `code` its text without the fence's indentation.
 */
export function tsBlocks(readme) {
  const text = readFileSync(readme, 'utf8');
  const pattern = /^([ \t]*)```ts([^\n]*)\n([\s\S]*?)^\1```$/gm;
  const blocks = [];
  let match;
  while ((match = pattern.exec(text)) !== null) {
    const [, indent, info, body] = match;
    const words = info.trim() === '' ? [] : info.trim().split(/\s+/);
    const code = body.replace(new RegExp(`^${indent}`, 'gm'), '');
    blocks.push({ line: text.slice(0, match.index).split('\n').length, words, code });
  }
  return blocks;
}

/** The README's path from the repository root: what failures name. */
export function readmeName(readme) {
  return relative(root, readme);
}

/** A directory name for a README's extracted blocks. */
export function readmeSlug(readme) {
  return readmeName(readme).replace(/[\\/]/g, '_').replace(/\.md$/, '');
}

/**
 * Whose names a README's examples use without defining them: its package's (`app` is that adapter's app, `issuer` in
 * the testing README a TestIssuer). The root README's examples build the Express app of its quick start, and the
 * gateway README's show the Express service behind the gateway.
 */
export function contextOf(readme) {
  const pkg = readmeName(readme).match(/^packages\/([^/]+)\//)?.[1];
  if (pkg === 'gateway' || readmeName(readme) === 'README.md') return 'express';
  return pkg;
}
