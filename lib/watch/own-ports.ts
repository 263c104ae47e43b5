// The netlink port ids of the handles this JavaScript environment has open, per
// namespace: a notification carries the port id of the socket whose request caused
// it, and port ids are unique only within one namespace.
const byNamespace = new Map<string, Set<number>>();

export function namespaceKey(netnsDev: number, netnsInode: number): string {
  return `${netnsDev}:${netnsInode}`;
}

/** Records an open handle's port; the function returned forgets it (at close). */
export function noteOwnPort(namespace: string, portId: number): () => void {
  let ports = byNamespace.get(namespace);
  if (!ports) byNamespace.set(namespace, (ports = new Set()));
  ports.add(portId);
  return () => {
    ports.delete(portId);
    if (ports.size === 0 && byNamespace.get(namespace) === ports) byNamespace.delete(namespace);
  };
}

export function isOwnPort(namespace: string, portId: number): boolean {
  return portId !== 0 && (byNamespace.get(namespace)?.has(portId) ?? false);
}
