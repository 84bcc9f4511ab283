/**
 * The co-assignment (contact) network: people are nodes; two people are linked when they
 * worked at least `minShared` blocks together (same service, overlapping shift times).
 * Centralities: degree, betweenness (Brandes), eigenvector (power iteration), PageRank.
 */
import type { ScheduleSnapshot } from '../domain/snapshot';
import { HOUR_MS } from '../domain/time';

export const DEFAULT_MIN_SHARED_BLOCKS = 3;

export interface Network {
  ids: string[];
  index: Map<string, number>;
  /** Neighbour indices per node (edges that met the threshold). */
  adj: number[][];
  /** Shared blocks per neighbour, aligned with `adj`. */
  blocks: number[][];
  /** Shared hours per neighbour, aligned with `adj`. */
  hours: number[][];
  edgeCount: number;
}

export function coAssignmentNetwork(snapshot: ScheduleSnapshot, minShared = DEFAULT_MIN_SHARED_BLOCKS): Network {
  const ids = snapshot.people.filter((p) => p.active).map((p) => p.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const groups = new Map<string, typeof snapshot.shifts>();
  for (const s of snapshot.shifts) {
    if (s.role === 'backup' || !index.has(s.personId)) continue;
    const key = `${s.serviceId}|${s.date}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(s);
  }
  const pair = new Map<number, { blocks: number; hours: number }>();
  const n = ids.length;
  for (const g of groups.values()) {
    for (let a = 0; a < g.length; a++) {
      for (let b = a + 1; b < g.length; b++) {
        const x = g[a]!;
        const y = g[b]!;
        if (x.personId === y.personId) continue;
        const overlap = Math.min(x.endMs, y.endMs) - Math.max(x.startMs, y.startMs);
        if (overlap <= 0) continue;
        const i = index.get(x.personId)!;
        const j = index.get(y.personId)!;
        const key = Math.min(i, j) * n + Math.max(i, j);
        const e = pair.get(key) ?? { blocks: 0, hours: 0 };
        e.blocks++;
        e.hours += overlap / HOUR_MS;
        pair.set(key, e);
      }
    }
  }
  const adj: number[][] = ids.map(() => []);
  const blocks: number[][] = ids.map(() => []);
  const hours: number[][] = ids.map(() => []);
  let edgeCount = 0;
  for (const [key, e] of [...pair.entries()].sort((p, q) => p[0] - q[0])) {
    if (e.blocks < minShared) continue;
    const i = Math.floor(key / n);
    const j = key % n;
    adj[i]!.push(j);
    adj[j]!.push(i);
    blocks[i]!.push(e.blocks);
    blocks[j]!.push(e.blocks);
    hours[i]!.push(e.hours);
    hours[j]!.push(e.hours);
    edgeCount++;
  }
  return { ids, index, adj, blocks, hours, edgeCount };
}

/** Degree / (n - 1). */
export function degreeCentrality(net: Network): number[] {
  const n = net.ids.length;
  return net.adj.map((a) => (n > 1 ? a.length / (n - 1) : 0));
}

/** Brandes' betweenness on hop distances, normalised for an undirected graph by (n-1)(n-2)/2. */
export function betweennessCentrality(net: Network): number[] {
  const n = net.ids.length;
  const cb = new Array<number>(n).fill(0);
  const sigma = new Float64Array(n);
  const dist = new Int32Array(n);
  const delta = new Float64Array(n);
  const preds: number[][] = Array.from({ length: n }, () => []);
  const stack: number[] = [];
  const queue = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    stack.length = 0;
    for (let v = 0; v < n; v++) {
      preds[v]!.length = 0;
      sigma[v] = 0;
      dist[v] = -1;
      delta[v] = 0;
    }
    sigma[s] = 1;
    dist[s] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const v = queue[head++]!;
      stack.push(v);
      for (const w of net.adj[v]!) {
        if (dist[w]! < 0) {
          dist[w] = dist[v]! + 1;
          queue[tail++] = w;
        }
        if (dist[w] === dist[v]! + 1) {
          sigma[w]! += sigma[v]!;
          preds[w]!.push(v);
        }
      }
    }
    while (stack.length > 0) {
      const w = stack.pop()!;
      for (const v of preds[w]!) delta[v]! += (sigma[v]! / sigma[w]!) * (1 + delta[w]!);
      if (w !== s) cb[w]! += delta[w]!;
    }
  }
  // Each unordered pair was counted from both ends.
  const scale = n > 2 ? 1 / ((n - 1) * (n - 2)) : 0;
  return cb.map((x) => x * scale);
}

/**
 * Eigenvector centrality by power iteration on A + I (same eigenvectors, no oscillation on
 * bipartite graphs); scaled so the largest is 1. Like degree and betweenness it reads the
 * thresholded graph unweighted: a pair of inseparable partners should not outrank the person
 * who links many otherwise separate people.
 */
export function eigenvectorCentrality(net: Network, tolerance = 1e-10, maxIterations = 1000): number[] {
  const n = net.ids.length;
  if (n === 0) return [];
  let x = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  for (let it = 0; it < maxIterations; it++) {
    let norm = 0;
    for (let i = 0; i < n; i++) {
      let acc = x[i]!;
      for (const j of net.adj[i]!) acc += x[j]!;
      next[i] = acc;
      norm += acc * acc;
    }
    norm = Math.sqrt(norm) || 1;
    let change = 0;
    for (let i = 0; i < n; i++) {
      next[i]! /= norm;
      change += Math.abs(next[i]! - x[i]!);
    }
    [x, next] = [next, x];
    if (change < n * tolerance) break;
  }
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, x[i]!);
  return Array.from(x, (v) => (max > 0 ? v / max : 0));
}

/** PageRank (damping 0.85) on the unweighted graph; isolated nodes spread their rank evenly. Sums to 1. */
export function pageRank(net: Network, damping = 0.85, tolerance = 1e-12, maxIterations = 1000): number[] {
  const n = net.ids.length;
  if (n === 0) return [];
  const degree = net.adj.map((a) => a.length);
  let r = new Array<number>(n).fill(1 / n);
  for (let it = 0; it < maxIterations; it++) {
    let dangling = 0;
    for (let i = 0; i < n; i++) if (degree[i] === 0) dangling += r[i]!;
    const next = new Array<number>(n).fill((1 - damping) / n + (damping * dangling) / n);
    for (let i = 0; i < n; i++) {
      if (degree[i] === 0) continue;
      for (const j of net.adj[i]!) next[j]! += (damping * r[i]!) / degree[i]!;
    }
    let change = 0;
    for (let i = 0; i < n; i++) change += Math.abs(next[i]! - r[i]!);
    r = next;
    if (change < tolerance) break;
  }
  return r;
}

export interface Centralities {
  degree: number[];
  betweenness: number[];
  eigenvector: number[];
  pagerank: number[];
  /** PageRank divided by its maximum, so it lives on the same 0-1 scale as the others. */
  pagerankScaled: number[];
}

export function centralities(net: Network): Centralities {
  const pagerank = pageRank(net);
  const maxPr = Math.max(0, ...pagerank);
  return {
    degree: degreeCentrality(net),
    betweenness: betweennessCentrality(net),
    eigenvector: eigenvectorCentrality(net),
    pagerank,
    pagerankScaled: pagerank.map((p) => (maxPr > 0 ? p / maxPr : 0)),
  };
}
