// Every text the hosted page shows, in English and Swahili. The Swahili table is typed by the
// English one's keys, so a string missing in either does not compile; {name} marks a value.
export const en = {
  title: 'Pay with M-Pesa',
  language: 'Language',
  testBanner: 'Test mode: no real money moves. Only the simulator or the Daraja sandbox is reached.',
  amount: 'Amount (KES)',
  amountRange: 'From KES {min} to KES {max}',
  phone: 'M-Pesa phone number',
  phoneHint: 'Starts with 07, 01 or +254',
  phoneInvalid: 'Enter a Kenyan mobile number: 07…, 01… or +254…',
  amountInvalid: 'Enter a whole amount from KES {min} to KES {max}',
  referenceInvalid: 'Enter 1 to 12 letters or digits',
  reference: 'Reference',
  pay: 'Pay KES {amount}',
  payAmount: 'Pay',
  sending: 'Sending the prompt…',
  pendingTitle: 'Check your phone',
  pendingDetail: 'Enter your M-Pesa PIN on {phone} to pay KES {amount}.',
  stillWaiting: 'Still waiting for M-Pesa. This page updates by itself.',
  paidTitle: 'Paid',
  paidDetail: 'KES {amount} received. M-Pesa receipt {receipt}.',
  paidNoReceiptDetail: 'KES {amount} received.',
  cancelledTitle: 'Payment cancelled',
  cancelledDetail: 'The M-Pesa prompt was cancelled. Nothing was paid.',
  wrongPinTitle: 'Wrong PIN',
  wrongPinDetail: 'The M-Pesa PIN was wrong. Nothing was paid.',
  noFundsTitle: 'Not enough money',
  noFundsDetail: 'Your M-Pesa balance is too low for this payment. Nothing was paid.',
  timedOutTitle: 'No answer in time',
  timedOutDetail: 'The M-Pesa prompt timed out or could not reach the phone. Nothing was paid.',
  failedTitle: 'Payment failed',
  failedDetail: 'M-Pesa did not complete the payment. Nothing was paid.',
  tryAgain: 'Try again',
  payAgain: 'Make another payment',
  continue: 'Back to {merchant}',
  cancel: 'Cancel and go back',
  payInstead: 'Or pay from the M-Pesa menu: PayBill {payBill}, account number {account}.',
  referenceIs: 'Reference {reference}',
  expiredLink: 'This payment link has expired.',
  usedUpLink: 'This payment link has been used as many times as it allows.',
  disabledLink: 'This payment link has been switched off by the merchant.',
  expiredSession: 'This checkout has expired. Ask the merchant for a new one.',
  notFound: 'This payment page does not exist. Check the link you were given.',
  unreachable: 'Could not reach the payment service. Check your connection and try again.',
  tooMany: 'Too many payment prompts. Try again in {seconds} seconds.',
  busy: 'This phone already has an M-Pesa prompt open. Answer it, or wait a minute and try again.',
  mpesaDown: 'M-Pesa is not answering right now. Try again in a minute.',
  genericError: 'Something went wrong. Try again.',
  close: 'Close',
} as const;

export type StringKey = keyof typeof en;

export const sw: Record<StringKey, string> = {
  title: 'Lipa kwa M-Pesa',
  language: 'Lugha',
  testBanner: 'Hali ya majaribio: hakuna pesa halisi inayotumwa. Inafikia kiigaji au sandbox ya Daraja tu.',
  amount: 'Kiasi (KES)',
  amountRange: 'Kuanzia KES {min} hadi KES {max}',
  phone: 'Nambari ya simu ya M-Pesa',
  phoneHint: 'Inaanza na 07, 01 au +254',
  phoneInvalid: 'Weka nambari ya simu ya Kenya: 07…, 01… au +254…',
  amountInvalid: 'Weka kiasi kamili kuanzia KES {min} hadi KES {max}',
  referenceInvalid: 'Weka herufi au tarakimu 1 hadi 12',
  reference: 'Kumbukumbu',
  pay: 'Lipa KES {amount}',
  payAmount: 'Lipa',
  sending: 'Tunatuma ombi…',
  pendingTitle: 'Angalia simu yako',
  pendingDetail: 'Weka PIN yako ya M-Pesa kwenye {phone} kulipa KES {amount}.',
  stillWaiting: 'Bado tunasubiri M-Pesa. Ukurasa huu utajisasisha wenyewe.',
  paidTitle: 'Imelipwa',
  paidDetail: 'KES {amount} imepokelewa. Risiti ya M-Pesa {receipt}.',
  paidNoReceiptDetail: 'KES {amount} imepokelewa.',
  cancelledTitle: 'Malipo yameghairiwa',
  cancelledDetail: 'Ombi la M-Pesa lilighairiwa. Hakuna kilicholipwa.',
  wrongPinTitle: 'PIN si sahihi',
  wrongPinDetail: 'PIN ya M-Pesa haikuwa sahihi. Hakuna kilicholipwa.',
  noFundsTitle: 'Salio halitoshi',
  noFundsDetail: 'Salio lako la M-Pesa ni dogo mno kwa malipo haya. Hakuna kilicholipwa.',
  timedOutTitle: 'Hakuna jibu kwa wakati',
  timedOutDetail: 'Muda wa ombi la M-Pesa uliisha au halikufika kwenye simu. Hakuna kilicholipwa.',
  failedTitle: 'Malipo hayakufanikiwa',
  failedDetail: 'M-Pesa haikukamilisha malipo. Hakuna kilicholipwa.',
  tryAgain: 'Jaribu tena',
  payAgain: 'Lipa malipo mengine',
  continue: 'Rudi kwa {merchant}',
  cancel: 'Ghairi na urudi',
  payInstead: 'Au lipa kupitia menyu ya M-Pesa: PayBill {payBill}, nambari ya akaunti {account}.',
  referenceIs: 'Kumbukumbu {reference}',
  expiredLink: 'Muda wa kiungo hiki cha malipo umekwisha.',
  usedUpLink: 'Kiungo hiki cha malipo kimetumika mara zote kinazoruhusu.',
  disabledLink: 'Kiungo hiki cha malipo kimezimwa na mfanyabiashara.',
  expiredSession: 'Muda wa malipo haya umekwisha. Omba mfanyabiashara akutumie mengine.',
  notFound: 'Ukurasa huu wa malipo haupo. Hakikisha kiungo ulichopewa.',
  unreachable: 'Imeshindwa kufikia huduma ya malipo. Angalia mtandao wako na ujaribu tena.',
  tooMany: 'Maombi mengi mno ya malipo. Jaribu tena baada ya sekunde {seconds}.',
  busy: 'Simu hii tayari ina ombi la M-Pesa lililo wazi. Lijibu, au subiri dakika moja ujaribu tena.',
  mpesaDown: 'M-Pesa haijibu kwa sasa. Jaribu tena baada ya dakika moja.',
  genericError: 'Kuna hitilafu. Jaribu tena.',
  close: 'Funga',
};

export const LANGUAGES = { en, sw } as const;
export type Language = keyof typeof LANGUAGES;

/** The browser's first choice of ours (Swahili for sw, sw-KE, sw-TZ…), else English. */
export function preferredLanguage(choices: readonly string[]): Language {
  for (const choice of choices) {
    const base = choice.toLowerCase().split('-')[0];
    if (base === 'sw' || base === 'en') return base;
  }
  return 'en';
}

/** The text of `key` in `language`, each {name} replaced by its value. */
export function say(
  language: Language,
  key: StringKey,
  values: Record<string, string | number> = {},
): string {
  return LANGUAGES[language][key].replace(/\{(\w+)\}/g, (_, name: string) =>
    String(values[name] ?? `{${name}}`),
  );
}
