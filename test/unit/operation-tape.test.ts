// A batch keeps its first operations as objects and the rest as bytes
// (lib/batch/operation-tape.ts). What commit() reads back, either way, must be exactly
// what plainSpec() would have handed it as an object: every value kind, key order, own
// "__proto__" keys, and the same failures.
import assert from 'node:assert/strict';

import { AS_OBJECTS, OperationTape } from '../../lib/batch/operation-tape';
import { ValidationError } from '../../lib/errors';
import { plainSpec } from '../../lib/plain';

/** A tape whose next operation is kept as bytes (`bytes`) or as an object. */
function tapeWhereNextIs(kept: 'bytes' | 'object'): OperationTape {
  const tape = new OperationTape();
  if (kept === 'bytes') for (let i = 0; i < AS_OBJECTS; i++) tape.push('rule', 'add', { priority: i });
  return tape;
}

const KEPT = ['object', 'bytes'] as const;

/** Both readings of one spec: what plainSpec makes of it, and what the tape gives back. */
function bothWays(spec: unknown, kept: 'bytes' | 'object'): { expected: unknown; got: unknown } {
  let expected: unknown;
  try {
    expected = plainSpec('route', spec);
  } catch (error) {
    expected = error;
  }
  const tape = tapeWhereNextIs(kept);
  tape.push('route', 'add', spec);
  const op = tape.at(tape.size - 1);
  return { expected, got: op.unreadable ?? op.spec };
}

/** Deep equality that also tells -0 from 0 and compares prototypes. */
function sameValue(a: unknown, b: unknown, at = 'spec'): void {
  if (typeof a !== 'object' || a === null) {
    assert.ok(Object.is(a, b), `${at}: ${String(a)} != ${String(b)}`);
    return;
  }
  assert.equal(typeof b, 'object', at);
  assert.equal(Object.getPrototypeOf(b), Object.getPrototypeOf(a), `${at}: prototype`);
  assert.deepEqual(Reflect.ownKeys(b as object), Reflect.ownKeys(a), `${at}: keys`);
  for (const key of Reflect.ownKeys(a)) {
    sameValue((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key], `${at}.${String(key)}`);
  }
}

const SPECS: Array<[string, () => unknown]> = [
  ['a route as the storm writes it', () => ({ dst: '10.1.2.3/32', type: 'blackhole', table: 101 })],
  ['every number kind', () => ({ a: 0, b: -0, c: NaN, d: Infinity, e: -Infinity, f: 2 ** 53, g: 0xffffffff, h: 2 ** 32, i: -1, j: 1.5 })],
  ['booleans, null, undefined, bigints', () => ({ a: true, b: false, c: null, d: undefined, e: 10n, f: -(2n ** 70n) })],
  ['strings: empty, latin1, beyond latin1, lone surrogate, NUL', () => ({ a: '', b: 'ÿé', c: 'v€th', d: '\ud800x', e: 'a\0b' })],
  [
    'nested hops and metrics, key order kept',
    () => ({ table: 5, nexthops: [{ via: '10.0.0.1', dev: 'v0', weight: 2 }, { dev: 'v1' }], metrics: { mtu: 1400 } }),
  ],
  ['an own __proto__ key stays a field', () => JSON.parse('{"__proto__": {"x": 1}, "dst": "10.0.0.0/8"}') as unknown],
  ['keys named like prototype members', () => ({ constructor: 1, toString: 'x', hasOwnProperty: null })],
  [
    'a getter is read once',
    () => ({
      get dst() {
        return '10.9.9.9/32';
      },
    }),
  ],
  ['a list of strings', () => ({ dst: '10.0.0.0/8', list: ['a', 'b', ''] })],
];

const FAILURES: Array<[string, () => unknown]> = [
  ['not an object', () => 'dst 10.0.0.0/8'],
  ['an array', () => [1, 2]],
  [
    'a throwing getter',
    () => ({
      get dst(): string {
        throw new Error('boom');
      },
    }),
  ],
  ['a hole in a list', () => ({ nexthops: [, { dev: 'v0' }] })], // eslint-disable-line no-sparse-arrays
  ['nested deeper than any spec', () => ({ a: { b: { c: { d: { e: { f: 1 } } } } } })],
  [
    'a revoked proxy',
    () => {
      const p = Proxy.revocable({}, {});
      p.revoke();
      return p.proxy;
    },
  ],
];

describe('batch operations kept as objects, then as bytes (operation tape)', () => {
  for (const kept of KEPT) {
    for (const [name, make] of SPECS) {
      it(`reads back what plainSpec reads, kept as ${kept}: ${name}`, () => {
        const { expected, got } = bothWays(make(), kept);
        assert.ok(!(expected instanceof Error), `plainSpec refused it: ${expected instanceof Error ? expected.message : ''}`);
        sameValue(expected, got);
      });
    }

    for (const [name, make] of FAILURES) {
      it(`fails as plainSpec fails, kept as ${kept}: ${name}`, () => {
        const { expected, got } = bothWays(make(), kept);
        assert.ok(expected instanceof ValidationError, 'plainSpec accepted it');
        assert.ok(got instanceof ValidationError);
        assert.equal(got.field, expected.field);
        assert.equal(got.message, expected.message);
      });
    }
  }

  it('keeps values with no byte form (symbols, functions) as they were read', () => {
    const symbol = Symbol('s');
    const fn = () => 1;
    const tape = tapeWhereNextIs('bytes');
    tape.push('rule', 'add', { priority: symbol });
    tape.push('route', 'add', { dst: '10.0.0.0/8', nexthops: [{ dev: fn }] });
    assert.equal(tape.at(AS_OBJECTS).spec.priority, symbol);
    assert.equal((tape.at(AS_OBJECTS + 1).spec as { nexthops: Array<{ dev: unknown }> }).nexthops[0].dev, fn);
  });

  it('keeps object, verb and order for 10 000 mixed operations', () => {
    const tape = new OperationTape();
    for (let i = 0; i < 10_000; i++) {
      if (i % 3 === 0) tape.push('rule', i % 2 ? 'delete' : 'add', { priority: i, table: i % 250 });
      else tape.push('route', i % 2 ? 'replace' : 'append', { dst: `10.${i >> 8}.${i & 255}.0/24`, dev: `v${i % 7}` });
    }
    assert.equal(tape.size, 10_000);
    for (let i = 0; i < 10_000; i++) {
      const op = tape.at(i);
      if (i % 3 === 0) assert.deepEqual(op, { object: 'rule', verb: i % 2 ? 'delete' : 'add', spec: { priority: i, table: i % 250 } });
      else
        assert.deepEqual(op, {
          object: 'route',
          verb: i % 2 ? 'replace' : 'append',
          spec: { dst: `10.${i >> 8}.${i & 255}.0/24`, dev: `v${i % 7}` },
        });
    }
    assert.deepEqual([...tape.deviceNames].sort(), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
  });

  it('keeps operations whole across chunks: one bigger than a chunk, and one rewound after it moved', () => {
    const tape = new OperationTape();
    const big = 'x'.repeat(200_000);
    const specs: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 3000; i++) {
      specs.push(i === 1500 ? { dst: big, table: i } : { dst: `10.0.${i >> 8}.${i & 255}/32`, table: i, dev: 'v€' });
    }
    const symbol = Symbol('kept');
    specs.forEach((spec, i) => {
      tape.push('route', 'add', spec);
      // A long value then one with no byte form: written, moved to a new chunk, rewound.
      if (i % 700 === 0) tape.push('route', 'delete', { dst: 'y'.repeat(40_000), bad: symbol });
    });
    const read = Array.from({ length: tape.size }, (_, i) => tape.at(i).spec as Record<string, unknown>);
    const expected: Array<Record<string, unknown>> = [];
    specs.forEach((spec, i) => {
      expected.push(spec);
      if (i % 700 === 0) expected.push({ dst: 'y'.repeat(40_000), bad: symbol });
    });
    assert.equal(read.length, expected.length);
    read.forEach((got, i) => assert.deepEqual(got, expected[i], `operation ${i}`));
  });

  for (const kept of KEPT) {
    it(`knows the explicit priority of rule deletes, and only of those, kept as ${kept}`, () => {
      const tape = tapeWhereNextIs(kept);
      const first = tape.size;
      tape.push('rule', 'delete', { priority: 7 });
      tape.push('rule', 'remove', { pref: 0xffffffff });
      tape.push('rule', 'add', { priority: 9 });
      tape.push('rule', 'delete', { priority: -1 });
      tape.push('rule', 'delete', { priority: '5' });
      tape.push('route', 'delete', { dst: '10.0.0.0/8', priority: 3 });
      tape.push('rule', 'delete', {
        get priority(): number {
          throw new Error('unreadable');
        },
      });
      assert.deepEqual(
        Array.from({ length: tape.size - first }, (_, i) => tape.deletePriority(first + i)),
        [7, 0xffffffff, undefined, undefined, undefined, undefined, undefined],
      );
    });
  }
});
