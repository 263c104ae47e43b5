// The global options before the object, iproute2's subset that nlroute speaks:
// -4, -6, -f[amily], -n[etns], -j[son], -p[retty], -d[etails], -N[umeric], -b[atch],
// -force, -h[elp], -V[ersion].
import type { Family } from '../address';
import { matches, UsageError } from './words';

export interface Options {
  family?: Family;
  netns?: string;
  json: boolean;
  pretty: boolean;
  details: boolean;
  numeric: boolean;
  batch?: string;
  force: boolean;
  help: boolean;
  version: boolean;
}

export function parseOptions(argv: readonly string[]): { options: Options; rest: string[] } {
  const options: Options = { json: false, pretty: false, details: false, numeric: false, force: false, help: false, version: false };
  let at = 0;
  const argument = (option: string): string => {
    const value = argv[++at];
    if (value === undefined) throw new UsageError(`option "${option}" needs an argument`);
    return value;
  };
  for (; at < argv.length; at++) {
    const option = argv[at];
    if (option === '--') {
      at++;
      break;
    }
    if (!option.startsWith('-') || option === '-') break;
    const word = option.replace(/^--/, '-');
    if (word === '-4') options.family = 4;
    else if (word === '-6') options.family = 6;
    else if (matches(word, '-family')) options.family = familyWord(argument(option));
    else if (word === '-force') options.force = true;
    else if (matches(word, '-batch')) options.batch = argument(option);
    else if (matches(word, '-netns')) options.netns = argument(option);
    else if (word === '-N' || matches(word, '-Numeric')) options.numeric = true;
    else if (matches(word, '-details')) options.details = true;
    else if (matches(word, '-json')) options.json = true;
    else if (matches(word, '-pretty')) options.pretty = true;
    else if (matches(word, '-help')) options.help = true;
    else if (matches(word, '-Version')) options.version = true;
    else throw new UsageError(`option "${option}" is unknown; try "nlroute -help"`);
  }
  return { options, rest: argv.slice(at) };
}

function familyWord(text: string): Family {
  if (text === 'inet' || text === 'ipv4') return 4;
  if (text === 'inet6' || text === 'ipv6') return 6;
  throw new UsageError(`family "${text}" is not supported; nlroute knows inet and inet6`);
}
