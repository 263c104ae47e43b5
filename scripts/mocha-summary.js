// mocha's spec reporter, ending with the line CI reads: "N passed, N failed, N skipped".
// When tests were skipped because they need root, a line says so loudly: on a non-root
// run most of the suite (everything that touches the kernel) did not run.
'use strict';
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(EVENT_TEST_PASS, () => passed++);
    runner.on(EVENT_TEST_FAIL, () => failed++);
    runner.on(EVENT_TEST_PENDING, () => skipped++);
    runner.once(EVENT_RUN_END, () => {
      if (skipped && process.getuid && process.getuid() !== 0) {
        console.log(
          `\nNOT RUN: ${skipped} tests were skipped, most because they need root (they build network namespaces); run as root, as CI does.`,
        );
      }
      console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
    });
  }
}

module.exports = SummaryReporter;
