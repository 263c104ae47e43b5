// Faults an agent meets in the field: its namespace deleted under an open handle (and
// during a batch), close() with work still pending, thousands of handles opened and
// closed, and SIGINT in the middle of a batch.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

import { HandleClosedError, open } from '../../lib';
import { LIBRARY } from '../helpers/child';
import { describeInNamespace } from '../helpers/netns';

const openFds = () => fs.readdirSync('/proc/self/fd').length;
const threads = () => fs.readdirSync('/proc/self/task').length;

describeInNamespace('faults', (ns) => {
  it('a namespace deleted under an open handle: the handle goes on in it until closed', async function () {
    const h = await ns().handle();
    ns().ip('netns del ' + ns().name); // `ip netns del` only unmounts; our socket keeps the namespace
    await h.routes.add({ dst: '10.80.0.0/16', type: 'blackhole', table: 100 });
    assert.equal((await h.routes.list({ table: 100 })).length, 1);
    await ns().closeHandle();
  });

  it('a namespace deleted during a 50k-operation batch: every result is definite', async function () {
    this.timeout(120_000);
    const h = await ns().handle();
    const batch = h.batch();
    for (let i = 0; i < 50_000; i++)
      batch.routes.add({ dst: `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`, type: 'blackhole', table: 100 });
    const committing = batch.commit();
    ns().ipTry('netns del ' + ns().name);
    const results = await committing;
    assert.equal(results.length, 50_000);
    assert.ok(
      results.every((r) => r.ok),
      'the namespace lives on while the socket holds it',
    );
    assert.equal((await h.routes.list({ table: 100 })).length, 50_000);
  });

  it('close() with 5000 single calls pending: each settles, close resolves, later calls fail', async function () {
    const h = await open({ netns: ns().name });
    const adds = Array.from({ length: 5000 }, (_, i) =>
      h.routes.add({ dst: `10.81.${i >> 8}.${i & 255}/32`, type: 'blackhole', table: 100 }),
    );
    const closing = h.close();
    const settled = await Promise.allSettled(adds);
    await closing;
    assert.ok(
      settled.every((s) => s.status === 'fulfilled'),
      'calls made before close() finish',
    );
    await assert.rejects(h.routes.list(), HandleClosedError);
    assert.equal(ns().ip('route show table 100').trim().split('\n').length, 5000);
  });

  it('10 000 handles opened and closed: descriptors back to where they were, threads within the idle cache', async function () {
    this.timeout(120_000);
    const fds = openFds();
    const tasks = threads();
    for (let i = 0; i < 10_000; i++) {
      const h = await open({ netns: ns().name });
      await h.close();
    }
    assert.equal(openFds(), fds);
    assert.ok(threads() <= tasks + 16, `${threads()} threads, ${tasks} before (the idle cache keeps at most 16)`);
  });

  it('SIGINT in the middle of a batch, with a handler that exits: the process exits 130, no crash', async function () {
    this.timeout(60_000);
    const script = `
      const { open } = require(${JSON.stringify(LIBRARY)});
      process.on('SIGINT', () => process.exit(130));
      (async () => {
        const h = await open({ netns: ${JSON.stringify(ns().name)} });
        const b = h.batch();
        for (let i = 0; i < 100000; i++) b.routes.add({ dst: '10.' + (100 + (i >> 16)) + '.' + ((i >> 8) & 255) + '.' + (i & 255) + '/32', type: 'blackhole', table: 100 });
        console.log('committing');
        await b.commit();
        console.log('finished');
      })();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('committing')) setTimeout(() => child.kill('SIGINT'), 10);
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    assert.equal(signal, null, stderr);
    assert.ok(code === 130 || code === 0, `exit ${code}: ${stderr}`);
  });
});
