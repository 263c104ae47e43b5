# The pyroute2 method of the benchmark harness: the same rules and routes as nlraw,
# one IPRoute call per operation, each waiting for its answer. Run inside the
# namespace under test (ip netns exec NS /usr/bin/python3 pyroute2-worker.py KIND N);
# prints its own measurement as JSON, so interpreter start-up is not counted.
import json
import resource
import sys
import time

from pyroute2 import IPRoute


def rule(i):
    return {"src": f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}", "src_len": 32, "table": 16, "priority": 32768 + i}


def route_dst(i):
    n = 0xAC100000 + i
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}/32"


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    ipr = IPRoute()
    oif = ipr.link_lookup(ifname="v0")[0]
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.monotonic()
    if kind == "rules":
        for i in range(n):
            ipr.rule("add", **rule(i))
        for i in range(n):
            ipr.rule("del", **rule(i))
    else:
        for i in range(n):
            ipr.route("add", dst=route_dst(i), gateway="169.254.0.2", oif=oif, table=16)
        for i in range(n):
            ipr.route("del", dst=route_dst(i), table=16)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    ipr.close()
    print(json.dumps({"wall_s": wall, "user_s": after.ru_utime - before.ru_utime,
                      "sys_s": after.ru_stime - before.ru_stime, "ops": 2 * n}))


main()
