import { normalizeKenyanPhone } from '../../src/payments/phone';

describe('normalizeKenyanPhone', () => {
  it.each([
    ['0712345678', '254712345678'],
    ['0112345678', '254112345678'],
    ['712345678', '254712345678'],
    ['112345678', '254112345678'],
    ['254712345678', '254712345678'],
    ['254112345678', '254112345678'],
    ['+254712345678', '254712345678'],
    ['+254 712 345 678', '254712345678'],
    ['0712-345-678', '254712345678'],
  ])('when given %s, then it returns %s', (input, expected) => {
    expect(normalizeKenyanPhone(input)).toBe(expected);
  });

  it.each([
    '',
    '0812345678',
    '07123456',
    '07123456789',
    '255712345678',
    '+1 202 555 0100',
    'phone',
    '2547123456781',
  ])('when given %p, then it refuses it', (input) => {
    expect(normalizeKenyanPhone(input)).toBeUndefined();
  });
});
