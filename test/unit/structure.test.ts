// lib/ has no import cycle (type-only imports count: a cycle of types is still a
// tangle to read), and rules/ and routes/ never reach into batch/: the batch engine
// builds on them, not the other way round.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const LIB = path.join(__dirname, '..', '..', '..', 'lib');

/** Each lib/ module (path relative to lib/, without .ts) and the lib/ modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const from = path.relative(LIB, full).replace(/\.ts$/, '');
        const text = fs.readFileSync(full, 'utf8');
        const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+'(\.[^']*)'/gms)].map((m) => {
          const target = path.relative(LIB, path.resolve(path.dirname(full), m[1]));
          return fs.existsSync(path.join(LIB, `${target}.ts`)) ? target : `${target}/index`;
        });
        graph.set(from, [...new Set(targets)]);
      }
    }
  };
  walk(LIB);
  return graph;
}

/** One cycle per strongly connected part, as a path that closes on itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe('structure of lib/', () => {
  const graph = importGraph();

  it('reads the imports it checks (a sanity check of the reader itself)', () => {
    assert.ok(graph.size > 40, `only ${graph.size} modules read`);
    assert.ok(graph.get('handle')?.includes('batch/batch'), 'handle.ts imports batch/batch.ts');
  });

  it('has no import cycle, type-only imports included', () => {
    assert.deepEqual(
      cycles(graph).map((c) => c.join(' -> ')),
      [],
    );
  });

  it('rules/ and routes/ never import batch/', () => {
    const reaching = [...graph].flatMap(([from, targets]) =>
      /^(rules|routes)\//.test(from) ? targets.filter((t) => t.startsWith('batch/')).map((t) => `${from} -> ${t}`) : [],
    );
    assert.deepEqual(reaching, []);
  });
});
