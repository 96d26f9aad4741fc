// Which passwords a dashboard user may choose: at least 12 characters, and not one a guesser
// tries early. zxcvbn-ts (@zxcvbn-ts/core with the common dictionary: the most used passwords,
// names, keyboard walks, repeats, dates and l33t variants) estimates how many guesses a password
// takes; score 3 is "safely unguessable", about 10^8 guesses, and anything under it is refused,
// so "            " (12 spaces), "password1234" or "qwertyuiop12" are refused while a passphrase
// passes. The dictionaries (about 2 MB) load once, on the first password checked.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/** True when the password is hard enough to guess (its length is checked by the schema). */
export function isStrongPassword(password: string): boolean {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(password).score >= MIN_SCORE;
}
