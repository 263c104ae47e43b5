// Handles: every way of naming a namespace, isolation, closing, fds and threads.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { HandleClosedError, NetlinkError, open, ValidationError } from '../../lib';
import { describeInNamespace } from '../helpers/netns';
import { ipRuleAt } from '../helpers/witness';

function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

function threadNamespaces(): Set<string> {
  return new Set(fs.readdirSync('/proc/self/task').map((tid) => fs.readlinkSync(`/proc/self/task/${tid}/ns/net`)));
}

describeInNamespace('handles and namespaces', (ns, another) => {
  it('opens the same namespace by name, path, pid and fd', async function () {
    const name = ns().name;
    const sleeper = spawn('ip', ['netns', 'exec', name, 'sleep', '30'], { stdio: 'ignore' });
    const fd = fs.openSync(`/run/netns/${name}`, 'r');
    try {
      // wait until the child has entered the namespace
      const inode = fs.statSync(`/run/netns/${name}`).ino;
      for (let i = 0; i < 200 && fs.statSync(`/proc/${sleeper.pid}/ns/net`).ino !== inode; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const handles = await Promise.all([
        open({ netns: name }),
        open({ netnsPath: `/run/netns/${name}` }),
        open({ pid: sleeper.pid }),
        open({ netnsFd: fd }),
      ]);
      try {
        for (const h of handles) assert.equal(h.info.netnsInode, inode, h.info.namespace);
        await Promise.all(handles.map((h, i) => h.rules.add({ priority: 1000 + i, table: 10 + i })));
        for (let i = 0; i < handles.length; i++) {
          assert.equal(ipRuleAt(ns(), 4, 1000 + i).length, 1, `rule added through ${handles[i].info.namespace}`);
        }
      } finally {
        await Promise.all(handles.map((h) => h.close()));
      }
      // The caller's fd stays open: nlroute never closes what it was given.
      assert.equal(fs.fstatSync(fd).ino, fs.statSync(`/run/netns/${name}`).ino);
    } finally {
      fs.closeSync(fd);
      sleeper.kill();
    }
  });

  it('keeps namespaces apart: a rule added in one is not in the other', async function () {
    const a = await ns().handle();
    const b = await another().handle();
    await a.rules.add({ priority: 500, from: '10.9.0.0/16', table: 9 });
    assert.equal((await a.rules.list({ priority: 500 })).length, 1);
    assert.equal((await b.rules.list({ priority: 500 })).length, 0);
    assert.notEqual(a.info.netnsInode, b.info.netnsInode);
  });

  it('opens the current namespace read-only without touching it', async function () {
    const h = await open();
    try {
      assert.equal(h.info.netnsInode, fs.statSync('/proc/self/ns/net').ino);
      const rules = await h.rules.list({ family: 4 });
      assert.ok(
        rules.some((r) => r.priority === 0 && r.table === 255),
        'the local rule is listed',
      );
    } finally {
      await h.close();
    }
  });

  it('rejects bad namespace names before opening any file', async function () {
    for (const netns of ['', 'a/b', '..', '.', '../etc']) {
      await assert.rejects(
        open({ netns }),
        (e: unknown) => e instanceof ValidationError && e.field === 'netns',
        `netns ${JSON.stringify(netns)}`,
      );
    }
    await assert.rejects(open({ netns: ns().name, pid: 1 }), ValidationError);
    await assert.rejects(open({ pid: -1 }), ValidationError);
  });

  it('reports a namespace that does not exist as ENOENT from open', async function () {
    await assert.rejects(open({ netns: `${ns().name}-missing` }), (e: unknown) => {
      assert.ok(e instanceof NetlinkError);
      assert.equal(e.code, 'ENOENT');
      assert.equal(e.operation, 'open');
      assert.match(e.message, /missing/);
      return true;
    });
  });

  it('releases every fd on close, and a closed handle refuses work', async function () {
    const before = openFds();
    const handles = [];
    for (let i = 0; i < 20; i++) handles.push(await open({ netns: ns().name }));
    assert.ok(openFds() >= before + 20, 'each handle holds a socket');
    await Promise.all(handles.map((h) => h.close()));
    assert.equal(openFds(), before, 'all sockets and namespace files closed');
    const h = handles[0];
    assert.equal(h.closed, true);
    await assert.rejects(h.rules.list(), HandleClosedError);
    await assert.rejects(h.rules.add({ priority: 5, table: 5 }), HandleClosedError);
    await h.close(); // twice is fine
  });

  it('finishes queued operations before closing', async function () {
    const h = await open({ netns: ns().name });
    const adds = [1, 2, 3].map((i) => h.rules.add({ priority: 600 + i, table: 6 }));
    const closing = h.close();
    await Promise.all([...adds, closing]);
    assert.equal(ipRuleAt(ns(), 4, 601).length + ipRuleAt(ns(), 4, 602).length + ipRuleAt(ns(), 4, 603).length, 3);
  });

  it('reuses the I/O threads of closed handles, each time in the right namespace', async function () {
    const [a, b] = [ns(), another()];
    const threads = () => fs.readdirSync('/proc/self/task').length;
    for (let i = 0; i < 5; i++) await (await open({ netns: a.name })).close(); // fill the thread cache
    const before = threads();
    for (let i = 0; i < 40; i++) {
      const target = i % 2 ? a : b;
      const h = await open({ netns: target.name });
      await h.rules.add({ priority: 500 + i, table: 5 });
      await h.close();
    }
    assert.ok(threads() <= before + 1, `threads grew from ${before} to ${threads()}`);
    const prefs = (n: typeof a) =>
      n
        .ipJson<Array<{ priority: number }>>('rule show')
        .filter((r) => r.priority >= 500 && r.priority < 540)
        .map((r) => r.priority);
    assert.deepEqual(
      prefs(a),
      Array.from({ length: 20 }, (_, k) => 501 + 2 * k),
    );
    assert.deepEqual(
      prefs(b),
      Array.from({ length: 20 }, (_, k) => 500 + 2 * k),
    );
    assert.deepEqual([...threadNamespaces()], [fs.readlinkSync('/proc/self/ns/net')]);
  });

  it('never leaves a thread of this process in another namespace', async function () {
    const home = fs.readlinkSync('/proc/self/ns/net');
    const handles = await Promise.all([ns(), another(), another()].map((s) => open({ netns: s.name })));
    await Promise.all(handles.map((h) => h.rules.list()));
    assert.deepEqual([...threadNamespaces()], [home]);
    await Promise.all(handles.map((h) => h.close()));
    assert.deepEqual([...threadNamespaces()], [home]);
  });

  it('a process without CAP_SYS_ADMIN is told that entering a namespace needs it', function () {
    if (spawnSync('setpriv', ['--version']).status !== 0) this.skip(); // util-linux's setpriv drops root for the child
    const lib = path.join(__dirname, '..', '..', 'lib');
    const script =
      `require(${JSON.stringify(lib)}).open({ netns: ${JSON.stringify(ns().name)} })` +
      '.then((h) => h.close().then(() => console.log("opened")), (e) => console.log(e.code, e.message))';
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], {
      encoding: 'utf8',
    });
    assert.match(r.stdout, /^EPERM .*setns.*CAP_SYS_ADMIN/, r.stdout + r.stderr);
  });

  it("looks devices up inside the handle's namespace", async function () {
    const h = await ns().handle();
    const [v0] = ns().ipJson<Array<{ ifindex: number; ifname: string; address: string }>>('link show v0');
    // The hardware address too (a DVR router's IPv6 gateway is derived from its fpr- MAC).
    assert.match(v0.address, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.deepEqual(await h.link('v0'), { index: v0.ifindex, name: 'v0', address: v0.address });
    assert.deepEqual(await h.link(v0.ifindex), { index: v0.ifindex, name: 'v0', address: v0.address });
    // A device re-addressed is read again, not cached.
    ns().ip('link set v0 address 02:00:00:00:00:5a');
    assert.equal((await h.link('v0'))?.address, '02:00:00:00:00:5a');
    assert.equal(await h.link('nosuchdev'), undefined);
    // The host's devices are not visible from here (the namespace has lo, v0, v1 only).
    const links = ns()
      .ipJson<Array<{ ifname: string }>>('link show')
      .map((l) => l.ifname)
      .sort();
    assert.deepEqual(links, ['lo', 'v0', 'v1']);
  });
});
