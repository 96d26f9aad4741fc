// A C2B registration's URLs carry a random token. Daraja refuses URLs holding certain words in
// any case (docs/daraja.md §7), and random base64url spells "exe", "cmd" or "sql" in about one
// draw in 250: CI once saw `c2b_url_refused` for no other reason. Judged by the simulator's own
// register check, as Daraja would judge them.
import { c2bUrls, newC2bToken } from '../../src/core/c2b-path';
import { checkCallbackUrl } from '../../src/simulator/simulator.c2b-requests';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';

const DRAWS = 20_000;

describe('when C2B URLs are made for a registration', () => {
  it('then no token in 20,000 makes a URL Daraja refuses', () => {
    const rules = {
      production: true,
      targets: callbackTargets([{ origin: 'https://pay.example.co.ke', pathPrefix: '/' }]),
    };
    const refused: string[] = [];
    const tokens = new Set<string>();
    for (let i = 0; i < DRAWS; i += 1) {
      const token = newC2bToken();
      tokens.add(token);
      const urls = c2bUrls('https://pay.example.co.ke', 'acc_0000000001', token);
      for (const url of Object.values(urls)) if (!('url' in checkCallbackUrl(url, rules))) refused.push(url);
    }
    expect(refused).toEqual([]);
    // Still random: every draw differs, and each is 24 bytes of base64url.
    expect(tokens.size).toBe(DRAWS);
    expect([...tokens].every((token) => /^[A-Za-z0-9_-]{32}$/.test(token))).toBe(true);
  });
});
