// `describe` for tests of the DVR driver on a scratch compute node: each test gets a
// fresh node built from a storm topology profile (scripts/dvr-topology), its routers
// set up by a DvrNode, and a checker; all of it is closed and its namespaces deleted
// after the test, also when it fails. Skips the suite with a message when not root.
import assert from 'node:assert/strict';

import { DvrNode, seededRandom, type FloatingIp } from '../../lib/dvr';
import { buildTopology, type Profile, type Topology } from '../../scripts/dvr-topology';
import { NodeChecker } from '../../scripts/dvr-verify';
import { ipIn } from '../../scripts/ip-commands';
import { skipUnlessRoot } from './netns';

export interface DvrNodeContext {
  topology: () => Topology;
  node: () => DvrNode;
  /** Closes the node and opens it again on the same namespaces, as an agent restart does. */
  reopen: (seed: number) => Promise<DvrNode>;
  /** What teardown left behind (nothing, when it is complete). */
  leftovers: () => Promise<string[]>;
  /** The first `perRouter` fixed IPs of every router, each with a floating IP. */
  fipsOf: (perRouter: number) => FloatingIp[];
  /** Asserts the node holds exactly these floating IPs, and packets take their paths. */
  check: (fips: FloatingIp[]) => Promise<void>;
  /**
   * Every rule and route of every namespace of the node as `ip -d` prints them, but the
   * kernel's own IPv6 link-local ones (addresses that finish duplicate detection between
   * two dumps): for "nothing changed" and "repaired to exactly what it was".
   */
  nodeState: () => string;
}

export function describeDvrNode(
  title: string,
  setup: { profile: Profile; prefix: string; seed: number },
  body: (context: DvrNodeContext) => void,
): void {
  describe(title, function () {
    let t: Topology | undefined;
    let node: DvrNode | undefined;
    let checker: NodeChecker | undefined;
    before(function () {
      skipUnlessRoot(this, title);
    });
    beforeEach(async () => {
      t = buildTopology(setup.profile, setup.prefix);
      node = await DvrNode.open({ ...t.networks, routers: t.routers, random: seededRandom(setup.seed) });
      await node.setupRouters(t.routers);
      checker = new NodeChecker(t);
    });
    afterEach(async () => {
      try {
        await checker?.close();
        await node?.close();
      } finally {
        t?.destroy();
        [t, node, checker] = [undefined, undefined, undefined];
      }
    });

    const inTest = <T>(value: T | undefined): T => {
      if (value === undefined) throw new Error('the DVR node exists only inside a test');
      return value;
    };
    body({
      topology: () => inTest(t),
      node: () => inTest(node),
      reopen: async (seed) => {
        const topology = inTest(t);
        await inTest(node).close();
        node = await DvrNode.open({ ...topology.networks, routers: topology.routers, random: seededRandom(seed) });
        return node;
      },
      leftovers: () => inTest(checker).leftovers(),
      fipsOf: (perRouter) => {
        const topology = inTest(t);
        return topology.routers.flatMap((r, i) =>
          topology.fixedIps
            .get(r.id)!
            .slice(0, perRouter)
            .map((fixedIp, k) => ({ floatingIp: topology.floatingIp(i * 100 + k), fixedIp, routerId: r.id })),
        );
      },
      check: async (fips) => {
        const current = inTest(node);
        assert.deepEqual(await inTest(checker).check((f) => current.priorityOf(f), fips), []);
      },
      nodeState: () => {
        const topology = inTest(t);
        return [...topology.externals.map((e) => e.namespace), ...topology.routers.map((r) => r.namespace)]
          .map((ns) =>
            ['-4 rule', '-6 rule', '-4 route show table all', '-6 route show table all'].map((what) => ipIn(ns, `-d ${what}`)).join(''),
          )
          .join('\n')
          .split('\n')
          .filter((line) => !(line.includes('fe80:') && line.includes('proto kernel')))
          .join('\n');
      },
    });
  });
}
