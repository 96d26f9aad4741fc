// Who the simulator knows, like Daraja's portal: the apps (consumer key and secret) that may get
// a token, and the merchants (shortcode, the passkey its Password is built from, its tills).
// The standalone simulator knows what its configuration names; the one inside the service also
// knows every project's simulator account (service.ts), so a project's own shortcode and
// passkey are checked as Daraja checks them: a Password built with another passkey is refused.
export interface SimulatorMerchant {
  passkey: string;
  /** Tills paid through this Head Office shortcode (CustomerBuyGoodsOnline PartyB). */
  tills: readonly string[];
  /**
   * Whether the shortcode takes CustomerPayBillOnline: a PayBill does, a till's Head Office
   * (store) number does not, and Daraja fails such a push in its callback with 2028 or
   * SFC_IC0003 (docs/daraja.md §2 "Tills"). Absent: true (Daraja's sandbox 174379 takes both).
   */
  payBill?: boolean;
  /**
   * The shortcode's initiators (org portal API users) and their passwords: Transaction Status
   * decrypts a SecurityCredential and compares it with these (simulator.transaction-status.ts).
   */
  initiators?: ReadonlyArray<{ name: string; password: string }>;
}

export interface SimulatorDirectory {
  isApp(consumerKey: string, consumerSecret: string): Promise<boolean>;
  /**
   * The merchant of `shortcode` as the app `consumerKey` sees it: two projects may hold the same
   * shortcode with their own passkeys and tills, and neither sees the other's.
   */
  merchant(shortcode: string, consumerKey: string): Promise<SimulatorMerchant | undefined>;
}

export function staticDirectory(
  apps: ReadonlyArray<{ consumerKey: string; consumerSecret: string }>,
  merchants: Readonly<Record<string, SimulatorMerchant>>,
): SimulatorDirectory {
  return {
    isApp: async (key, secret) =>
      apps.some((app) => app.consumerKey === key && app.consumerSecret === secret),
    merchant: async (shortcode) => (Object.hasOwn(merchants, shortcode) ? merchants[shortcode] : undefined),
  };
}

/** Asks each in turn; the first that knows wins. */
export function combinedDirectory(...directories: SimulatorDirectory[]): SimulatorDirectory {
  return {
    async isApp(key, secret) {
      for (const directory of directories) if (await directory.isApp(key, secret)) return true;
      return false;
    },
    async merchant(shortcode, consumerKey) {
      for (const directory of directories) {
        const found = await directory.merchant(shortcode, consumerKey);
        if (found) return found;
      }
      return undefined;
    },
  };
}
