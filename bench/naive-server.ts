// The naive baseline's server (bench/naive.ts): an STK callback handler as a tutorial writes it,
// Express 5 and Prisma with its default pool, one request at a time per connection: find the
// payment by CheckoutRequestID, then update it. Nothing stored first, no batching, no outbox,
// no real-time: what users would write instead. Started by the bench as its own process.
import express from 'express';
import type { ChildMessage, ParentMessage } from './protocol';

const send = (message: ChildMessage) => process.send?.(message);

interface StkCallbackBody {
  Body?: {
    stkCallback?: {
      CheckoutRequestID?: string;
      ResultCode?: number;
      ResultDesc?: string;
      CallbackMetadata?: { Item?: Array<{ Name: string; Value?: string | number }> };
    };
  };
}

async function main(): Promise<void> {
  const engine = process.env.NAIVE_ENGINE === 'sqlite' ? 'sqlite' : 'postgres';
  const url = process.env.NAIVE_DATABASE_URL!;
  const { PrismaClient } = (await import(process.env.NAIVE_CLIENT!)) as {
    PrismaClient: new (options: { adapter: unknown }) => NaivePrisma;
  };
  const adapter =
    engine === 'postgres'
      ? new (await import('@prisma/adapter-pg')).PrismaPg(
          { connectionString: url.replace(/[?&]schema=[^&]*/, '') },
          { schema: new URL(url).searchParams.get('schema') ?? 'public' },
        )
      : new (await import('@prisma/adapter-better-sqlite3')).PrismaBetterSQLite3({ url });
  const prisma = new PrismaClient({ adapter });

  const app = express();
  app.use(express.json());
  app.post('/{*path}', async (req, res) => {
    const callback = (req.body as StkCallbackBody).Body?.stkCallback;
    const item = (name: string) => callback?.CallbackMetadata?.Item?.find((i) => i.Name === name)?.Value;
    const payment = await prisma.transaction.findFirst({
      where: { checkoutRequestId: callback?.CheckoutRequestID },
    });
    if (payment) {
      await prisma.transaction.update({
        where: { id: payment.id },
        data: {
          status: callback?.ResultCode === 0 ? 'completed' : 'failed',
          resultCode: String(callback?.ResultCode),
          resultDesc: callback?.ResultDesc ?? null,
          mpesaReceiptNumber:
            item('MpesaReceiptNumber') === undefined ? null : String(item('MpesaReceiptNumber')),
          amountPaid: Number(item('Amount')),
          settledAt: new Date(),
          updatedAt: new Date(),
        },
      });
    }
    res.json({ ResultCode: 0, ResultDesc: 'Accepted' });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    send({ type: 'ready', url: `http://127.0.0.1:${port}` });
  });
  const close = () => server.close(() => void prisma.$disconnect().finally(() => process.exit(0)));
  process.on('disconnect', close);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'close') close();
  });
}

interface NaivePrisma {
  transaction: {
    findFirst(args: { where: { checkoutRequestId?: string } }): Promise<{ id: string } | null>;
    update(args: { where: { id: string }; data: Record<string, unknown> }): Promise<unknown>;
  };
  $disconnect(): Promise<void>;
}

main().catch((error: unknown) => {
  process.stderr.write(`naive server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
