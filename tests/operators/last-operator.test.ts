// The last working operator stays one, also when two operators demote (or disable) each other
// at the same moment: the check and the change are one locked step, so of two such requests one
// goes through and the other is refused. On PostgreSQL the two run in parallel transactions.
import axios, { type AxiosResponse } from 'axios';
import { createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';

const ROUNDS = 5;

let server: TestServer;
let ids: [string, string];

beforeAll(async () => {
  server = await startTestServer({ DATABASE_POOL_SIZE: '8' });
  const created = await Promise.all(
    ['one@shop.example', 'two@shop.example'].map((email) =>
      createDashboardUser(server, { email, password: PASSWORD, role: 'operator' }),
    ),
  );
  ids = created.map((answer) => (answer.data as { user: { id: string } }).user.id) as [string, string];
});
afterAll(() => server.close());

const patch = (id: string, body: Record<string, unknown>): Promise<AxiosResponse> =>
  axios.patch(`${server.url}/api/v1/dashboard/users/${id}`, body, {
    headers: { Authorization: `Bearer ${server.adminToken}` },
    validateStatus: () => true,
  });

async function workingOperators(): Promise<number> {
  const listed = await axios.get(`${server.url}/api/v1/dashboard/users`, {
    headers: { Authorization: `Bearer ${server.adminToken}` },
  });
  const users = (listed.data as { data: Array<{ role: string; disabledAt: string | null }> }).data;
  return users.filter((user) => user.role === 'operator' && user.disabledAt === null).length;
}

describe.each([
  ['demote each other to members', { role: 'member' }],
  ['disable each other', { disabled: true }],
])('when the only two operators %s at the same moment', (_what, change) => {
  it(`then one change goes through and the other is refused, in each of ${ROUNDS} rounds`, async () => {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const answers = await Promise.all(ids.map((id) => patch(id, change)));
      const statuses = answers.map((answer) => answer.status).sort();
      expect({ round, statuses }).toEqual({ round, statuses: [200, 400] });
      const refused = answers.find((answer) => answer.status === 400)!;
      expect(refused.data.error.message).toMatch(/last operator/);
      expect({ round, working: await workingOperators() }).toEqual({ round, working: 1 });
      // Both operators again for the next round.
      for (const id of ids) expect((await patch(id, { role: 'operator', disabled: false })).status).toBe(200);
    }
  });
});
