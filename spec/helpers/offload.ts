// The offload modes of the verifiers (where signatures are checked): the suites whose verdicts must not depend
// on the mode register their tests once per mode through describeEachOffload().
import { OFFLOAD_MODES, type OffloadMode } from '../../lib/token-verifier/offload.js';

/** Registers the tests of `body` once per offload mode, each time in a `describe` named after the mode. */
export function describeEachOffload(title: string, body: (this: Mocha.Suite, offload: OffloadMode) => void): void {
  for (const offload of OFFLOAD_MODES) {
    describe(`${title} (offload: ${offload})`, function () {
      body.call(this, offload);
    });
  }
}
