// The status line of long runs (storm, bench): redrawn in place on a terminal, one
// plain line per phase in a pipe when asked, nothing in a pipe by default.
import assert from 'node:assert/strict';

import { Progress, progressWanted } from '../../scripts/progress';

const ESC = String.fromCharCode(0x1b);

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('progress line', () => {
  it('is on by default only on a terminal; --progress and --no-progress decide otherwise', () => {
    assert.equal(progressWanted([], fakeStream(true).stream), true);
    assert.equal(progressWanted([], fakeStream(false).stream), false);
    assert.equal(progressWanted(['--progress'], fakeStream(false).stream), true);
    assert.equal(progressWanted(['--no-progress'], fakeStream(true).stream), false);
  });

  it('says nothing when not wanted', () => {
    const { stream, written } = fakeStream(false);
    const progress = new Progress(false, stream);
    progress.update('associate burst');
    progress.update('churn', 5, 10);
    progress.end();
    assert.deepEqual(written, []);
  });

  it('in a pipe: one line per phase and one when a count completes, with the elapsed time', () => {
    const { stream, written } = fakeStream(false);
    const progress = new Progress(true, stream);
    progress.update('router setup');
    for (let i = 0; i <= 500; i++) progress.update('churn', i, 500);
    progress.update('router teardown');
    progress.end();
    assert.equal(written.length, 4, written.join(''));
    assert.match(written[0], /^router setup, \d+\.\d s\n$/);
    assert.match(written[1], /^churn 0\/500, \d+\.\d s\n$/);
    assert.match(written[2], /^churn 500\/500, /);
    assert.match(written[3], /^router teardown, /);
  });

  it('on a terminal: redrawn in place, at most ten times a second, and cleared at the end', () => {
    const { stream, written } = fakeStream(true);
    const progress = new Progress(true, stream);
    for (let i = 0; i <= 10_000; i++) progress.update('churn', i, 10_000);
    progress.end();
    assert.ok(written.length >= 3 && written.length < 100, `${written.length} redraws`);
    const redraw = `\r${ESC}[K`; // carriage return, then erase to the end of the line
    for (const text of written.slice(0, -1)) {
      assert.ok(text.startsWith(`${redraw}churn `), JSON.stringify(text));
      assert.match(text.slice(redraw.length), /^churn \d+\/10000, /);
    }
    assert.match(written.at(-2)!, /churn 10000\/10000/);
    assert.equal(written.at(-1), redraw);
  });
});
