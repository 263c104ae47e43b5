// README's examples, run as written: each `<!-- example: NAME -->` block after the
// prerequisite commands README gives for it, with README's namespace names swapped for
// scratch ones, then the kernel (and what the example's comments promise) checked.
// test/unit/readme-examples compiles every block; this runs the ones README says run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

import { describeExit, LIBRARY, runChild } from '../helpers/child';
import { describeInNamespace, type ScratchNamespace } from '../helpers/netns';

const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

/** The fenced block that follows `<!-- MARK -->` in README. */
function block(mark: string): string {
  const at = README.indexOf(`<!-- ${mark} -->`);
  assert.ok(at >= 0, `README has no <!-- ${mark} --> block`);
  const start = README.indexOf('\n', README.indexOf('```', at)) + 1;
  return README.slice(start, README.indexOf('```', start));
}

/** README's namespace names -> this test's scratch namespaces. */
type Names = Map<string, ScratchNamespace>;

function rename(text: string, names: Names): string {
  let out = text;
  for (const [readme, scratch] of names) out = out.replaceAll(readme, scratch.name);
  return out;
}

/**
 * Runs a prerequisites block: `ip` commands and the name-file overlay, each of them
 * bound to one of the scratch namespaces (anything else is refused, so a README line can
 * never reach the host's own namespace).
 */
function runPrerequisites(mark: string, names: Names): void {
  const scratch = [...names.values()].map((ns) => ns.name);
  const lines = rename(block(mark), names)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of lines) {
    const words = line.split(/\s+/);
    const bound = scratch.some((name) => words.includes(name) || line.includes(`/etc/netns/${name}/`));
    assert.ok(bound, `README prerequisite "${line}" names none of the scratch namespaces`);
    if (line.startsWith('ip netns add ')) continue; // the scratch namespaces exist already
    if (words[0] === 'ip') {
      const r = spawnSync('ip', words.slice(1), { encoding: 'utf8' });
      assert.equal(r.status, 0, `${line}: ${r.stderr}`);
    } else if (words[0] === 'mkdir' && words[1] === '-p' && words.length === 3) {
      fs.mkdirSync(words[2], { recursive: true });
    } else {
      const echo = /^echo '([^']*)' > (\S+)$/.exec(line);
      assert.ok(echo, `README prerequisite "${line}" is not one this test knows how to run`);
      fs.writeFileSync(echo[2], `${echo[1]}\n`);
    }
  }
}

/**
 * The example as a CommonJS script for a child process: imports of the package point at
 * the compiled library, the rest runs inside an async function (README's blocks use
 * top-level await), `after` runs at the end (to print what the test checks), and the
 * TypeScript is stripped by the compiler's transpiler.
 */
function runnable(code: string, after: string): string {
  const lines = code.split('\n');
  const imports = lines
    .filter((l) => l.startsWith('import '))
    .map((l) => l.replace("'nlroute/dvr'", JSON.stringify(path.join(LIBRARY, 'dvr'))).replace("'nlroute'", JSON.stringify(LIBRARY)));
  const body = lines.filter((l) => !l.startsWith('import '));
  const source = [...imports, '(async () => {', ...body, after, '})().catch((e) => { console.error(e); process.exit(1); });'].join('\n');
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** Runs example NAME; resolves to the JSON its `after` code printed on the last line. */
function runExample(name: string, names: Names, after = ''): unknown {
  const r = runChild(runnable(rename(block(`example: ${name}`), names), after));
  assert.equal(r.status, 0, describeExit(r));
  const last = r.stdout.trim().split('\n').at(-1);
  return last ? (JSON.parse(last) as unknown) : undefined;
}

describeInNamespace("README's examples run as written", (ns, another) => {
  /** The namespaces of "Using it", with its prerequisites run. */
  function usingIt(): { qrouter1: ScratchNamespace; qrouter: ScratchNamespace; fip: ScratchNamespace; names: Names } {
    const [qrouter1, qrouter, fip] = [ns(), another(), another()];
    const names: Names = new Map([
      ['qrouter-1', qrouter1],
      ['qrouter-7f3e', qrouter],
      ['fip-8d21', fip],
    ]);
    runPrerequisites('examples-prerequisites', names);
    return { qrouter1, qrouter, fip, names };
  }

  it('Using it: the rule is added, listed as the comment says, and deleted', () => {
    const { qrouter1, names } = usingIt();
    const listed = runExample('using-it', names, 'console.log(JSON.stringify(fips));');
    assert.deepEqual(listed, [{ family: 4, priority: 32768, from: '10.0.0.5/32', table: 16, action: 'lookup', protocol: 0 }]);
    assert.doesNotMatch(qrouter1.ip('rule show'), /10\.0\.0\.5/, 'the listed rule deleted itself');
  });

  it("the seed's examples: a table by its rt_tables name, and the nat rule", () => {
    const { qrouter1, names } = usingIt();
    runExample('seed', names);
    const rules = qrouter1.ip('rule show');
    assert.match(rules, /^220:\s+from 192\.203\.80\.0\/24 lookup inr\.ruhep/m);
    assert.match(rules, /^320:\s+from 193\.233\.7\.83 lookup 1 (map-to|masquerade)/m);
  });

  it('DVR through the API: the routes, the rule, and the lookup leaving via rfp- in table 16', () => {
    const { qrouter, fip, names } = usingIt();
    const route = runExample('dvr-api', names, 'console.log(JSON.stringify(route));') as Record<string, unknown>;
    assert.equal(route.table, 16);
    assert.equal(route.via, '169.254.106.115');
    assert.equal(route.dev, 'rfp-7f3e');
    assert.equal(route.iif, 'qr-1');
    assert.match(fip.ip('route show 198.51.100.7/32'), /via 169\.254\.106\.114 dev fpr-7f3e proto static/);
    assert.match(qrouter.ip('route show table 16'), /^default via 169\.254\.106\.115 dev rfp-7f3e/m);
    assert.match(qrouter.ip('route show 10.161.0.0/16'), /nexthop via 10\.1\.0\.3 dev qr-1 weight 3/);
    assert.match(qrouter.ip('route show 78.22.45.0/24'), /via 10\.45\.22\.1 dev qr-1 src 10\.45\.22\.12/);
  });

  it('Batches: the results are the ones the comment shows, and the kernel has them', () => {
    const { qrouter, names } = usingIt();
    const results = runExample('batch', names, 'console.log(JSON.stringify(results.map((r) => r.status)));');
    assert.deepEqual(results, ['done', 'done', 'done', 'unchanged']);
    assert.match(qrouter.ip('rule show'), /^32768:\s+from 10\.0\.0\.5 lookup 16/m);
    assert.match(qrouter.ip('route show 172.16.0.0/24'), /via 10\.0\.0\.4 dev qr-1/);
  });

  it('Reconcile: the desired rules and routes, and nothing else of the scope', () => {
    const { qrouter, fip, names } = usingIt();
    qrouter.ip('rule add from 10.0.0.77 lookup 16 pref 40000'); // in scope, not desired: removed
    const result = runExample('reconcile', names, 'console.log(JSON.stringify(r));') as { added: unknown[]; failures: unknown[] };
    assert.equal(result.added.length, 2);
    assert.deepEqual(result.failures, []);
    const rules = qrouter.ip('rule show');
    assert.match(rules, /^32768:\s+from 10\.0\.0\.5 lookup 16/m);
    assert.match(rules, /^32771:\s+from 10\.0\.0\.9 lookup 16/m);
    assert.doesNotMatch(rules, /10\.0\.0\.77/);
    const routes = fip.ip('route show proto static');
    assert.match(routes, /^198\.51\.100\.7 via 169\.254\.106\.114 dev fpr-7f3e/m);
    assert.match(routes, /^198\.51\.100\.9 via 169\.254\.106\.114 dev fpr-7f3e/m);
  });

  it('the DvrNode example, after its own prerequisites: the rule and the /32 are in the kernel', () => {
    const [fip, qrouter] = [ns(), another()];
    const names: Names = new Map([
      ['fip-8d21', fip],
      ['qrouter-7f3e', qrouter],
    ]);
    runPrerequisites('dvr-prerequisites', names);
    const results = runExample('dvr', names, 'console.log(JSON.stringify(results));') as Array<{ ok: boolean }>;
    assert.deepEqual(
      results.map((r) => r.ok),
      [true],
    );
    assert.match(fip.ip('route show 198.51.100.7/32'), /via 169\.254\.64\.10 dev fpr-7f3e2c1a-9 proto static/);
    assert.match(qrouter.ip('rule show'), /from 10\.0\.0\.5 lookup 16/);
  });
});
