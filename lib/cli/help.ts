// The grammar texts that `nlroute help`, `nlroute rule help`, `nlroute route help`
// (and `help` where a keyword is expected in add, del or get) print. As with `ip`,
// they go to stderr with status 255, so a script that probes for a feature the way it
// probes `ip` (`nlroute route help 2>&1 | grep -q fibmatch`) works unchanged. They list
// what nlroute speaks, in iproute2's notation; README lists what differs from `ip`.
import { UsageError } from './words';

export type HelpTopic = 'nlroute' | 'rule' | 'route';

/** `help` was asked for: the command prints the topic's grammar instead of running. */
export class HelpRequest extends UsageError {
  override name = 'HelpRequest';
  constructor(readonly topic: HelpTopic) {
    super(`help for ${topic}`);
  }
}

const OPTIONS = `OPTIONS := { -4 | -6 | -f[amily] { inet | inet6 } | -n[etns] NAME | -j[son] | -p[retty] |
             -d[etails] | -N[umeric] | -b[atch] FILE | -force | -h[elp] | -V[ersion] }`;

const GENERAL = `Usage: nlroute [ OPTIONS ] OBJECT { COMMAND | help }
       nlroute [ -force ] -batch FILE
       nlroute [ -4 | -6 ] [ -j ] [ -n NAME ] monitor [ all | rule | route | link ]...
where  OBJECT := { rule | route }
       ${OPTIONS.replace(/\n/g, '\n       ')}
The grammar is iproute2's (man ip-rule, man ip-route); README.md lists what differs.
`;

const RULE = `Usage: nlroute rule { add | del } SELECTOR ACTION
       nlroute rule flush [ SELECTOR ]
       nlroute rule [ { list | show } [ SELECTOR ] ]
SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ] [ dsfield TOS ]
            [ fwmark FWMARK[/MASK] ] [ iif STRING ] [ oif STRING ]
            [ pref NUMBER ] [ l3mdev ] [ uidrange NUMBER-NUMBER ]
            [ ipproto PROTOCOL ] [ sport [ NUMBER | NUMBER-NUMBER ] ]
            [ dport [ NUMBER | NUMBER-NUMBER ] ]
ACTION := [ table TABLE_ID ] [ protocol PROTO ] [ nat ADDRESS ]
          [ realms [SRCREALM/]DSTREALM ] [ goto NUMBER ] [ type TYPE ]
          SUPPRESSOR
SUPPRESSOR := [ suppress_prefixlength NUMBER ] [ suppress_ifgroup DEVGROUP ]
TYPE := { unicast | blackhole | unreachable | prohibit | nop }
TABLE_ID := [ local | main | default | NAME | NUMBER ]
`;

const ROUTE = `Usage: nlroute route { list | flush } SELECTOR
       nlroute route get [ ROUTE_GET_FLAGS ] ADDRESS
                         [ from ADDRESS ] [ iif STRING ] [ oif STRING ]
                         [ tos TOS ] [ mark NUMBER ] [ uid NUMBER ]
                         [ ipproto PROTOCOL ] [ sport NUMBER ] [ dport NUMBER ]
       nlroute route { add | del | change | append | replace | prepend | test } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ] [ from PREFIX ]
            [ table TABLE_ID ] [ proto RTPROTO ] [ type TYPE ] [ scope SCOPE ]
            [ dev STRING ] [ via ADDRESS ] [ src PREFIX ] [ tos TOS ]
            [ realms REALM ] [ metric NUMBER ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ] [ from PREFIX ]
             [ table TABLE_ID ] [ proto RTPROTO ]
             [ scope SCOPE ] [ metric METRIC ]
INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...
NH := [ via [ FAMILY ] ADDRESS ] [ dev STRING ] [ weight NUMBER ]
      [ realms REALM ] NHFLAGS
FAMILY := [ inet | inet6 ]
OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ rtt TIME ] [ rttvar TIME ]
           [ reordering NUMBER ] [ window NUMBER ] [ cwnd NUMBER ]
           [ initcwnd NUMBER ] [ ssthresh NUMBER ] [ realms REALM ]
           [ src ADDRESS ] [ rto_min TIME ] [ hoplimit NUMBER ]
           [ initrwnd NUMBER ] [ features FEATURES ] [ quickack BOOL ]
           [ congctl NAME ] [ pref PREF ] [ expires TIME ]
           [ fastopen_no_cookie BOOL ]
TYPE := { unicast | local | broadcast | multicast | throw |
          unreachable | prohibit | blackhole | nat | anycast }
TABLE_ID := [ local | main | default | all | NAME | NUMBER ]
SCOPE := [ host | link | global | NAME | NUMBER ]
NHFLAGS := [ onlink ]
RTPROTO := [ kernel | boot | static | NAME | NUMBER ]
PREF := [ low | medium | high ]
TIME := NUMBER[s|ms]
BOOL := [1|0]
FEATURES := ecn
ROUTE_GET_FLAGS := [ fibmatch ]
`;

const TEXTS: ReadonlyMap<HelpTopic, string> = new Map([
  ['nlroute', GENERAL],
  ['rule', RULE],
  ['route', ROUTE],
]);

export function helpText(topic: HelpTopic): string {
  return TEXTS.get(topic) ?? GENERAL;
}
