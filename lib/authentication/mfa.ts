import { ConfigurationError } from '../errors.js';
import { AuthenticationBase, type RequestOptions } from './base.js';
import { optionalString, paramsOf, requireString } from './params.js';
import type { MfaAssociateResponse, MfaAuthenticator, MfaChallengeResponse } from './types.js';

/** Parameters of {@link Mfa.challenge}. */
export interface MfaChallengeParams {
  /** The `mfa_token` of the `mfa_required` error. */
  mfaToken: string;
  /** The challenge types the client supports, space-separated: `otp`, `oob` or `otp oob`. */
  challengeType?: string;
  /** The authenticator to challenge (from {@link Mfa.listAuthenticators}); the default one when absent. */
  authenticatorId?: string;
}

/** Parameters of {@link Mfa.associate}. */
export interface MfaAssociateParams {
  /** The `mfa_token` of the `mfa_required` error. */
  mfaToken: string;
  /** What to enrol: `['otp']` or `['oob']`. */
  authenticatorTypes: readonly string[];
  /** For `oob`: `['sms']`, `['voice']`, `['auth0']` (push) or `['email']`. */
  oobChannels?: readonly string[];
  /** For the `sms` and `voice` channels, in E.164 form. */
  phoneNumber?: string;
  /** For the `email` channel. */
  email?: string;
}

/** Parameters of {@link Mfa.listAuthenticators}. */
export interface MfaListAuthenticatorsParams {
  /** An access token for the MFA API (audience `https://{domain}/mfa/`, scope `read:authenticators`), or an `mfa_token`. */
  accessToken: string;
}

/** Parameters of {@link Mfa.deleteAuthenticator}. */
export interface MfaDeleteAuthenticatorParams {
  /** An access token for the MFA API with scope `remove:authenticators`. */
  accessToken: string;
  /** The authenticator's id, e.g. `totp|dev_abc`. */
  authenticatorId: string;
}

/**
 * The MFA API: challenge an enrolled authenticator, enrol a new one, list and delete them. The answers go to
 * `GetToken.mfaOtp`, `.mfaOob` and `.mfaRecoveryCode`. Bearer tokens (`mfa_token`, MFA API access tokens) are sent
 * only in the `Authorization` header and never end up in an error.
 *
 * @throws {ConfigurationError} for invalid options or a missing parameter, before any request.
 * @throws {Auth0Error} when the server refuses (e.g. `expired_token` for a stale `mfa_token`).
 * @example
 * const mfa = new Mfa({ domain: 'tenant.auth0.com', clientId, clientSecret });
 * const challenge = await mfa.challenge({ mfaToken: err.mfaToken, challengeType: 'oob' });
 */
export class Mfa extends AuthenticationBase {
  /**
   * `POST /mfa/challenge` (JSON, with the configured client authentication): asks the server to challenge the
   * user's authenticator (an SMS is sent, a push notification shown…).
   *
   * @example
   * const { challenge_type, oob_code } = await mfa.challenge({ mfaToken, challengeType: 'otp oob' });
   */
  async challenge(params: MfaChallengeParams, options?: RequestOptions): Promise<MfaChallengeResponse> {
    const p = paramsOf(params, 'challenge');
    return this.authenticatedPost<MfaChallengeResponse>(
      '/mfa/challenge',
      {
        mfa_token: requireString(p.mfaToken, 'mfaToken'),
        challenge_type: optionalString(p.challengeType, 'challengeType'),
        authenticator_id: optionalString(p.authenticatorId, 'authenticatorId'),
      },
      options,
    );
  }

  /**
   * `POST /mfa/associate` (JSON, `Authorization: Bearer <mfa_token>`): starts enrolling a new authenticator.
   *
   * @example
   * const { barcode_uri, recovery_codes } = await mfa.associate({ mfaToken, authenticatorTypes: ['otp'] });
   */
  async associate(params: MfaAssociateParams, options?: RequestOptions): Promise<MfaAssociateResponse> {
    const p = paramsOf(params, 'associate');
    const mfaToken = requireString(p.mfaToken, 'mfaToken');
    return this.post<MfaAssociateResponse>(
      '/mfa/associate',
      {
        client_id: this.clientId,
        authenticator_types: stringList(p.authenticatorTypes, 'authenticatorTypes'),
        oob_channels: p.oobChannels === undefined ? undefined : stringList(p.oobChannels, 'oobChannels'),
        phone_number: optionalString(p.phoneNumber, 'phoneNumber'),
        email: optionalString(p.email, 'email'),
      },
      { signal: options?.signal, headers: bearer(mfaToken) },
    );
  }

  /**
   * `GET /mfa/authenticators`: the user's enrolled authenticators.
   *
   * @example
   * const authenticators = await mfa.listAuthenticators({ accessToken });
   */
  async listAuthenticators(params: MfaListAuthenticatorsParams, options?: RequestOptions): Promise<MfaAuthenticator[]> {
    const p = paramsOf(params, 'listAuthenticators');
    return this.get<MfaAuthenticator[]>('/mfa/authenticators', {
      signal: options?.signal,
      headers: bearer(requireString(p.accessToken, 'accessToken')),
    });
  }

  /**
   * `DELETE /mfa/authenticators/{id}`: removes an authenticator. Resolves when the server accepted it.
   *
   * @example
   * await mfa.deleteAuthenticator({ accessToken, authenticatorId: 'totp|dev_abc' });
   */
  async deleteAuthenticator(params: MfaDeleteAuthenticatorParams, options?: RequestOptions): Promise<void> {
    const p = paramsOf(params, 'deleteAuthenticator');
    const id = requireString(p.authenticatorId, 'authenticatorId');
    await this.delete<unknown>(`/mfa/authenticators/${encodeURIComponent(id)}`, {
      signal: options?.signal,
      headers: bearer(requireString(p.accessToken, 'accessToken')),
    });
  }
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigurationError(`${name} must be a non-empty array of strings`, name);
  }
  return value.map((item: unknown, index) => requireString(item, `${name}[${index}]`));
}
