// Launches headless Chromium for the browser specs through puppeteer-core (which never downloads a browser: it
// drives the one installed, Debian's `chromium` package here and in CI). Where no Chromium can be had the specs
// are skipped with the reason printed — unless AUTHN_REQUIRE_BROWSER is set (as .ci/run does), which makes a
// missing browser a failure.
import { execFileSync } from 'node:child_process';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** The Chromium binary: `CHROMIUM_PATH`, else the first of the usual names on the PATH; `undefined` when none. */
export function chromiumBinary(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of CANDIDATES) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found !== '') return found;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Launches headless Chromium, or skips the calling block (fails under AUTHN_REQUIRE_BROWSER) when there is none. */
export async function launchBrowserOrSkip(context: Mocha.Context, what: string): Promise<Browser> {
  const executablePath = chromiumBinary();
  if (executablePath === undefined) {
    if (process.env.AUTHN_REQUIRE_BROWSER) throw new Error('AUTHN_REQUIRE_BROWSER is set but there is no Chromium');
    console.warn(`    SKIPPED: ${what} need Chromium (apt-get install chromium; CI installs it).`);
    context.skip();
  }
  return puppeteer.launch({
    executablePath,
    headless: true,
    // Root (as in CI containers) cannot use Chromium's sandbox; /dev/shm is small in containers.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'],
  });
}
