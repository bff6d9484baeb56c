/**
 * Breadth-first reachability over NODES nodes (shortest evidence chains): each node is queued at most once, with the
 * node that reached it (`parent`, -1 for a root, -2 not reached) and why (`label`, for roots and imports). Nodes
 * deeper than MAXDEPTH calls from a root are not queued but counted (`depthCut`) until reached by a shorter chain.
 */
export class Worklist {
  readonly parent: Int32Array;
  readonly label: (string | (() => string) | undefined)[];
  depthCut = 0;
  private readonly depth: Int32Array;
  private readonly cut: Uint8Array;
  private readonly queue: Int32Array;
  private head = 0;
  private tail = 0;

  constructor(nodes: number, private readonly maxDepth = Infinity) {
    this.parent = new Int32Array(nodes).fill(-2);
    this.label = new Array(nodes);
    this.depth = new Int32Array(nodes);
    this.cut = new Uint8Array(nodes);
    this.queue = new Int32Array(nodes);
  }

  /** Whether ID has been reached. */
  reached(id: number): boolean { return this.parent[id] !== -2; }

  /** Reaches ID from FROM (-1: a root), WHY saying how when it is not a plain call. */
  visit(id: number, from: number, why?: string | (() => string)): void {
    if (this.parent[id] !== -2) return;
    const d = from >= 0 ? this.depth[from] + 1 : 0;
    if (d > this.maxDepth) { if (!this.cut[id]) { this.cut[id] = 1; this.depthCut++; } return; }
    if (this.cut[id]) { this.cut[id] = 0; this.depthCut--; }
    this.depth[id] = d;
    this.parent[id] = from;
    if (why) this.label[id] = why;
    this.queue[this.tail++] = id;
  }

  /** Whether nodes wait to be processed. */
  get pending(): boolean { return this.head < this.tail; }

  /** The next node to process (call only while `pending`). */
  next(): number { return this.queue[this.head++]; }

}
