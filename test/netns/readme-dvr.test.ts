// README's DvrNode example, run as written: its prerequisite commands and its code,
// with the namespace names swapped for scratch ones, then the kernel checked for what
// the example says it writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { describeExit, LIBRARY, runChild } from '../helpers/child';
import { describeInNamespace } from '../helpers/netns';

const README = path.join(__dirname, '..', '..', '..', 'README.md');

/** The fenced block that follows `<!-- NAME -->` in README. */
function block(name: string): string {
  const text = fs.readFileSync(README, 'utf8');
  const at = text.indexOf(`<!-- ${name} -->`);
  assert.ok(at >= 0, `README has no <!-- ${name} --> block`);
  const start = text.indexOf('\n', text.indexOf('```', at)) + 1;
  return text.slice(start, text.indexOf('```', start));
}

describeInNamespace("README's DvrNode example runs as written", (ns, another) => {
  it('prerequisites, then the example: the rule and the /32 are in the kernel', function () {
    const second = another();
    const [fip, qrouter] = [ns().name, second.name];
    const rename = (text: string) => text.replaceAll('fip-8d21', fip).replaceAll('qrouter-7f3e', qrouter);
    for (const line of rename(block('dvr-prerequisites')).split('\n').map((l) => l.trim()).filter(Boolean)) {
      if (line.startsWith('ip netns add ')) continue; // the scratch namespaces exist already
      const words = line.split(/\s+/);
      assert.equal(words[0], 'ip', line);
      const r = spawnSync('ip', words.slice(1), { encoding: 'utf8' });
      assert.equal(r.status, 0, `${line}: ${r.stderr}`);
    }
    const code = rename(block('dvr-example'))
      .replace("import { DvrNode } from 'nlroute/dvr';", `const { DvrNode } = require(${JSON.stringify(path.join(LIBRARY, 'dvr'))});`);
    const r = runChild(`(async () => {\n${code}\n})().catch((e) => { console.error(e); process.exit(1); });`);
    assert.equal(r.status, 0, describeExit(r));
    assert.match(ns().ip('route show 198.51.100.7/32'), /via 169\.254\.64\.10 dev fpr-7f3e2c1a-9 proto static/);
    assert.match(second.ip('rule show'), /from 10\.0\.0\.5 lookup 16/);
  });
});
