// mocha's own configuration, so `npm test -- --grep flush` and every mocha option work,
// and `npx mocha dist/test/netns/dvr.test.js` runs that file alone. Which files `npm test`
// runs, in order (unit tests, no root, first; then the ones that build throwaway
// namespaces), is in package.json. The summary reporter ends with the line CI reads.
'use strict';
module.exports = {
  reporter: 'scripts/mocha-summary.js',
  // A --grep that selects nothing is a mistake, not a pass.
  'fail-zero': true,
  // The sanitizer build runs every process several times slower: it asks for more time.
  timeout: Number(process.env.NLROUTE_TEST_TIMEOUT_MS) || 60000,
};
