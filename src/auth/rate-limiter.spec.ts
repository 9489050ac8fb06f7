import { RateLimitRepository } from 'src/auth/rate-limit.repository';
import { RateLimiter } from 'src/auth/rate-limiter';
import { TooManyRequestsError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';

describe(RateLimiter.name, () => {
  const NOW = 1_800_000_000_000;
  let repository: jest.Mocked<Pick<RateLimitRepository, 'hit' | 'reset' | 'deleteStale'>>;
  let sut: RateLimiter;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    repository = { hit: jest.fn(), reset: jest.fn(), deleteStale: jest.fn().mockResolvedValue(undefined) };
    sut = new RateLimiter(
      repository as unknown as RateLimitRepository,
      {
        auth: { loginWindowSeconds: 900 },
      } as HubConfig,
    );
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('should count a hit on every counter and pass while all are within their limits', async () => {
    repository.hit.mockResolvedValue({ hits: 3, windowStart: NOW });
    await sut.consume(
      [
        { key: 'a', limit: 3 },
        { key: 'b', limit: 5 },
      ],
      { windowSeconds: 60, what: 'tries' },
    );
    expect(repository.hit.mock.calls).toEqual([
      ['a', NOW, 60_000],
      ['b', NOW, 60_000],
    ]);
  });

  it('should count every counter even when the first is over, and give the longest wait', async () => {
    repository.hit
      .mockResolvedValueOnce({ hits: 4, windowStart: NOW - 50_000 })
      .mockResolvedValueOnce({ hits: 9, windowStart: NOW - 10_500 });
    const attempt = sut.consume(
      [
        { key: 'ip', limit: 3 },
        { key: 'user', limit: 5 },
      ],
      { windowSeconds: 60, what: 'login attempts' },
    );
    await expect(attempt).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(attempt).rejects.toMatchObject({
      status: 429,
      message: 'Too many login attempts; try again in 50 seconds',
      headers: { 'Retry-After': '50' },
    });
    expect(repository.hit).toHaveBeenCalledTimes(2);
  });

  it('should sweep stale counters at most every ten minutes, keeping at least a day', async () => {
    repository.hit.mockResolvedValue({ hits: 1, windowStart: NOW });
    await sut.consume([{ key: 'a', limit: 3 }], { windowSeconds: 60, what: 'tries' });
    await sut.consume([{ key: 'a', limit: 3 }], { windowSeconds: 60, what: 'tries' });
    expect(repository.deleteStale).toHaveBeenCalledTimes(1);
    expect(repository.deleteStale).toHaveBeenCalledWith(NOW - 24 * 3600 * 1000);
  });

  it('should reset a counter', async () => {
    await sut.reset('login:user:x');
    expect(repository.reset).toHaveBeenCalledWith('login:user:x');
  });
});
