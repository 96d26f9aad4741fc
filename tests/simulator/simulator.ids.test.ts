import { createCheckoutRequestIds, eatTimestamp, newReceiptNumber } from '../../src/simulator/simulator.ids';
import {
  DEFAULT_OUTCOME,
  OUTCOME_NAMES,
  outcomeFor,
  phoneForOutcome,
  SIMULATED_OUTCOMES,
} from '../../src/simulator/simulator.outcomes';

describe('simulator identifiers', () => {
  it('when UTC is late evening, then the EAT timestamp is already the next day', () => {
    expect(eatTimestamp(Date.UTC(2026, 11, 31, 22, 30, 5))).toBe('20270101013005');
  });

  it('when the clock is fixed, then the CheckoutRequestID spells Nairobi time, the unpadded milliseconds and the MSISDN tail', () => {
    const ids = createCheckoutRequestIds(() => Date.UTC(2026, 7, 17, 11, 4, 3, 27));

    expect(ids('254708374149')).toBe('ws_CO_1708202614040327708374149');
  });

  it('when thousands of IDs are made in the same millisecond, then none repeats', () => {
    const ids = createCheckoutRequestIds(() => Date.UTC(2026, 0, 1));
    const made = Array.from({ length: 5000 }, (_, i) => ids(i % 2 === 0 ? '254708374149' : '254112345678'));

    expect(new Set(made).size).toBe(made.length);
  });

  it.each([
    ['27 Jul 2017', Date.UTC(2017, 6, 27, 12), 'LG'],
    ['19 Dec 2019', Date.UTC(2019, 11, 19, 7), 'NLJ'],
    ['21 Nov 2023', Date.UTC(2023, 10, 21, 9), 'RK'],
    ['31 Jan 2025', Date.UTC(2025, 0, 31, 9), 'TAV'],
    ['2 Oct 2026 in Nairobi (1 Oct in UTC)', Date.UTC(2026, 9, 1, 22), 'UJ2'],
  ])('when the date is %s, then the receipt number starts with %s', (_date, epochMs, prefix) => {
    const receipt = newReceiptNumber(epochMs);

    expect(receipt.startsWith(prefix)).toBe(true);
    expect(receipt).toMatch(/^[A-Z0-9]{10}$/);
  });
});

describe('simulator outcomes table', () => {
  it('when a listed number is looked up, then its own outcome is returned, and unlisted numbers get a plain success', () => {
    expect(SIMULATED_OUTCOMES.map((outcome) => outcome.phoneNumber)).toEqual(
      Array.from({ length: 17 }, (_, i) => `2547000000${String(i + 1).padStart(2, '0')}`),
    );
    expect(outcomeFor('254700000001').behaviour).toMatchObject({
      kind: 'complete',
      result: { resultCode: 1032 },
    });
    expect(outcomeFor('254708374149').behaviour).toMatchObject({
      kind: 'complete',
      result: { resultCode: 0 },
      delivery: 'once',
    });
  });

  it('when outcomes are named, then every name is unique, `paid` is the default, and each name plays its own outcome', () => {
    expect([DEFAULT_OUTCOME, ...SIMULATED_OUTCOMES].map((outcome) => outcome.name)).toEqual([
      ...OUTCOME_NAMES,
    ]);
    for (const name of OUTCOME_NAMES) expect(outcomeFor(phoneForOutcome(name)!).name).toBe(name);
  });
});
