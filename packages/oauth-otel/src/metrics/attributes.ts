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

  /** Fixed arity (every catalog metric has at most three labels): no array per call. */
  get(a?: string, b?: string, c?: string): Attributes {
    const n = this.names.length;
    if (n === 0) return this.empty;
    const first = this.root.get(a as string);
    if (n === 1) return (first as Attributes | undefined) ?? this.make(a, b, c);
    const second = (first as Node | undefined)?.get(b as string);
    if (n === 2) return (second as Attributes | undefined) ?? this.make(a, b, c);
    return ((second as Node | undefined)?.get(c as string) as Attributes | undefined) ?? this.make(a, b, c);
  }

  private make(a?: string, b?: string, c?: string): Attributes {
    const values = [a, b, c] as string[];
    const n = this.names.length;
    const o: Record<string, string> = {};
    for (let i = 0; i < n; i++) o[this.names[i] as string] = values[i] as string;
    const attrs = Object.freeze(o);
    let node = this.root;
    for (let i = 0; i < n - 1; i++) {
      let next = node.get(values[i] as string) as Node | undefined;
      if (next === undefined) node.set(values[i] as string, (next = new Map()));
      node = next;
    }
    node.set(values[n - 1] as string, attrs);
    return attrs;
  }
}
