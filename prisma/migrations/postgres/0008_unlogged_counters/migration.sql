-- Rate-limit counters and the Socket.io adapter's 30-second attachments are worth nothing after
-- a PostgreSQL crash (a crash resets the limit windows; the broadcasts are long gone), so their
-- tables skip the WAL: a signed request's counter update then commits without waiting for an
-- fsync. Prisma's schema cannot say UNLOGGED; this migration is the only place that does.
ALTER TABLE "rate_limits" SET UNLOGGED;
ALTER TABLE "socket_io_attachments" SET UNLOGGED;
