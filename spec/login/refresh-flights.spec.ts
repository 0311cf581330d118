import { expect } from 'chai';
import { RefreshFlights } from '../../lib/login/refresh-flights.js';

describe('RefreshFlights', () => {
  let now: number;
  let redeemed: number;
  const redeem = (result: string) => () => {
    redeemed++;
    return Promise.resolve(result);
  };

  beforeEach(() => {
    now = 1_000_000;
    redeemed = 0;
  });

  it('shares the refresh under way with every request that holds the same refresh token', async () => {
    const flights = new RefreshFlights<string>(() => now);
    const results = await Promise.all([flights.run('R0', redeem('R1')), flights.run('R0', redeem('R1-again'))]);
    expect(results).to.deep.equal(['R1', 'R1']);
    expect(redeemed).to.equal(1);
  });

  it('hands a finished refresh out for 30 seconds, then redeems again', async () => {
    const flights = new RefreshFlights<string>(() => now);
    await flights.run('R0', redeem('R1'));
    now += 29_000;
    expect(await flights.run('R0', redeem('R2'))).to.equal('R1');
    now += 1_000;
    expect(await flights.run('R0', redeem('R2'))).to.equal('R2');
    expect(redeemed).to.equal(2);
  });

  it('keeps the refreshes of different refresh tokens apart', async () => {
    const flights = new RefreshFlights<string>(() => now);
    expect(await Promise.all([flights.run('A0', redeem('A1')), flights.run('B0', redeem('B1'))])).to.deep.equal([
      'A1',
      'B1',
    ]);
  });

  it('does not remember a failed refresh', async () => {
    const flights = new RefreshFlights<string>(() => now);
    const failure = flights.run('R0', () => Promise.reject(new Error('down')));
    await failure.catch(() => undefined);
    expect(await flights.run('R0', redeem('R1'))).to.equal('R1');
  });

  it('remembers at most 1000 refreshes, forgetting the finished ones first', async () => {
    const flights = new RefreshFlights<string>(() => now);
    let release: (value: string) => void = () => undefined;
    const running = flights.run('running', () => new Promise<string>((resolve) => (release = resolve)));
    for (let i = 0; i < 1000; i++) await flights.run(`R${i}`, redeem(`done-${i}`));
    now += 60_000;
    expect(await flights.run('R999', redeem('again'))).to.equal('again');
    expect(flights.run('running', redeem('second'))).to.equal(running);
    release('first');
    expect(await running).to.equal('first');
  });
});
