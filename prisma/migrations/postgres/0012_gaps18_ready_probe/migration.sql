-- GET /ready's write probe on PostgreSQL (src/db/postgres.ts, probeWrite): each probe truncates
-- this table and inserts one row in a transaction it rolls back, so it never holds a row. Its
-- server owns its disk; only a write that needs a new block tells the service that disk is full.
-- PostgreSQL only (SQLite's folder is checked directly), and not a Prisma model: the database
-- layer's own table, as the migration ledger is.
CREATE TABLE "_bridge_ready_probe" ("at" TIMESTAMP(3) NOT NULL);
