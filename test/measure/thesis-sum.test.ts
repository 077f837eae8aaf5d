import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../source/core/compare.js';
import { type InvocationSpan, thesisFigure } from '../../source/measure/block-figures.js';
import { ThesisSums } from '../../source/measure/thesis-sum.js';
import type { TimedWatts } from '../../source/power/integrate.js';

/** Invocations back to back and readings every `everyNs`, interleaved as a run logs them. */
function run(seed: number, everyNs: number, invocations: number) {
  const random = seededRandom(seed);
  const events: Array<{ reading: TimedWatts } | { span: InvocationSpan }> = [];
  let now = 1_000_000_000n;
  let nextReading = now + BigInt(Math.floor(random() * everyNs));
  for (let i = 0; i < invocations; i++) {
    const start = now;
    const end = start + BigInt(100_000 + Math.floor(random() * 3_000_000));
    // Readings arrive when they are taken: inside an invocation they come before its record.
    while (nextReading <= end) {
      events.push({
        reading: { watts: 3 + random() * 2, receivedAt: { monoNs: nextReading.toString() } },
      });
      nextReading += BigInt(everyNs);
    }
    events.push({ span: { startNs: start.toString(), endNs: end.toString() } });
    now = end + BigInt(Math.floor(random() * 50_000));
  }
  return events;
}

/** The events to the running sums, and the lists the whole-list method takes. */
function feed(events: ReturnType<typeof run>) {
  const sums = new ThesisSums();
  const readings: TimedWatts[] = [];
  const spans: InvocationSpan[] = [];
  for (const event of events) {
    if ('reading' in event) {
      readings.push(event.reading);
      sums.reading(event.reading);
    } else {
      spans.push(event.span);
      sums.invocation('c', event.span.startNs, event.span.endNs);
    }
  }
  return { sums, readings, spans };
}

describe('the thesis method one invocation at a time', () => {
  for (const [everyNs, label] of [
    [1_000_000_000, '1 Hz'],
    [100_000_000, '10 Hz'],
    [1_000_000, '1 kHz (several readings per invocation)'],
  ] as const) {
    it(`gives thesisFigure's figure over the whole list to the last bit, ${label}`, () => {
      const { sums, readings, spans } = feed(run(everyNs, everyNs, 20_000));
      const expected = thesisFigure(readings, spans);
      assert.ok(expected.invocations > 0);
      assert.deepEqual(sums.figures().get('c'), expected);
    });
  }

  it('settles invocations whose readings come after their records the same way', () => {
    // A source that logs a reading a little after the invocation it fell in.
    const events = run(7, 1_000_000, 5_000);
    const late = [...events];
    for (let i = 0; i + 1 < late.length; i++) {
      const a = late[i];
      const b = late[i + 1];
      if (a && b && 'reading' in a && 'span' in b) {
        late[i] = b;
        late[i + 1] = a;
        i++;
      }
    }
    const { sums, readings, spans } = feed(late);
    assert.deepEqual(sums.figures().get('c'), thesisFigure(readings, spans));
  });
});
