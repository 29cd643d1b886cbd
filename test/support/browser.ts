import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { packageRoot } from '../../src/paths';

/** The system Chromium, found (or installed) by the same script `npm test` runs first. */
export function chromiumPath(): string {
  const script = join(packageRoot(), 'scripts', 'ensure-chromium.sh');
  return execFileSync('bash', [script, '--path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Headless, and quiet: without these flags Chromium keeps calling home, which a closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
