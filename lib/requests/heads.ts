// Request heads are few (an object kind, a remove bit, flags, the errno tolerated) and
// never change, while a request keeps its head until the kernel answers it: 10 000 calls
// in flight would keep 10 000 copies for the collector to copy. So heads are shared.
import type { ObjectKind, RequestHead } from './pack-writer';

const HEADS = new Map<number, RequestHead>();

/** The one frozen head with these fields. */
export function sharedHead(object: ObjectKind, remove: boolean, flags: number, tolerate?: number): RequestHead {
  // flags fit 16 bits and errnos 12: one exact integer per head.
  const key = (((tolerate ?? 0) * 0x10000 + flags) * 2 + (object === 'rule' ? 1 : 0)) * 2 + (remove ? 1 : 0);
  let head = HEADS.get(key);
  if (!head) HEADS.set(key, (head = Object.freeze({ object, remove, flags, tolerate })));
  return head;
}
