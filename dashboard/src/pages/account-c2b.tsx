// An account's C2B on its card (docs/c2b.md): whether till and PayBill payments from the M-Pesa
// menu become payments here, switched on or off by an operator (the service registers its URLs
// with Daraja), and the catch-up with Pull Transactions with its last outcome and "pull now".
import { useState } from 'preact/hooks';
import type { C2bPullRun, C2bSetting, C2bSettingResult, MpesaAccount } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatTime } from '../format';
import { ErrorNote, useLoad } from '../ui';

const BASE = '/api/v1/mpesa-accounts';

/** The account's validation rules in a sentence (docs/c2b.md "Validation"). */
function validationText(validation: C2bSetting['validation']): string {
  if (!validation.enabled) return 'Validation: none, every payment is accepted.';
  const rules = [
    validation.billReferences && `bill reference one of ${validation.billReferences.join(', ')}`,
    validation.billReferencePattern && `bill reference matching ${validation.billReferencePattern}`,
    (validation.minAmount !== null || validation.maxAmount !== null) &&
      `KES ${validation.minAmount ?? 1} to ${validation.maxAmount ?? 'any'}`,
    validation.url && `then asks ${validation.url}`,
  ].filter(Boolean);
  return `Validation: ${rules.join('; ')}.`;
}

export function AccountC2b({
  scope,
  account,
  operator,
}: {
  scope: Scope;
  account: MpesaAccount;
  operator: boolean;
}) {
  const path = `${BASE}/${account.id}/c2b`;
  const { data, error, reload } = useLoad(
    () => api<C2bSettingResult>(path, { scope }),
    [scope.projectId, scope.mode, account.id],
  );
  const [action, setAction] = useState<{ message?: string; error?: unknown }>({});
  const act = async (label: string, work: () => Promise<string | void>) => {
    setAction({ message: `${label}…` });
    try {
      const said = await work();
      setAction({ message: said ?? `${label}: done` });
      reload();
    } catch (failure) {
      setAction({ error: failure });
    }
  };
  const c2b = data?.c2b;
  return (
    <div class="account-c2b" aria-label={`C2B of ${account.name}`}>
      <p>
        <strong>C2B (payments from the M-Pesa menu):</strong>{' '}
        {!c2b ? (
          '…'
        ) : c2b.enabled ? (
          <span class="health ok">
            on ({c2b.version}, default {c2b.responseType})
          </span>
        ) : (
          <span class="health">off</span>
        )}
        {c2b?.lastError && (
          <span class="muted">
            {' '}
            last registration refused: {c2b.lastError.message} ({c2b.lastError.code})
          </span>
        )}
      </p>
      {c2b?.enabled && (
        <p class="muted">
          URLs registered with Daraja {formatTime(c2b.registeredAt)}. {validationText(c2b.validation)}
        </p>
      )}
      {c2b?.pull.enabled && (
        <p class="muted">
          Pull Transactions on: last pull {formatTime(c2b.pull.lastPullAt)}
          {c2b.pull.lastPullError
            ? `, failed: ${c2b.pull.lastPullError}`
            : c2b.pull.lastPullFilled !== null
              ? `, filled ${c2b.pull.lastPullFilled}`
              : ''}
        </p>
      )}
      {operator && c2b && (
        <div class="actions">
          {c2b.enabled ? (
            <button
              type="button"
              class="secondary"
              onClick={() =>
                confirm(`Switch C2B off for ${account.name}? Menu payments are then stored as refused.`) &&
                void act('Switching C2B off', () =>
                  api(path, { method: 'DELETE', scope }).then(() => undefined),
                )
              }
            >
              Switch C2B off
            </button>
          ) : (
            <button
              type="button"
              class="secondary"
              onClick={() =>
                void act('Switching C2B on', () =>
                  api(path, {
                    method: 'POST',
                    scope,
                    body: { version: c2b.version ?? 'v2', responseType: c2b.responseType ?? 'Completed' },
                  }).then(() => undefined),
                )
              }
            >
              Switch C2B on ({c2b.version ?? 'v2'})
            </button>
          )}
          {c2b.enabled && c2b.pull.enabled && (
            <button
              type="button"
              class="secondary"
              onClick={() =>
                void act('Pulling', async () => {
                  const { pull } = await api<{ pull: C2bPullRun }>(`${path}/pull/runs`, {
                    method: 'POST',
                    scope,
                  });
                  return `Pulled ${pull.rows} payment(s); filled ${pull.filled} never confirmed`;
                })
              }
            >
              Pull now
            </button>
          )}
        </div>
      )}
      {action.message && <p role="status">{action.message}</p>}
      <ErrorNote error={action.error ?? error} />
    </div>
  );
}
