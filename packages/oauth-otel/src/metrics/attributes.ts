import type { Attributes } from '@opentelemetry/api';

type Node = Map<string, Node | Attributes>;

/**
 * Interns one frozen attribute object per label combination. The SDK keys series by the object
 * it is given (and relabels a series if that object is later mutated), so sharing frozen objects
 * is both safe and allocation-free on the hot path. Size is bounded by the label vocabularies.
 */
export class AttributeCache {
  private readonly root: Node = new Map();
  private readonly empty: Attributes = Object.freeze({});

  constructor(private readonly names: readonly string[]) {}

  get(values: readonly string[]): Attributes {
    const n = this.names.length;
    if (n === 0) return this.empty;
    let node = this.root;
    for (let i = 0; i < n - 1; i++) {
      const v = values[i] as string;
      let next = node.get(v) as Node | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(v, next);
      }
      node = next;
    }
    const last = values[n - 1] as string;
    let attrs = node.get(last) as Attributes | undefined;
    if (attrs === undefined) {
      const o: Record<string, string> = {};
      for (let i = 0; i < n; i++) o[this.names[i] as string] = values[i] as string;
      attrs = Object.freeze(o);
      node.set(last, attrs);
    }
    return attrs;
  }
}
