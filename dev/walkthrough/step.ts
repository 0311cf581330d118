// What a step of the walkthrough is, and the state the steps hand on to each other.
import type { AccessTokenVerifier, IdTokenClaims, ProviderMetadata, TokenResponse } from '../../lib/index.js';
import type { DevServer } from '../../lib/dev-server/index.js';

/** What one login left behind for the steps after it. */
export interface LoginState {
  /** The token response of the code exchange. */
  tokens: TokenResponse;
  /** The nonce sent with the authorization request (refreshed ID tokens carry it too). */
  nonce: string;
  /** The `max_age` sent with the authorization request. */
  maxAge: number;
  /** The verified claims of the login's ID token (step "verify ID token"). */
  claims?: IdTokenClaims;
}

/** The state shared by the steps: the provider, and what earlier steps obtained. */
export interface WalkthroughContext {
  /** The embedded OpenID Provider. */
  readonly server: DevServer;
  /** The provider's discovery document (step "discovery"). */
  metadata?: ProviderMetadata;
  /** The API's verifier, built once as an API would (step "verify access token"). */
  accessTokens?: AccessTokenVerifier;
  /** A client-credentials access token for the API (step "client credentials"). */
  m2mToken?: string;
  /** The web app's login (step "login"). */
  login?: LoginState;
  /** Work to do when the walkthrough ends, in reverse order (servers to close…). */
  readonly cleanups: (() => Promise<void>)[];
}

/** One step: a name, and the work, which resolves to one line saying what was checked. */
export interface Step {
  /** Short name, printed in the first column. */
  readonly name: string;
  /** Runs the step; resolves to what was checked, e.g. `access token verified: sub=…, aud=…, scope=…`. */
  run(context: WalkthroughContext): Promise<string>;
}

/** A value an earlier step should have left in the context; throws a readable error when it did not. */
export function needs<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing: an earlier step did not run`);
  return value;
}

/** Throws `message` unless `condition` holds: the checks of the walkthrough. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
