import { expect } from 'chai';
import {
  DIAGNOSTICS_CHANNELS,
  rethrowFailure,
  verificationFailed,
  type VerificationFailureMessage,
} from '../lib/diagnostics.js';
import { ConfigurationError, TokenValidationError } from '../lib/errors.js';
import { listen, stopListening } from './helpers/diagnostics.js';
import { thrownBy } from './helpers/secrets.js';

describe('diagnostics', () => {
  afterEach(stopListening);

  it('names every channel under the one prefix authn-client:, and cannot be changed', () => {
    expect(Object.values(DIAGNOSTICS_CHANNELS)).to.deep.equal([
      'authn-client:jwks:fetch',
      'authn-client:jwks:cooldown',
      'authn-client:jwks:stale',
      'authn-client:token:grant',
      'authn-client:verification:failure',
    ]);
    expect(Object.isFrozen(DIAGNOSTICS_CHANNELS)).to.equal(true);
  });

  describe('verificationFailed', () => {
    it('publishes the kind, the code and the claim of a failure, and returns the error', () => {
      const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
      const expired = new TokenValidationError('expired', 'ERR_TOKEN_EXPIRED', 'exp');
      const config = new ConfigurationError('clock must return a finite number of epoch seconds', 'clock');
      expect(verificationFailed('ID token', expired)).to.equal(expired);
      expect(verificationFailed('access token', config)).to.equal(config);
      expect(failures.messages).to.deep.equal([
        { kind: 'ID token', code: 'ERR_TOKEN_EXPIRED', claim: 'exp', error: expired },
        { kind: 'access token', code: 'ERR_CONFIGURATION', error: config },
      ]);
    });

    it("passes on an error that is not the library's (an issuer resolver's) without publishing it", () => {
      const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
      const foreign = new Error('tenant store down');
      expect(verificationFailed('access token', foreign)).to.equal(foreign);
      expect(failures.messages).to.deep.equal([]);
    });

    it('publishes nothing once the last subscriber has gone', () => {
      const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
      failures.stop();
      verificationFailed('token', new TokenValidationError('bad', 'ERR_TOKEN_MALFORMED'));
      expect(failures.messages).to.deep.equal([]);
    });
  });

  it('rethrowFailure publishes the failure of a kind and throws it again', () => {
    const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
    const error = new TokenValidationError('Invalid token signature.', 'ERR_TOKEN_SIGNATURE_INVALID');
    expect(thrownBy(() => rethrowFailure('access token')(error))).to.equal(error);
    expect(failures.messages).to.deep.equal([{ kind: 'access token', code: 'ERR_TOKEN_SIGNATURE_INVALID', error }]);
  });
});
