// M-Pesa accounts of the project and mode: where its payments are collected. Operators add a
// PayBill or a till, check one (a live OAuth call, answered as a verdict), edit it, make it the
// default, disable and enable it; members see them read-only (and may check: it changes
// nothing). Credentials are write-only: the server answers them masked, and the edit form only
// sends the ones typed in.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { BalanceOverview, MpesaAccount, MpesaAccountCheck } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatTime } from '../format';
import { Card, ErrorNote, Loading, useLoad } from '../ui';
import { AccountC2b } from './account-c2b';

const BASE = '/api/v1/mpesa-accounts';

/** The fields of the add and edit forms, as FormData gives them: empty means "not given". */
function fieldsOf(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form).entries())
    if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim();
  return values;
}

function AccountForm({
  scope,
  account,
  onDone,
}: {
  scope: Scope;
  /** Editing this one; adding a new one when absent. */
  account?: MpesaAccount;
  onDone: () => void;
}) {
  const [kind, setKind] = useState<'paybill' | 'till'>(account?.tillNumber ? 'till' : 'paybill');
  const [error, setError] = useState<unknown>();
  const id = account?.id ?? 'new';
  const submit = async (event: Event) => {
    event.preventDefault();
    const values = fieldsOf(event.target as HTMLFormElement);
    const tillNumber = kind === 'till' ? (values.tillNumber ?? null) : null;
    delete values.tillNumber;
    // The PayBill/till choice is the form's, not a field of the account.
    delete values.kind;
    try {
      if (account) {
        const changed = tillNumber !== account.tillNumber ? { tillNumber } : {};
        await api(`${BASE}/${account.id}`, { method: 'PATCH', scope, body: { ...values, ...changed } });
      } else {
        await api(BASE, {
          method: 'POST',
          scope,
          body: { ...values, ...(tillNumber ? { tillNumber } : {}) },
        });
      }
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };
  const keep = account ? 'leave blank to keep' : undefined;
  return (
    <form class="account-form" onSubmit={(e) => void submit(e)}>
      <label for={`name-${id}`}>Name</label>
      <input id={`name-${id}`} name="name" required={!account} maxLength={60} value={account?.name} />
      {!account && (
        <>
          <label for={`environment-${id}`}>Environment</label>
          <select id={`environment-${id}`} name="environment">
            {(scope.mode === 'live' ? ['production'] : ['simulator', 'sandbox']).map((environment) => (
              <option key={environment} value={environment}>
                {environment}
              </option>
            ))}
          </select>
        </>
      )}
      <fieldset class="kind">
        <legend>Customers pay</legend>
        <label>
          <input type="radio" name="kind" checked={kind === 'paybill'} onChange={() => setKind('paybill')} />{' '}
          a PayBill
        </label>
        <label>
          <input type="radio" name="kind" checked={kind === 'till'} onChange={() => setKind('till')} /> a till
          (Buy Goods)
        </label>
      </fieldset>
      <label for={`shortcode-${id}`}>
        {kind === 'till' ? 'Head Office (store) number' : 'PayBill number'}
      </label>
      <input
        id={`shortcode-${id}`}
        name="shortcode"
        inputMode="numeric"
        pattern="\d{5,7}"
        required={!account}
        value={account?.shortcode}
      />
      {kind === 'till' && (
        <>
          <label for={`till-${id}`}>Till number</label>
          <input
            id={`till-${id}`}
            name="tillNumber"
            inputMode="numeric"
            pattern="\d{5,8}"
            required
            value={account?.tillNumber ?? undefined}
          />
        </>
      )}
      {(
        [
          ['consumerKey', 'Consumer key', account?.consumerKey],
          ['consumerSecret', 'Consumer secret', account?.consumerSecret],
          ['passkey', 'Passkey', account?.passkey],
        ] as const
      ).map(([name, label, masked]) => (
        <Fragment key={name}>
          <label for={`${name}-${id}`}>
            {label}
            {masked ? ` (now ${masked}; ${keep})` : ''}
          </label>
          <input
            id={`${name}-${id}`}
            name={name}
            type={name === 'consumerKey' ? 'text' : 'password'}
            autoComplete="off"
            required={!account}
            maxLength={512}
          />
        </Fragment>
      ))}
      <div class="actions">
        <button type="submit">{account ? 'Save changes' : 'Add account'}</button>
        {account && (
          <button type="button" class="secondary" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function AccountCard({
  scope,
  account,
  operator,
  onChanged,
}: {
  scope: Scope;
  account: MpesaAccount;
  operator: boolean;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [check, setCheck] = useState<{ running?: boolean; result?: MpesaAccountCheck; error?: unknown }>({});
  const [error, setError] = useState<unknown>();
  const change = async (body: Record<string, unknown>, ask?: string) => {
    if (ask && !confirm(ask)) return;
    try {
      await api(`${BASE}/${account.id}`, { method: 'PATCH', scope, body });
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  const runCheck = async () => {
    setCheck({ running: true });
    try {
      setCheck({
        result: await api<MpesaAccountCheck>(`${BASE}/${account.id}/check`, { method: 'POST', scope }),
      });
    } catch (failure) {
      setCheck({ error: failure });
    }
  };
  return (
    <Card title={account.name}>
      <p>
        {account.disabledAt ? (
          <span class="health bad">disabled</span>
        ) : account.isDefault ? (
          <span class="health ok">default</span>
        ) : (
          <span class="health">enabled</span>
        )}{' '}
        <code>{account.id}</code>
      </p>
      <dl class="facts">
        <dt>Environment</dt>
        <dd>{account.environment}</dd>
        <dt>{account.tillNumber ? 'Till' : 'PayBill'}</dt>
        <dd>
          {account.tillNumber
            ? `${account.tillNumber} (Head Office ${account.shortcode})`
            : account.shortcode}
        </dd>
        <dt>Consumer key</dt>
        <dd>
          <code>{account.consumerKey ?? '—'}</code>
        </dd>
        <dt>Consumer secret</dt>
        <dd>
          <code>{account.consumerSecret ?? '—'}</code>
        </dd>
        <dt>Passkey</dt>
        <dd>
          <code>{account.passkey ?? '—'}</code>
        </dd>
        <dt>Changed</dt>
        <dd>{formatTime(account.updatedAt)}</dd>
      </dl>
      <div class="actions">
        <button type="button" class="secondary" disabled={check.running} onClick={() => void runCheck()}>
          Check
        </button>
        {operator && !editing && (
          <button type="button" class="secondary" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {operator && !account.isDefault && !account.disabledAt && (
          <button type="button" class="secondary" onClick={() => void change({ isDefault: true })}>
            Make default
          </button>
        )}
        {operator && (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void change(
                { disabled: !account.disabledAt },
                account.disabledAt
                  ? undefined
                  : `Disable ${account.name}? It takes no new payment${account.isDefault ? ' and stops being the default' : ''}.`,
              )
            }
          >
            {account.disabledAt ? 'Enable' : 'Disable'}
          </button>
        )}
      </div>
      <AccountC2b scope={scope} account={account} operator={operator} />
      {check.running && <p role="status">Checking with Daraja…</p>}
      {check.result && (
        <p role="status" class={`verdict ${check.result.accepted ? 'ok' : 'bad'}`}>
          <strong>{check.result.verdict}</strong> ({check.result.latencyMs} ms): {check.result.message}
        </p>
      )}
      <ErrorNote error={check.error ?? error} />
      {editing && (
        <AccountForm
          scope={scope}
          account={account}
          onDone={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
    </Card>
  );
}

/** Exact cents as KES text, never through a float's rounding of the digits shown. */
const kes = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100).toLocaleString('en-KE')}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

/** Each account's latest Account Balance answer, a button to ask again, and the Utility warning. */
function Balances({ scope }: { scope: Scope }) {
  const overview = useLoad(
    () => api<BalanceOverview>('/api/v1/balances', { scope }),
    [scope.projectId, scope.mode],
  );
  const [asking, setAsking] = useState<unknown>(undefined);
  const ask = async () => {
    setAsking(null);
    try {
      await api('/api/v1/balances', { method: 'POST', scope, body: {} });
      // The answer comes later (Daraja posts it): read again in a moment.
      setTimeout(overview.reload, 2_000);
      setAsking(undefined);
    } catch (error) {
      setAsking(error);
    }
  };
  return (
    <Card title="Balances">
      <ErrorNote error={overview.error ?? asking} />
      {overview.data?.warnings.map((warning) => (
        <p key={warning.shortcode} class="warning">
          {warning.message}
        </p>
      ))}
      {overview.data?.data.length === 0 && <p class="muted">No balance asked yet.</p>}
      {overview.data?.data.map((check) => (
        <div key={check.id}>
          <p class="muted">
            {check.shortcode}: {check.status}
            {check.settledAt ? `, ${formatTime(check.settledAt)}` : ''}
            {check.status === 'failed' && check.resultDesc ? ` (${check.resultDesc})` : ''}
          </p>
          {check.accounts && (
            <table>
              <thead>
                <tr>
                  <th>Account</th>
                  <th>Available</th>
                  <th>Current</th>
                  <th>Reserved</th>
                </tr>
              </thead>
              <tbody>
                {check.accounts.map((account) => (
                  <tr key={account.name}>
                    <td>{account.name}</td>
                    <td>
                      {account.currency} {kes(account.availableCents)}
                    </td>
                    <td>{kes(account.currentCents)}</td>
                    <td>{kes(account.reservedCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
      <button type="button" onClick={() => void ask()} disabled={asking === null}>
        Ask M-Pesa for the balances
      </button>
    </Card>
  );
}

export function Accounts({ scope, operator }: { scope: Scope; operator: boolean }) {
  const accounts = useLoad(
    () => api<{ data: MpesaAccount[] }>(BASE, { scope }),
    [scope.projectId, scope.mode],
  );
  const [adding, setAdding] = useState(false);
  return (
    <div>
      <h1>M-Pesa accounts</h1>
      <p class="muted">
        Where this project's {scope.mode} payments are collected. Without an account, payments use the
        deployment's own.
        {!operator && ' Only an operator can change them.'}
      </p>
      {operator &&
        (adding ? (
          <Card title="New account">
            <AccountForm
              scope={scope}
              onDone={() => {
                setAdding(false);
                accounts.reload();
              }}
            />
          </Card>
        ) : (
          <button type="button" class="accounts-add" onClick={() => setAdding(true)}>
            Add an account
          </button>
        ))}
      <ErrorNote error={accounts.error} />
      {!accounts.data && !accounts.error && <Loading what="accounts" />}
      {accounts.data?.data.length === 0 && <p class="muted">No {scope.mode} accounts yet.</p>}
      {accounts.data?.data.map((account) => (
        <AccountCard
          key={`${account.id}-${account.updatedAt}`}
          scope={scope}
          account={account}
          operator={operator}
          onChanged={accounts.reload}
        />
      ))}
      <Balances scope={scope} />
    </div>
  );
}
