/**
 * What each part of a connection costs on the heap, from V8 heap snapshots
 * (`v8.getHeapSnapshot()`): every object is charged to its nearest labelled
 * owner in the dominator tree (the owner that alone keeps it alive), and the
 * difference between two snapshots, divided by the connections opened in
 * between, is the cost per connection of each owner.
 *
 * Owners are recognised by class name (`Actor`, `Liveness`, `WebSocket`...),
 * by the property that holds them (an actor's `system` and `_snapshot`, a
 * snapshot's `context`), and closures (with their scope) by the file that
 * defines them. An object no labelled owner dominates (held from two places,
 * such as a timer list and a closure) is charged by its own kind.
 */
import v8 from 'node:v8';

interface RawSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
    node_count: number;
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** How one snapshot's objects are charged: bytes and objects per owner. */
export type Charges = Map<string, { bytes: number; objects: number }>;

/** A rule that names the owner of a node from its kind, name and the edge that reaches it. */
export interface OwnerRules {
  /** The owner a node is, by its own class name or script, or undefined. */
  own(node: NodeView): string | undefined;
  /** The owner the target of `edge` (from `from`, an owner) is, or undefined. */
  held?(from: NodeView, ownerOfFrom: string, edge: string, target: NodeView): string | undefined;
  /** The bucket of a node no owner dominates. */
  fallback(node: NodeView): string;
}

/** One node of the snapshot, as the rules see it. */
export interface NodeView {
  readonly type: string;
  readonly name: string;
  /** The value of a string-valued property (`id` of an actor), if any. */
  property(name: string): string | undefined;
  /** For a closure: the script (file URL) that defines it. */
  readonly script: string | undefined;
}

export async function takeSnapshot(): Promise<RawSnapshot> {
  const chunks: Buffer[] = [];
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as RawSnapshot;
}

/**
 * Charges every object reachable from the root to an owner (or a fallback
 * bucket). With `detail`, buckets also name each object's kind, and with
 * 'dominator' its immediate dominator's: for finding what a part is made of.
 */
export function charge(
  raw: RawSnapshot,
  rules: OwnerRules,
  detail?: 'kind' | 'dominator',
): Charges {
  const { meta } = raw.snapshot;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const typeField = meta.node_fields.indexOf('type');
  const nameField = meta.node_fields.indexOf('name');
  const sizeField = meta.node_fields.indexOf('self_size');
  const edgeCountField = meta.node_fields.indexOf('edge_count');
  const edgeTypeField = meta.edge_fields.indexOf('type');
  const edgeNameField = meta.edge_fields.indexOf('name_or_index');
  const edgeToField = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf('weak');
  const named = new Set(
    ['context', 'property', 'internal', 'shortcut'].map((t) => edgeTypes.indexOf(t)),
  );
  const { nodes, edges, strings } = raw;
  const count = nodes.length / nodeFields;

  const firstEdge = new Int32Array(count + 1);
  for (let n = 0, e = 0; n < count; n += 1) {
    firstEdge[n] = e;
    e += (nodes[n * nodeFields + edgeCountField] as number) * edgeFields;
    firstEdge[n + 1] = e;
  }
  const target = (e: number) => (edges[e + edgeToField] as number) / nodeFields;
  const edgeName = (e: number) => {
    const type = edges[e + edgeTypeField] as number;
    const value = edges[e + edgeNameField] as number;
    return named.has(type) ? (strings[value] as string) : String(value);
  };
  const strong = (e: number) => edges[e + edgeTypeField] !== weak;

  // Post-order from the root (node 0), iteratively.
  const order = new Int32Array(count).fill(-1);
  const postorder = new Int32Array(count);
  let visited = 0;
  {
    const stack = new Int32Array(count);
    const cursor = new Int32Array(count);
    const seen = new Uint8Array(count);
    let top = 0;
    stack[0] = 0;
    seen[0] = 1;
    cursor[0] = firstEdge[0] as number;
    while (top >= 0) {
      const n = stack[top] as number;
      const end = firstEdge[n + 1] as number;
      let e = cursor[n] as number;
      while (e < end && (!strong(e) || seen[target(e)])) e += edgeFields;
      if (e < end) {
        cursor[n] = e + edgeFields;
        const m = target(e);
        seen[m] = 1;
        cursor[m] = firstEdge[m] as number;
        top += 1;
        stack[top] = m;
      } else {
        order[n] = visited;
        postorder[visited] = n;
        visited += 1;
        top -= 1;
      }
    }
  }

  // Predecessors (strong edges between reachable nodes), by post-order index.
  const predCount = new Int32Array(visited + 1);
  for (let n = 0; n < count; n += 1) {
    if ((order[n] as number) < 0) continue;
    for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e += edgeFields) {
      if (!strong(e)) continue;
      const m = order[target(e)] as number;
      if (m >= 0) predCount[m + 1] = (predCount[m + 1] as number) + 1;
    }
  }
  for (let i = 0; i < visited; i += 1)
    predCount[i + 1] = (predCount[i + 1] as number) + (predCount[i] as number);
  const preds = new Int32Array(predCount[visited] as number);
  const fill = predCount.slice(0, visited);
  for (let n = 0; n < count; n += 1) {
    const from = order[n] as number;
    if (from < 0) continue;
    for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e += edgeFields) {
      if (!strong(e)) continue;
      const m = order[target(e)] as number;
      if (m < 0) continue;
      preds[fill[m] as number] = from;
      fill[m] = (fill[m] as number) + 1;
    }
  }

  // Dominators (Cooper, Harvey and Kennedy), on post-order indices: the root is visited - 1.
  const root = visited - 1;
  const idom = new Int32Array(visited).fill(-1);
  idom[root] = root;
  for (let changed = true; changed; ) {
    changed = false;
    for (let b = root - 1; b >= 0; b -= 1) {
      let next = -1;
      for (let p = predCount[b] as number; p < (predCount[b + 1] as number); p += 1) {
        let q = preds[p] as number;
        if (idom[q] === -1) continue;
        if (next === -1) {
          next = q;
          continue;
        }
        let r = next;
        while (q !== r) {
          while (q < r) q = idom[q] as number;
          while (r < q) r = idom[r] as number;
        }
        next = q;
      }
      if (next !== -1 && idom[b] !== next) {
        idom[b] = next;
        changed = true;
      }
    }
  }

  const view = (n: number): NodeView => {
    const base = n * nodeFields;
    return {
      type: nodeTypes[nodes[base + typeField] as number] as string,
      name: strings[nodes[base + nameField] as number] as string,
      property(name: string) {
        for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e += edgeFields) {
          if (edgeName(e) !== name) continue;
          const to = target(e) * nodeFields;
          if (nodeTypes[nodes[to + typeField] as number]?.includes('string')) {
            return strings[nodes[to + nameField] as number];
          }
        }
        return undefined;
      },
      get script() {
        const shared = childNamed(n, 'shared');
        const script =
          shared === undefined ? undefined : childNamed(shared, 'script_or_debug_info');
        return script === undefined
          ? undefined
          : strings[nodes[script * nodeFields + nameField] as number];
      },
    };
  };
  const childNamed = (n: number, name: string) => {
    for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e += edgeFields) {
      if (edgeName(e) === name) return target(e);
    }
    return undefined;
  };

  // Labels: a node's own, then what its labelled holder says of it (and of a closure's scope).
  const labels = new Map<number, string>();
  for (let i = 0; i < visited; i += 1) {
    const n = postorder[i] as number;
    const own = rules.own(view(n));
    if (own !== undefined && !labels.has(n)) labels.set(n, own);
  }
  const work = [...labels.keys()];
  for (let i = 0; i < work.length; i += 1) {
    const n = work[i] as number;
    const owner = labels.get(n) as string;
    const from = view(n);
    for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e += edgeFields) {
      if (!strong(e)) continue;
      const m = target(e);
      if (labels.has(m) || (order[m] as number) < 0) continue;
      const name = edgeName(e);
      // A closure's scope goes with the closure.
      const held =
        from.type === 'closure' && name === 'context'
          ? owner
          : rules.held?.(from, owner, name, view(m));
      if (held === undefined) continue;
      labels.set(m, held);
      work.push(m);
    }
  }

  // Each node's owner: its own label, else its immediate dominator's owner (reverse post-order).
  const ownerOf: (string | undefined)[] = new Array(visited);
  const charges: Charges = new Map();
  for (let b = root; b >= 0; b -= 1) {
    const n = postorder[b] as number;
    const owner = labels.get(n) ?? (b === root ? undefined : ownerOf[idom[b] as number]);
    ownerOf[b] = owner;
    let bucket = owner ?? rules.fallback(view(n));
    if (detail) {
      bucket += ` | ${kindOf(view(n))}`;
      if (detail === 'dominator' && b !== root) {
        bucket += ` <- ${kindOf(view(postorder[idom[b] as number] as number))}`;
      }
    }
    const entry = charges.get(bucket) ?? { bytes: 0, objects: 0 };
    entry.bytes += nodes[n * nodeFields + sizeField] as number;
    entry.objects += 1;
    charges.set(bucket, entry);
  }
  return charges;
}

function kindOf(node: NodeView): string {
  return `${node.type} ${node.name.slice(0, 40)}`;
}

/** What `after` holds more than `before`, per bucket, divided by `units`. */
export function perUnit(before: Charges, after: Charges, units: number): Charges {
  const result: Charges = new Map();
  for (const [bucket, { bytes, objects }] of after) {
    const base = before.get(bucket) ?? { bytes: 0, objects: 0 };
    result.set(bucket, {
      bytes: (bytes - base.bytes) / units,
      objects: (objects - base.objects) / units,
    });
  }
  for (const [bucket, { bytes, objects }] of before) {
    if (!after.has(bucket))
      result.set(bucket, { bytes: -bytes / units, objects: -objects / units });
  }
  return result;
}
