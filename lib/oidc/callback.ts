import { LoginError, type LoginErrorCode, type LoginErrorDetails } from '../errors.js';
import {
  type AuthorizationResponse,
  type AuthorizationResponseInput,
  parseAuthorizationResponse,
} from './authorization-response.js';
import type { OidcResponseType } from './oidc-client-options.js';
import {
  transactionName,
  type TransactionPayload,
  type TransactionSealer,
  type TransactionValues,
} from './transaction.js';

/** A callback whose response and transaction passed every check that needs no request. @internal */
export interface AcceptedCallback {
  /** The name of the transaction (its cookie). */
  readonly name: string;
  /** What the transaction remembered. */
  readonly payload: TransactionPayload;
  /** When the transaction expires, epoch seconds. */
  readonly expiresAt: number;
  /** The authorization response. */
  readonly response: AuthorizationResponse;
}

/** What {@link acceptCallback} checks a callback against. @internal */
export interface CallbackContext {
  readonly sealer: TransactionSealer;
  readonly clientId: string;
  /** The issuer, for messages. */
  readonly issuer: string;
  /** Whether an `iss` parameter names the issuer (or one of the issuer template). */
  readonly issuerMatches: (iss: string) => boolean;
  /** The provider advertises `authorization_response_iss_parameter_supported` (RFC 9207 §3). */
  readonly issRequired: boolean;
  /** Epoch seconds. */
  readonly now: number;
}

const TRANSACTION_MESSAGES: Partial<Record<LoginErrorCode, string>> = {
  ERR_LOGIN_TRANSACTION_MISSING:
    'no login transaction came with the callback: the browser did not send its cookie (another browser, ' +
    'cookies blocked, or a SameSite policy that withholds it from this request)',
  ERR_LOGIN_STATE_MISMATCH:
    'no login transaction the browser sent is for the state of the response: it answers a login started elsewhere',
  ERR_LOGIN_TRANSACTION_INVALID:
    'the login transaction could not be opened: it was tampered with, sealed with a secret no longer ' +
    'configured, or started for another client',
  ERR_LOGIN_TRANSACTION_EXPIRED: 'the login transaction expired before the callback came (transactionMaxAge)',
};

/** The parameters each response type must carry, and those it must not. */
const SHAPES: Readonly<Record<OidcResponseType, { needs: readonly string[]; refuses: readonly string[] }>> = {
  code: { needs: ['code'], refuses: ['id_token', 'access_token'] },
  id_token: { needs: ['id_token'], refuses: ['code', 'access_token'] },
  'id_token token': { needs: ['id_token', 'access_token'], refuses: ['code'] },
  'code id_token': { needs: ['code', 'id_token'], refuses: ['access_token'] },
};

/** The provider's `error` and `error_description`, when the response has them. */
function providerWords(response: AuthorizationResponse): LoginErrorDetails {
  return {
    ...(response.error !== undefined && { error: response.error }),
    ...(response.errorDescription !== undefined && { errorDescription: response.errorDescription }),
  };
}

function transactionValues(values: unknown): readonly unknown[] | ReadonlyMap<string, unknown> {
  if (typeof values === 'string') return [values];
  return Array.isArray(values) || values instanceof Map ? values : [];
}

/**
 * Checks a callback before anything is sent to the provider, in this order: a `state`, no repeated parameter;
 * the transaction for that state (present, intact, unexpired, of this client); the `iss` parameter (RFC 9207:
 * equal to the issuer, and present when the provider promises it, unless an ID token in the response names its
 * issuer); the provider's `error`; the parameters the response type needs, and no token in a query string.
 *
 * @throws {LoginError} for the first check that fails; `transaction` names the transaction whenever the response
 *   has a state.
 * @throws {ConfigurationError} for a callback URL that is not absolute (a bug of the caller, not of the browser).
 * @internal
 */
export function acceptCallback(
  input: AuthorizationResponseInput,
  values: TransactionValues,
  context: CallbackContext,
): AcceptedCallback {
  const response = parseAuthorizationResponse(input);
  const { state } = response;
  if (state === undefined || state === '') {
    throw new LoginError(
      'the authorization response carries no state, so it answers no login started here',
      'ERR_LOGIN_STATE_MISSING',
      providerWords(response),
    );
  }
  const name = transactionName(state);
  const fail = (message: string, code: LoginErrorCode, details: LoginErrorDetails = {}): never => {
    throw new LoginError(message, code, { transaction: name, ...details });
  };
  if (response.repeated.length > 0) {
    fail(
      `the authorization response repeats ${response.repeated.join(', ')} (RFC 6749 §3.1)`,
      'ERR_LOGIN_RESPONSE_INVALID',
    );
  }
  const found = context.sealer.find(state, transactionValues(values), context.clientId, context.now);
  if (!found.ok) fail(TRANSACTION_MESSAGES[found.code] as string, found.code, providerWords(response));
  const { payload, expiresAt } = found as Extract<typeof found, { ok: true }>;

  const { iss, params } = response;
  if (iss !== undefined && !context.issuerMatches(iss)) {
    fail(
      `the authorization response comes from another issuer (RFC 9207: a mix-up); expected ${JSON.stringify(context.issuer)}, found ${JSON.stringify(iss.slice(0, 200))}`,
      'ERR_LOGIN_ISS_MISMATCH',
    );
  }
  if (iss === undefined && context.issRequired && params.id_token === undefined) {
    fail(
      'the authorization response carries no iss parameter, though the provider advertises authorization_response_iss_parameter_supported (RFC 9207)',
      'ERR_LOGIN_ISS_MISSING',
    );
  }
  if (response.error !== undefined) {
    const described =
      response.errorDescription === undefined ? '' : ` (${JSON.stringify(response.errorDescription.slice(0, 300))})`;
    fail(
      `the provider refused the login: ${JSON.stringify(response.error.slice(0, 100))}${described}`,
      'ERR_LOGIN_PROVIDER_ERROR',
      providerWords(response),
    );
  }
  const shape = SHAPES[payload.responseType];
  const missing = shape.needs.filter((param) => params[param] === undefined || params[param] === '');
  const unexpected = shape.refuses.filter((param) => params[param] !== undefined);
  if (missing.length > 0 || unexpected.length > 0) {
    fail(
      `the authorization response does not fit the ${payload.responseType} response type: ` +
        [...missing.map((param) => `${param} missing`), ...unexpected.map((param) => `${param} unexpected`)].join(', '),
      'ERR_LOGIN_RESPONSE_INVALID',
    );
  }
  if (response.from === 'query' && (params.id_token !== undefined || params.access_token !== undefined)) {
    fail(
      'the authorization response carries tokens in the query string, where they leak',
      'ERR_LOGIN_RESPONSE_INVALID',
    );
  }
  return { name, payload, expiresAt, response };
}
