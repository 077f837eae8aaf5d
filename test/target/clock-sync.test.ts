/**
 * The client driver places the target's readings on this machine's clock (remote/clock-sync.ts,
 * remote/remote-power.ts). A real gateway on loopback shares this machine's clock, so the
 * direction of the offset is checked here against a stand-in for a gateway's GET /clock and
 * GET /power whose machine booted 1000 s before this one (its monotonic clock that far ahead)
 * and whose power stream is slow: each reading leaves 300 ms after it was stamped.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { PowerSample } from '../../source/power/sample.js';
import { CLOCK_PATH, POWER_PATH } from '../../source/protocol/gateway.js';
import { clockSyncOf, syncClock, toLocalNs } from '../../source/remote/clock-sync.js';
import { GatewayHttp } from '../../source/remote/gateway-http.js';
import { RemotePowerSource } from '../../source/remote/remote-power.js';

const AHEAD_NS = 1_000_000_000_000n;
const STREAM_DELAY_MS = 300;
const thereNs = () => process.hrtime.bigint() + AHEAD_NS;

describe('clock sync', () => {
  it('takes the offset from the probe of the shortest round trip, give or take half of it', () => {
    const sync = clockSyncOf([
      { sentNs: 100n, targetNs: 5_000n, receivedNs: 400n },
      // The shortest: the gateway read 1_090 while this clock was at 110 +- 10.
      { sentNs: 1_000n, targetNs: 1_090n + 1_000n, receivedNs: 1_020n },
      { sentNs: 2_000n, targetNs: 9_999n, receivedNs: 2_100n },
    ]);
    assert.deepEqual(sync, { offsetNs: 1_080n, uncertaintyNs: 10n, probes: 3 });
    assert.equal(toLocalNs(sync, 3_080n), 2_000n);
    assert.throws(() => clockSyncOf([]), /no clock probe/);
  });

  describe('against a gateway whose clock runs 1000 s ahead', () => {
    let server: Server;
    let http: GatewayHttp;
    const streams = new Set<ServerResponse>();
    /** When each reading was stamped there, on this machine's clock. */
    const stampedHere: bigint[] = [];

    before(async () => {
      server = createServer((req, res) => {
        if (req.url === CLOCK_PATH) {
          res.end(JSON.stringify({ monoNs: thereNs().toString(), wallMs: Date.now() }));
          return;
        }
        if (req.url === POWER_PATH) {
          res.writeHead(200, { 'content-type': 'application/x-ndjson' });
          streams.add(res);
          res.on('close', () => streams.delete(res));
          const power = {
            label: 'stand-in',
            kind: 'estimate',
            simulated: true,
            expectedPeriodMs: 100,
          };
          res.write(`${JSON.stringify({ type: 'source', power, status: { state: 'up' } })}\n`);
          const timer = setInterval(() => {
            const here = process.hrtime.bigint();
            stampedHere.push(here);
            const sample: PowerSample = {
              watts: 3,
              sourceTime: null,
              receivedAt: { ms: Date.now(), monoNs: (here + AHEAD_NS).toString() },
              simulated: true,
              source: 'stand-in',
            };
            setTimeout(() => {
              if (!res.destroyed) res.write(`${JSON.stringify({ type: 'sample', sample })}\n`);
            }, STREAM_DELAY_MS);
          }, 100);
          res.on('close', () => clearInterval(timer));
          return;
        }
        res.statusCode = 404;
        res.end('{}');
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      http = new GatewayHttp({ url: `http://127.0.0.1:${port}`, version: 'test' });
    });
    after(async () => {
      for (const res of streams) res.destroy();
      http.close();
      server.close();
    });

    it('measures the offset to within half a round trip', async () => {
      const sync = await syncClock(http);
      const error = sync.offsetNs - AHEAD_NS;
      assert.ok(
        (error < 0n ? -error : error) <= sync.uncertaintyNs,
        `offset ${sync.offsetNs} is ${AHEAD_NS} within ${sync.uncertaintyNs}`,
      );
    });

    it('places each reading where it was taken, not where it arrived, and keeps its own stamp', async () => {
      const sync = await syncClock(http);
      const source = new RemotePowerSource(http, {
        label: 'stand-in',
        kind: 'estimate',
        simulated: true,
        expectedPeriodMs: 100,
      });
      source.align(sync);
      const got: Array<{ sample: PowerSample; arrivedNs: bigint }> = [];
      source.on('sample', (sample) => got.push({ sample, arrivedNs: process.hrtime.bigint() }));
      const skipped = stampedHere.length;
      await source.start();
      while (got.length < 3) await new Promise((resolve) => setTimeout(resolve, 50));
      // Every reading taken up to now has arrived once settle() returns.
      const until = process.hrtime.bigint();
      await source.settle(until);
      await source.stop();
      const stamps = stampedHere.slice(skipped);
      for (const [i, { sample, arrivedNs }] of got.entries()) {
        const placed = BigInt(sample.receivedAt.monoNs);
        const taken = stamps[i] as bigint;
        const off = placed - taken;
        assert.ok(
          (off < 0n ? -off : off) <= sync.uncertaintyNs,
          `reading ${i} placed ${off} ns from when it was taken (within ${sync.uncertaintyNs})`,
        );
        // It left 300 ms after it was taken (a timer fires no earlier, give or take a ms).
        assert.ok(
          arrivedNs - placed >= BigInt(STREAM_DELAY_MS - 2) * 1_000_000n - sync.uncertaintyNs,
        );
        assert.equal(sample.targetAt?.monoNs, (taken + AHEAD_NS).toString());
      }
      assert.ok(
        got.some(({ sample }) => BigInt(sample.receivedAt.monoNs) >= until),
        'settle() waited for a reading taken after it was asked',
      );
    });
  });
});
