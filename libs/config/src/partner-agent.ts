import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * PARTNER_AGENT's default: the project's name and version from its package.json (`journey-store-0.1.0`),
 * found by walking up from this file, so it holds for the sources (tests) and the build (dist/) alike.
 */
export function defaultPartnerAgent(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (typeof name === 'string' && typeof version === 'string') return `${name}-${version}`;
      } catch {
        // an unreadable package.json: keep walking up
      }
    }
    if (dirname(dir) === dir) return 'journey-store';
  }
}
