import { expect } from 'chai';
import { watchLauncher } from '../../lib/dev-server/launcher-watch.js';
import { until } from '../helpers/wait.js';

describe('watchLauncher', () => {
  const npm = { npm_lifecycle_event: 'npx' };

  /** A process tree the test changes: this process's parent, and the parent of each process. */
  function tree() {
    const state = { own: 100, parents: new Map<number, number | undefined>([[100, 50]]) };
    return {
      state,
      ownParent: () => state.own,
      parentOf: (pid: number) => state.parents.get(pid),
    };
  }

  it('reports when its own parent changes (npm ended the shell that ran this process)', async () => {
    const { state, ownParent, parentOf } = tree();
    let gone = 0;
    watchLauncher({ env: npm, onGone: () => gone++, interval: 5, ownParent, parentOf });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(gone).to.equal(0);
    state.own = 1;
    await until(() => gone > 0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(gone).to.equal(1);
  });

  it("reports when its parent's parent changes (npm was killed, leaving the shell behind)", async () => {
    const { state, ownParent, parentOf } = tree();
    let gone = 0;
    watchLauncher({ env: npm, onGone: () => gone++, interval: 5, ownParent, parentOf });
    state.parents.set(100, 1);
    await until(() => gone === 1);
  });

  it('watches nothing when npm did not start the process', async () => {
    const { state, ownParent, parentOf } = tree();
    let gone = 0;
    watchLauncher({ env: {}, onGone: () => gone++, interval: 5, ownParent, parentOf });
    state.own = 1;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(gone).to.equal(0);
  });

  it('stops watching when asked', async () => {
    const { state, ownParent, parentOf } = tree();
    let gone = 0;
    const stop = watchLauncher({ env: npm, onGone: () => gone++, interval: 5, ownParent, parentOf });
    stop();
    state.own = 1;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(gone).to.equal(0);
  });

  it("reads the real process tree: this process's parent is still there", async () => {
    let gone = 0;
    const stop = watchLauncher({ env: npm, onGone: () => gone++, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    stop();
    expect(gone).to.equal(0);
  });

  it("watches its own parent alone where its parent's parent cannot be read (no /proc entry)", async () => {
    let parent = 2 ** 30; // no such process
    let gone = 0;
    watchLauncher({ env: npm, onGone: () => gone++, interval: 5, ownParent: () => parent });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(gone).to.equal(0);
    parent = 1;
    await until(() => gone === 1);
  });
});
