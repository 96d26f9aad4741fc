// Round trips (and CPU) of the signed API, one request at a time as a merchant's backend sends
// them: an initiate (signature, limits, replay nonce, account, the pending row, the push answer)
// and a status read (signature, limits, the row). One at a time is the worst case: nothing is
// batched with anything else.
import { createAgent } from './http';
import { initiate, pendingFrom, signedCall, type PendingPayment, type ProjectKeys } from './merchant';
import { perOperation, read, type PerOperation } from './probe';
import type { BenchChild } from './child';

const WARMUP = 10;
const OPERATIONS = 100;

export interface SignedTripsResult {
  initiate: PerOperation;
  statusRead: PerOperation;
}

export async function benchSignedTrips(server: BenchChild, keys: ProjectKeys): Promise<SignedTripsResult> {
  const agent = createAgent(1);
  try {
    const payments: PendingPayment[] = [];
    for (let i = 0; i < WARMUP; i += 1)
      payments.push(pendingFrom(await initiate(agent, server.url, keys, `TRIPSWARM${i}`)));
    let before = await read([server]);
    for (let i = 0; i < OPERATIONS; i += 1) pendingFrom(await initiate(agent, server.url, keys, `TRIPS${i}`));
    const initiated = perOperation(before, await read([server]), OPERATIONS);

    const readOne = async (i: number) => {
      const id = payments[i % payments.length]!.id;
      const answer = await signedCall(agent, server.url, keys, 'GET', `/api/v1/transactions/${id}`);
      if (answer.status !== 200) throw new Error(`status read failed: ${answer.status}`);
    };
    for (let i = 0; i < WARMUP; i += 1) await readOne(i);
    before = await read([server]);
    for (let i = 0; i < OPERATIONS; i += 1) await readOne(i);
    return { initiate: initiated, statusRead: perOperation(before, await read([server]), OPERATIONS) };
  } finally {
    agent.destroy();
  }
}
