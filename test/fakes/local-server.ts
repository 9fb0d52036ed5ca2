// The plumbing every local fake shares: listening on a random loopback port, closing with its open
// connections, and scripted failures (the next N requests, or every request for a while).
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1, a random port; resolves with the base URL. */
export async function listenLocally(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server and the keep-alive connections clients still hold. */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Failures a test scripts: the next `times` requests, or every request until a moment passes. */
export class FailureScript<K> {
  private queued: K[] = [];
  private failing?: { kind: K; until: number };

  /** The next `times` requests fail as `kind`. */
  failNext(kind: K, times = 1): void {
    for (let i = 0; i < times; i++) this.queued.push(kind);
  }

  /** Every request fails as `kind` for the next `ms` milliseconds. */
  failFor(kind: K, ms: number): void {
    this.failing = { kind, until: Date.now() + ms };
  }

  /** The failure this request gets, if any (a queued one is used up). */
  next(): K | undefined {
    return (
      this.queued.shift() ?? (this.failing && Date.now() < this.failing.until ? this.failing.kind : undefined)
    );
  }

  reset(): void {
    this.queued = [];
    this.failing = undefined;
  }
}
