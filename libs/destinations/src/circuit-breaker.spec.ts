import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let clock = 0;
  const breaker = (threshold = 3) =>
    new CircuitBreaker({ threshold, coolDownMs: 1000, maxCoolDownMs: 4000, now: () => clock });
  beforeEach(() => (clock = 0));

  it('stays closed below the threshold and opens at it', () => {
    const b = breaker();
    b.failed();
    b.failed();
    expect(b.waitMs()).toBe(0);
    b.failed();
    expect(b.waitMs()).toBe(1000);
    clock = 400;
    expect(b.waitMs()).toBe(600);
  });

  it('doubles the cool-down while the probe keeps failing, up to the maximum, and a success closes it', () => {
    const b = breaker(1);
    b.failed();
    expect(b.waitMs()).toBe(1000);
    clock = 1000;
    b.failed();
    expect(b.waitMs()).toBe(2000);
    clock = 3000;
    b.failed();
    expect(b.waitMs()).toBe(4000);
    clock = 7000;
    b.failed();
    expect(b.waitMs()).toBe(4000);
    b.succeeded();
    expect(b.waitMs()).toBe(0);
    b.failed();
    expect(b.waitMs()).toBe(1000);
  });

  it("honours the platform's Retry-After even below the threshold", () => {
    const b = breaker();
    b.failed(5000);
    expect(b.waitMs()).toBe(5000);
  });
});
