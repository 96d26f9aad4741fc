// The payout safety settings in the API: what an operator sends (PUT
// /api/v1/projects/{id}/payout-settings/{mode}) and what anyone of the project reads.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { MODES } from '../core/scope';
import { expecting, text } from '../validation';
import { B2C_MAX_AMOUNT, B2C_MIN_AMOUNT } from '../payments/payout.states';
import { APPROVAL_POLICIES, type Settings } from './payout.settings';

const MAX_DAILY = 100_000_000;
const CAP = `a whole number of KES from ${B2C_MIN_AMOUNT} to ${B2C_MAX_AMOUNT}`;
const DAILY = `a whole number of KES from ${B2C_MIN_AMOUNT} to ${MAX_DAILY}`;
const ADDRESS = 'an IP address or a CIDR range (196.201.214.0/24)';

const cap = z
  .number(expecting(CAP))
  .int(expecting(CAP))
  .min(B2C_MIN_AMOUNT, expecting(CAP))
  .max(B2C_MAX_AMOUNT, expecting(CAP));

export const settingsBody = z
  .strictObject({
    mode: z
      .enum(MODES, expecting('test or live'))
      .meta({ description: 'The mode these settings are for.', examples: ['live'] }),
    enabled: z.boolean(expecting('true or false')).meta({ description: 'Payouts are refused while false.' }),
    perPayoutMax: cap.meta({ description: 'The largest payout, KES.', examples: [10_000] }),
    dailyMax: z
      .number(expecting(DAILY))
      .int(expecting(DAILY))
      .min(B2C_MIN_AMOUNT, expecting(DAILY))
      .max(MAX_DAILY, expecting(DAILY))
      .meta({
        description: 'KES asked to pay out per day (East Africa Time), failed payouts not counted.',
        examples: [100_000],
      }),
    approval: z.enum(APPROVAL_POLICIES, expecting('all, above or none')).meta({
      description:
        '`all`: every payout waits for a dashboard user other than the one who asked. `above`: those over `approvalAbove`. `none`: none.',
    }),
    approvalAbove: cap
      .nullable()
      .optional()
      .meta({ description: 'With `above`: the amount past which approval is needed.' }),
    allowedIps: z
      .array(
        text(ADDRESS).refine(
          (value) => ipaddr.isValid(value) || ipaddr.isValidCIDR(value),
          expecting(ADDRESS),
        ),
        expecting(`a list of at most 50 of ${ADDRESS}, or null`),
      )
      .max(50, expecting(`a list of at most 50 of ${ADDRESS}, or null`))
      .nullable()
      .optional()
      .meta({
        description:
          'Where signed payout requests may come from (dashboard sessions are not held to it); null: anywhere.',
        examples: [['203.0.113.10']],
      }),
  })
  .superRefine((body, ctx) => {
    if (body.dailyMax < body.perPayoutMax)
      ctx.addIssue({ code: 'custom', path: ['dailyMax'], message: 'must be at least perPayoutMax' });
    if (body.approval === 'above' && (body.approvalAbove === undefined || body.approvalAbove === null))
      ctx.addIssue({
        code: 'custom',
        path: ['approvalAbove'],
        message: 'is required when approval is "above"',
      });
  });
export type SettingsInput = z.infer<typeof settingsBody>;

const PROJECT_ID = 'a project id (prj_…)';
export const settingsParams = z.object({
  id: text(PROJECT_ID)
    .regex(/^prj_[0-9a-z]+$/, expecting(PROJECT_ID))
    .meta({ examples: ['prj_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});
export const settingsQuery = z.strictObject({
  mode: z
    .enum(MODES, expecting('test or live'))
    .meta({ description: 'Which mode’s settings.', examples: ['live'] }),
});

export const settingsSchema = z
  .object({
    mode: z.enum(MODES),
    enabled: z.boolean(),
    perPayoutMax: z.number().int(),
    dailyMax: z.number().int(),
    approval: z.enum(APPROVAL_POLICIES),
    approvalAbove: z.number().int().nullable(),
    allowedIps: z.array(z.string()).nullable(),
    updatedBy: z
      .string()
      .nullable()
      .meta({ description: '`admin`, `user:<id>`; null while the defaults hold.' }),
    updatedAt: z.iso.datetime().nullable(),
    usedToday: z
      .number()
      .int()
      .meta({ description: 'KES asked to pay out today (EAT) that may yet move money.' }),
  })
  .meta({ id: 'PayoutSettings', description: "A project's payout safety settings in one mode." });
export const settingsResponseSchema = z
  .object({ settings: settingsSchema })
  .meta({ id: 'PayoutSettingsResponse' });

export function toSettingsView(mode: (typeof MODES)[number], settings: Settings, usedToday: number) {
  return {
    mode,
    enabled: settings.enabled,
    perPayoutMax: settings.perPayoutMax,
    dailyMax: settings.dailyMax,
    approval: settings.approval,
    approvalAbove: settings.approvalAbove,
    allowedIps: settings.allowedIps ? [...settings.allowedIps] : null,
    updatedBy: settings.updatedBy,
    updatedAt: settings.updatedAt?.toISOString() ?? null,
    usedToday,
  } satisfies z.output<typeof settingsSchema>;
}
