/**
 * Every plug parser, on anything a broker could deliver: it never throws, and a reading is
 * always a finite wattage from 0 to 100 kW with a finite or absent source time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Parsed } from '../../source/power/formats/codec.js';
import { CODECS } from '../../source/power/formats/index.js';
import { PLUG_FORMATS } from '../../source/profiles/schema.js';
import { runs } from './runs.js';

export const PLUG_RUNS = 400;

function checkParsed(parsed: Parsed): void {
  assert.ok(['reading', 'rejected', 'ignored'].includes(parsed.kind), parsed.kind);
  if (parsed.kind === 'reading') {
    assert.ok(Number.isFinite(parsed.watts), `watts ${parsed.watts}`);
    assert.ok(parsed.watts >= 0 && parsed.watts <= 100_000, `watts ${parsed.watts}`);
    assert.ok(
      parsed.sourceTime === null || Number.isFinite(parsed.sourceTime),
      `sourceTime ${parsed.sourceTime}`,
    );
  }
  if (parsed.kind === 'rejected') assert.ok(parsed.reason.length > 0);
}

/** Replaces every leaf of a JSON value with what the generator picks, keeping its shape. */
function mutateLeaves(value: unknown, pick: () => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => mutateLeaves(item, pick));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mutateLeaves(item, pick)]),
    );
  }
  return pick();
}

/** Numbers a broken plug or a hostile publisher could send, as JSON can carry them. */
const oddLeaf = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-1, -0.0001, 1e308, -1e308, 100_001, 0, 5, '12.5', '-3', 'NaN', 'Infinity', ''),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

for (const format of PLUG_FORMATS) {
  describe(`the ${format} parser`, () => {
    const codec = CODECS[format];
    const topic = format === 'zwave' ? 'zwave/plug/meter/endpoint_0/value/66049' : `plug-${format}`;
    const encoder = codec.createEncoder(topic);
    const topics = [
      ...codec.subscriptions(topic).map((t) => t.replace('#', 'x').replace('+', 'x')),
      ...encoder.reading(5, new Date()).map((m) => m.topic),
      'unrelated/topic',
    ];

    it(`never throws on arbitrary bytes (${PLUG_RUNS} cases)`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...topics), fc.uint8Array({ maxLength: 300 }), (t, bytes) => {
          const parse = codec.createParser(topic);
          checkParsed(parse(t, Buffer.from(bytes)));
        }),
        runs(PLUG_RUNS),
      );
    });

    it(`never throws on arbitrary JSON (${PLUG_RUNS} cases)`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...topics), fc.jsonValue(), (t, value) => {
          const parse = codec.createParser(topic);
          checkParsed(parse(t, Buffer.from(JSON.stringify(value) ?? 'null')));
        }),
        runs(PLUG_RUNS),
      );
    });

    it(`gives no NaN, negative or absurd watts from real messages with odd values (${PLUG_RUNS} cases)`, () => {
      fc.assert(
        fc.property(
          fc.double({ min: 0, max: 5000, noNaN: true }),
          fc.infiniteStream(oddLeaf),
          (watts, leaves) => {
            const parse = codec.createParser(topic);
            // A real message first (Shelly remembers its status), then its odd twin.
            for (const message of encoder.reading(watts, new Date())) {
              checkParsed(parse(message.topic, Buffer.from(message.payload)));
              const shape = JSON.parse(message.payload) as unknown;
              const next = leaves[Symbol.iterator]();
              const odd = mutateLeaves(shape, () => next.next().value);
              checkParsed(parse(message.topic, Buffer.from(JSON.stringify(odd) ?? 'null')));
            }
          },
        ),
        runs(PLUG_RUNS),
      );
    });
  });
}
