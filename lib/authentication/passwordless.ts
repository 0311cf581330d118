import { ConfigurationError } from '../errors.js';
import { AuthenticationBase, type RequestOptions } from './base.js';
import { paramsOf, requireString } from './params.js';
import type { PasswordlessStartResponse } from './types.js';

/** Parameters of {@link Passwordless.email}. */
export interface PasswordlessEmailParams {
  /** Where to send the link or code. */
  email: string;
  /** `link` (a magic link) or `code` (a one-time code for `GetToken.passwordlessLogin`). @defaultValue 'link' */
  send?: 'link' | 'code';
  /** Parameters of the `/authorize` request the magic link makes (`scope`, `state`, `redirect_uri`…). */
  authParams?: Record<string, unknown>;
}

/** Parameters of {@link Passwordless.sms}. */
export interface PasswordlessSmsParams {
  /** The phone number, in E.164 form (`+14155550100`). */
  phoneNumber: string;
}

/**
 * Starts a passwordless login (`POST /passwordless/start`, JSON, with the configured client authentication):
 * Auth0 sends a magic link or a one-time code by email, or a code by SMS. Exchange the code with
 * `GetToken.passwordlessLogin`.
 *
 * @throws {ConfigurationError} for invalid options or a missing parameter, before any request.
 * @throws {Auth0Error} when the server refuses (e.g. `bad.connection` when the connection is disabled).
 * @example
 * const passwordless = new Passwordless({ domain: 'tenant.auth0.com', clientId, clientSecret });
 * await passwordless.email({ email: 'ada@example.com', send: 'code' });
 */
export class Passwordless extends AuthenticationBase {
  /**
   * Sends a magic link or a one-time code to an email address (connection `email`).
   *
   * @example
   * await passwordless.email({ email: 'ada@example.com', send: 'link', authParams: { scope: 'openid', state } });
   */
  async email(params: PasswordlessEmailParams, options?: RequestOptions): Promise<PasswordlessStartResponse> {
    const p = paramsOf(params, 'email');
    const send = p.send ?? 'link';
    if (send !== 'link' && send !== 'code') {
      throw new ConfigurationError('send must be "link" or "code"', 'send');
    }
    return this.authenticatedPost<PasswordlessStartResponse>(
      '/passwordless/start',
      { connection: 'email', email: requireString(p.email, 'email'), send, authParams: p.authParams },
      options,
    );
  }

  /**
   * Sends a one-time code by SMS (connection `sms`).
   *
   * @example
   * await passwordless.sms({ phoneNumber: '+14155550100' });
   */
  async sms(params: PasswordlessSmsParams, options?: RequestOptions): Promise<PasswordlessStartResponse> {
    const p = paramsOf(params, 'sms');
    return this.authenticatedPost<PasswordlessStartResponse>(
      '/passwordless/start',
      { connection: 'sms', phone_number: requireString(p.phoneNumber, 'phoneNumber') },
      options,
    );
  }
}
