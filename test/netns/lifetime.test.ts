// How native resources end: a process that exits with handles still open, handles
// in Worker threads (opened and closed, terminated mid-batch, several at once). Each
// case runs in its own process, since a failure here is a crash at teardown.
import assert from 'node:assert/strict';

import { describeExit, runChild } from '../helpers/child';
import { describeInNamespace } from '../helpers/netns';

function assertCleanExit(script: string, expectedOutput: RegExp): void {
  const r = runChild(script);
  assert.equal(r.signal, null, describeExit(r));
  assert.equal(r.status, 0, describeExit(r));
  assert.match(r.stdout, expectedOutput, describeExit(r));
}

describeInNamespace('process and Worker teardown with native resources', (ns) => {
  for (const count of [1, 2, 5]) {
    it(`a process that exits with ${count} handle(s) still open exits 0`, function () {
      assertCleanExit(
        `const { open } = require(LIB);
         (async () => {
           const handles = [];
           for (let i = 0; i < ${count}; i++) handles.push(await open({ netns: '${ns().name}' }));
           await Promise.all(handles.map((h) => h.rules.list()));
           console.log('open', handles.length);
         })();`,
        new RegExp(`open ${count}`),
      );
    });
  }

  it('a process that exits while a batch is in flight exits 0', function () {
    assertCleanExit(
      `const { open } = require(LIB);
       (async () => {
         const h = await open({ netns: '${ns().name}' });
         const b = h.batch();
         for (let i = 0; i < 20000; i++) b.routes.add({ dst: '10.' + (i >> 8 & 255) + '.' + (i & 255) + '.0/24', type: 'blackhole', table: 100 });
         b.commit();
         console.log('left running');
         setTimeout(() => process.exit(0), 5);
       })();`,
      /left running/,
    );
  });

  it('a process that exits while a watch waits for the kernel exits 0', function () {
    assertCleanExit(
      `const { open } = require(LIB);
       (async () => {
         const h = await open({ netns: '${ns().name}' });
         const watch = h.watch();
         await watch.ready;
         watch.next();
         console.log('waiting');
         setTimeout(() => process.exit(0), 20);
       })();`,
      /waiting/,
    );
  });

  it('a process with a followDevices handle open ends by itself when its work is done', function () {
    assertCleanExit(
      `const { open } = require(LIB);
       (async () => {
         const h = await open({ netns: '${ns().name}', followDevices: true });
         await h.rules.list();
         console.log('done, handle left open');
       })();`,
      /done, handle left open/,
    );
  });

  it('a Worker terminated while its watch waits for the kernel: the process exits 0', function () {
    assertCleanExit(
      `const { Worker } = require('node:worker_threads');
       const w = new Worker(\`const { open } = require(\${JSON.stringify(LIB)});
         const { parentPort } = require('node:worker_threads');
         (async () => {
           const h = await open({ netns: '${ns().name}' });
           const watch = h.watch({ initial: true });
           await watch.next();
           parentPort.postMessage('watching');
           await watch.next();
         })();\`, { eval: true });
       w.on('message', () => w.terminate());
       w.on('exit', () => console.log('terminated'));`,
      /terminated/,
    );
  });

  it('a Worker that opens, uses and closes a handle, and the process, exit 0', function () {
    assertCleanExit(
      `const { Worker } = require('node:worker_threads');
       const w = new Worker(\`const { open } = require(\${JSON.stringify(LIB)});
         (async () => { const h = await open({ netns: '${ns().name}' }); await h.rules.list(); await h.close(); })();\`, { eval: true });
       w.on('exit', (code) => console.log('worker exit', code));`,
      /worker exit 0/,
    );
  });

  it("a Worker that exits with handles open leaves the main thread's handles working", function () {
    assertCleanExit(
      `const { Worker } = require('node:worker_threads');
       const { open } = require(LIB);
       (async () => {
         const mine = await open({ netns: '${ns().name}' });
         await new Promise((resolve) => {
           const w = new Worker(\`const { open } = require(\${JSON.stringify(LIB)});
             (async () => { for (let i = 0; i < 3; i++) await open({ netns: '${ns().name}' }); })();\`, { eval: true });
           w.on('exit', resolve);
         });
         const rules = await mine.rules.list();
         console.log('main still works', rules.length > 0);
         await mine.close();
       })();`,
      /main still works true/,
    );
  });

  it('two Workers terminated in the middle of 100k-operation batches: the process exits 0', function () {
    this.timeout(120_000);
    assertCleanExit(
      `const { Worker } = require('node:worker_threads');
       const body = \`const { open } = require(\${JSON.stringify(LIB)});
         const { parentPort, workerData } = require('node:worker_threads');
         (async () => {
           const h = await open({ netns: '${ns().name}' });
           const b = h.batch();
           for (let i = 0; i < 100000; i++) b.routes.add({ dst: '10.' + (i >> 16) + '.' + ((i >> 8) & 255) + '.' + (i & 255) + '/32', type: 'blackhole', table: workerData });
           parentPort.postMessage('committing');
           await b.commit();
           parentPort.postMessage('finished');
         })();\`;
       let exited = 0;
       for (const table of [100, 101]) {
         const w = new Worker(body, { eval: true, workerData: table });
         w.on('message', (m) => { if (m === 'committing') setTimeout(() => w.terminate(), 20 + table - 100); });
         w.on('exit', () => { if (++exited === 2) console.log('both terminated'); });
       }`,
      /both terminated/,
    );
  });

  // A Worker terminated while one of our methods runs (here: requests() encoding 300k
  // packed routes on the Worker's thread): the method's own N-API calls then fail, and
  // node-addon-api could not throw the resulting error into JavaScript; it threw a C++
  // exception out of the callback instead and the process aborted. Fixed by
  // NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS (binding.gyp).
  it('a Worker terminated while a native method runs: the process exits 0', function () {
    this.timeout(120_000);
    assertCleanExit(
      `const { Worker } = require('node:worker_threads');
       const body = \`
         const path = require('node:path');
         const { parentPort } = require('node:worker_threads');
         const lib = \${JSON.stringify(LIB)};
         const { addon } = require(path.join(lib, 'native'));
         const { PackWriter } = require(path.join(lib, 'requests', 'pack-writer'));
         const { routeToRecord } = require(path.join(lib, 'routes', 'to-record'));
         const { NameRegistry } = require(path.join(lib, 'names', 'registry'));
         (async () => {
           const h = new addon.NativeHandle({ path: '/run/netns/${ns().name}' });
           await h.open();
           const writer = new PackWriter();
           const context = { names: new NameRegistry() };
           const head = { object: 'route', remove: false, flags: 0x600 };
           for (let i = 0; i < 300000; i++)
             writer.add(head, routeToRecord({ dst: '10.' + (i >> 16) + '.' + ((i >> 8) & 255) + '.' + (i & 255) + '/32', type: 'blackhole', table: 100 }, 'add', context));
           const packed = writer.finish();
           parentPort.postMessage('calling');
           h.requests(packed.words, packed.text, packed.sides, {});
         })();\`;
       const w = new Worker(body, { eval: true });
       w.on('message', (m) => { if (m === 'calling') w.terminate(); });
       w.on('exit', () => console.log('terminated'));`,
      /terminated/,
    );
  });
});
