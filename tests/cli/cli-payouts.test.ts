// `mpesa-bridge payouts` as a user runs it against a real server and its simulator: `create`
// pays a phone, a PayBill or a till once (its Idempotency-Key printed, a repeat answering the
// same payout); `list` shows them; `approve` signs in as a dashboard user (never the API key),
// refuses the requester's own approval through the service's four-eyes rule, and sends once;
// `trigger --list` names the payout outcomes with the phone, PayBill or till that plays each.
import { startTestServer, type TestServer } from '../helpers/server';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { payoutProject, type PayoutProject } from '../helpers/payouts';
import { loggedInHome, parseJson, runCli, type CliHome } from './cli-runner';

// Each command is a process of its own that loads the CLI's sources: a few seconds on a loaded machine.
jest.setTimeout(120_000);

let server: TestServer;
let shop: PayoutProject;
let home: CliHome;

beforeAll(async () => {
  server = await startTestServer();
  shop = await payoutProject(server, { approval: 'above', approvalAbove: 5000 });
  home = await loggedInHome(server.url, shop.keys);
});
afterAll(() => server.close());

/** Reads the payout five times a second (under the project's rate limit) until it settles. */
async function settled(id: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const read = await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}` });
    if (['succeeded', 'failed'].includes(read.data.payout?.status) || Date.now() > deadline) return read;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('mpesa-bridge payouts', () => {
  it('when a PayBill, a till and a phone are paid, then each is created once (a repeated key answers the same payout) and listed', async () => {
    const paybill = await runCli(
      [
        '--json',
        'payouts',
        'create',
        '--paybill',
        '888880',
        '--account',
        'INV-88',
        '--amount',
        '2500',
        '--idempotency-key',
        'cli-inv-88',
      ],
      { env: home.env() },
    );
    expect(paybill.code).toBe(0);
    const first = parseJson<{
      payout: { id: string; channel: string; status: string };
      idempotencyKey: string;
    }>(paybill.stdout);
    expect(first).toMatchObject({
      payout: { channel: 'b2b_paybill', status: 'submitted' },
      idempotencyKey: 'cli-inv-88',
    });
    const again = await runCli(
      [
        '--json',
        'payouts',
        'create',
        '--paybill',
        '888880',
        '--account',
        'INV-88',
        '--amount',
        '2500',
        '--idempotency-key',
        'cli-inv-88',
      ],
      { env: home.env() },
    );
    expect(parseJson<{ payout: { id: string } }>(again.stdout).payout.id).toBe(first.payout.id);

    const till = await runCli(['payouts', 'create', '--till', '5123456', '--amount', '700'], {
      env: home.env(),
    });
    expect(till.code).toBe(0);
    expect(till.stdout).toContain('Till 5123456');
    expect(till.stderr).toContain('Idempotency-Key');
    const phone = await runCli(['payouts', 'create', '--phone', '0708374149', '--amount', '100'], {
      env: home.env(),
    });
    expect(phone.stdout).toContain('254708374149');

    await settled(first.payout.id);
    const listed = await runCli(['payouts', 'list', '--channel', 'b2b_paybill'], { env: home.env() });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(first.payout.id);
    expect(listed.stdout).toContain('PayBill 888880 acc INV-88');
    expect(listed.stdout).toContain('succeeded');
    expect(listed.stdout).not.toContain('Till 5123456');
  });

  it('when a payout waits for approval, then approve takes a dashboard user, refuses the one who asked, and another user sends it once', async () => {
    const users: string[] = [];
    for (const name of ['clerk', 'owner']) {
      const email = `${name}-${Date.now()}@cli.example`;
      expect(
        (
          await createDashboardUser(server, {
            email,
            password: PASSWORD,
            role: 'member',
            projectIds: [shop.projectId],
          })
        ).status,
      ).toBe(201);
      users.push(email);
    }
    const [clerk, owner] = users as [string, string];
    // The clerk asks from the dashboard (a session), so the clerk may not approve it.
    const { browserFor } = await import('../helpers/dashboard');
    const asked = await (
      await browserFor(server.url, clerk)
    ).request({
      method: 'POST',
      path: '/api/v1/payouts',
      body: { till: '5123456', amount: 6000 },
      project: shop.projectId,
      mode: 'test',
    });
    expect(asked.data.payout.status).toBe('awaiting_approval');
    const id = asked.data.payout.id as string;

    const byKeyOnly = await runCli(['payouts', 'approve', id], { env: home.env() });
    expect(byKeyOnly.code).toBe(2);
    expect(byKeyOnly.stderr).toContain('an API key cannot approve');

    const self = await runCli(['payouts', 'approve', id, '--email', clerk, '--password-stdin'], {
      env: home.env(),
      input: PASSWORD,
    });
    expect(self.code).toBe(3);
    expect(self.stderr).toContain('payout_approval_forbidden');

    const approved = await runCli(
      ['--json', 'payouts', 'approve', id, '--email', owner, '--password-stdin', '--note', 'Stock checked'],
      {
        env: home.env(),
        input: PASSWORD,
      },
    );
    expect(approved.code).toBe(0);
    expect(
      parseJson<{ payout: { status: string; approval: { decision: string } } }>(approved.stdout).payout,
    ).toMatchObject({
      status: 'submitted',
      approval: { decision: 'approved' },
    });
    expect((await settled(id)).data.payout.status).toBe('succeeded');
    const twice = await runCli(['payouts', 'approve', id, '--email', owner, '--password-stdin'], {
      env: home.env(),
      input: PASSWORD,
    });
    expect(twice.code).toBe(3);
    expect(twice.stderr).toContain('payout_not_awaiting_approval');
  });

  it('when a CSV batch is given with a bad row, then it is refused naming the line; a good one is created and its rows printed by line', async () => {
    const bad = await runCli(['payouts', 'batch', '-'], {
      env: home.env(),
      input: 'phone,amount\n0708374149,100\n0708374149,ten\n',
    });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('payout_batch_invalid');
    expect(bad.stderr).toContain('Line 3: amount');
    const good = await runCli(['--json', 'payouts', 'batch', '-', '--idempotency-key', 'cli-batch-1'], {
      env: home.env(),
      input: 'phone,amount,remarks\n0708374149,100,Bonus\n0708374150,200,Bonus\n',
    });
    expect(good.code).toBe(0);
    const created = parseJson<{
      batch: { status: string; rowCount: number; total: number };
      rows: Array<{ line: number }>;
      idempotencyKey: string;
    }>(good.stdout);
    expect(created).toMatchObject({
      batch: { status: 'sending', rowCount: 2, total: 300 },
      idempotencyKey: 'cli-batch-1',
    });
    expect(created.rows.map((row) => row.line)).toEqual([2, 3]);
  });

  it('when trigger --list runs, then the payout outcomes are listed with the phone, PayBill or till that plays each', async () => {
    const listed = await runCli(['trigger', '--list'], { env: home.env() });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/payout-unregistered\s+0700000202/);
    expect(listed.stdout).toMatch(/supplier-invalid-receiver\s+900202/);
    const json = parseJson<{ payouts: Array<{ name: string; recipient: string }> }>(
      (await runCli(['--json', 'trigger', '--list'], { env: home.env() })).stdout,
    );
    expect(json.payouts).toContainEqual(
      expect.objectContaining({ name: 'supplier-result-lost', recipient: '900203' }),
    );
  });
});
