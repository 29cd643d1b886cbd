#!/usr/bin/env node
// `npm start` / `npm run sandbox` run this first: it compiles (`npm run build`) only when a source
// is newer than the last complete build, so a second start takes seconds instead of a full tsc run.
// Plain JavaScript on purpose: loading tsx or tsc just to compare dates would cost what it saves.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** Written by `postbuild` after a build that succeeded; a failed build leaves the old (older) one. */
const STAMP = path.join(root, 'dist', '.build-stamp');
/** What the build reads besides the sources. */
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  // A deleted or renamed file changes its folder's mtime.
  return Math.max(latest, fs.statSync(dir).mtimeMs);
}

function stampTime() {
  try {
    return fs.statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

const sources = Math.max(newest(path.join(root, 'src')), ...INPUTS.map((f) => fs.statSync(path.join(root, f)).mtimeMs));
if (stampTime() >= sources) {
  console.log('dist/ is up to date with src/: not compiling (npm run build forces it)');
} else {
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
