/**
 * The cookies a headless flow keeps for the authorization server, as a browser would for one site: its session
 * and interaction cookies. Every flow of {@link headlessLogin} uses a new jar unless one is given; give the same
 * jar to a login and to the logout that follows, so that the logout ends the session the login opened (and the
 * provider sends its back-channel logout tokens).
 *
 * @example
 * const cookies = new HeadlessCookieJar();
 * const { code } = await headlessLogin(authorizeUrl, { cookies });
 * // … exchange the code, then end the provider's session:
 * await headlessLogout(logoutUrl, { cookies });
 */
export class HeadlessCookieJar {
  readonly #cookies = new Map<string, string>();

  /** Keeps the cookies of a response's `Set-Cookie` lines, dropping those they expire. */
  store(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', value = ''] = attribute.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
        return false;
      });
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(equals + 1).trim());
    }
  }

  /** The `Cookie` header of the next request: every cookie kept (empty when there is none). */
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
