// Root hooks for every spec: no request leaves the machine, and no nock interceptor leaks into the next test.
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

export const mochaHooks = {
  afterEach(): void {
    nock.cleanAll();
  },
};
