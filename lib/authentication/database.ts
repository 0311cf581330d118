import { AuthenticationBase, type RequestOptions } from './base.js';
import { optionalString, paramsOf, requireString } from './params.js';
import type { SignupResponse } from './types.js';

/** Parameters of {@link Database.signup}. */
export interface SignupParams {
  /** The new user's email. */
  email: string;
  /** The new user's password (checked against the connection's password policy). */
  password: string;
  /** The database connection, e.g. `Username-Password-Authentication`. */
  connection: string;
  /** A username, when the connection requires one. */
  username?: string;
  /** Public metadata stored on the user (`user_metadata`). */
  userMetadata?: Record<string, unknown>;
  /** The user's given name. */
  givenName?: string;
  /** The user's family name. */
  familyName?: string;
  /** The user's full name. */
  name?: string;
  /** The user's nickname. */
  nickname?: string;
  /** URL of the user's picture. */
  picture?: string;
}

/** Parameters of {@link Database.changePassword}. */
export interface ChangePasswordParams {
  /** The user's email. */
  email: string;
  /** The database connection of the user. */
  connection: string;
  /** The organization (id) whose branding the email uses. */
  organization?: string;
}

/**
 * Database connections: sign up a user, send a change-password email (`/dbconnections/*`, JSON, no client
 * authentication — only `client_id`).
 *
 * @throws {ConfigurationError} for invalid options or a missing required parameter, before any request.
 * @throws {Auth0Error} when the server refuses (e.g. `invalid_signup`, `invalid_password` with the policy in `content`).
 * @example
 * const database = new Database({ domain: 'tenant.us.auth0.com', clientId });
 * await database.signup({ email: 'ada@example.com', password, connection: 'Username-Password-Authentication' });
 */
export class Database extends AuthenticationBase {
  /**
   * Creates a user in a database connection. Absent optional fields are not sent.
   *
   * @example
   * const user = await database.signup({
   *   email: 'ada@example.com',
   *   password,
   *   connection: 'Username-Password-Authentication',
   *   userMetadata: { plan: 'free' },
   * });
   */
  async signup(params: SignupParams, options?: RequestOptions): Promise<SignupResponse> {
    const p = paramsOf(params, 'signup');
    return this.post<SignupResponse>(
      '/dbconnections/signup',
      {
        client_id: this.clientId,
        email: requireString(p.email, 'email'),
        password: requireString(p.password, 'password'),
        connection: requireString(p.connection, 'connection'),
        username: optionalString(p.username, 'username'),
        user_metadata: p.userMetadata,
        given_name: optionalString(p.givenName, 'givenName'),
        family_name: optionalString(p.familyName, 'familyName'),
        name: optionalString(p.name, 'name'),
        nickname: optionalString(p.nickname, 'nickname'),
        picture: optionalString(p.picture, 'picture'),
      },
      options,
    );
  }

  /**
   * Asks Auth0 to email the user a change-password link. Resolves when the email is queued (the server answers
   * with a sentence, which is dropped). It never sets a password directly: the original's `password` argument
   * was silently ignored, so it does not exist here.
   *
   * @example
   * await database.changePassword({ email: 'ada@example.com', connection: 'Username-Password-Authentication' });
   */
  async changePassword(params: ChangePasswordParams, options?: RequestOptions): Promise<void> {
    const p = paramsOf(params, 'changePassword');
    await this.post<unknown>(
      '/dbconnections/change_password',
      {
        client_id: this.clientId,
        email: requireString(p.email, 'email'),
        connection: requireString(p.connection, 'connection'),
        organization: optionalString(p.organization, 'organization'),
      },
      options,
    );
  }
}
