import { createTokenCache, TOKEN_SKEW_MS, type IssuedToken } from '../../src/mpesa/mpesa.token';

function fakeIssuer(expiresInSeconds = 3599) {
  let issued = 0;
  const fetchToken = async (): Promise<IssuedToken> => {
    issued += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { accessToken: `token-${issued}`, expiresInSeconds };
  };
  return { fetchToken, count: () => issued };
}

describe('token cache', () => {
  it('when 500 callers ask at once on a cold cache, then one fetch serves them all', async () => {
    const issuer = fakeIssuer();
    const cache = createTokenCache(issuer.fetchToken);
    const tokens = await Promise.all(Array.from({ length: 500 }, () => cache.get()));
    expect(issuer.count()).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
  });

  it('when the token nears expiry (within the skew), then the next caller fetches a new one', async () => {
    let now = 0;
    const issuer = fakeIssuer(3599);
    const cache = createTokenCache(issuer.fetchToken, () => now);
    expect(await cache.get()).toBe('token-1');
    now = 3599 * 1000 - TOKEN_SKEW_MS - 1;
    expect(await cache.get()).toBe('token-1');
    now += 1;
    expect(await cache.get()).toBe('token-2');
  });

  it('when a token is invalidated, then the next caller fetches, but a newer token is not dropped', async () => {
    const issuer = fakeIssuer();
    const cache = createTokenCache(issuer.fetchToken);
    const first = await cache.get();
    cache.invalidate(first);
    const second = await cache.get();
    expect(second).toBe('token-2');
    cache.invalidate(first);
    expect(await cache.get()).toBe('token-2');
  });

  it('when a fetch fails, then the failure reaches every waiting caller and the next call tries again', async () => {
    let attempts = 0;
    const cache = createTokenCache(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('daraja down');
      return { accessToken: 'ok', expiresInSeconds: 3599 };
    });
    await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('daraja down');
    expect(attempts).toBe(1);
    await expect(cache.get()).resolves.toBe('ok');
  });
});
