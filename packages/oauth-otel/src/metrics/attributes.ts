import type { Attributes } from '@opentelemetry/api';
import { SERIES, type Series } from './aggregate/series';

type Node = Map<string, Node | Attributes>;

/**
 * Interns one frozen attribute object per label combination, carrying its series (its slot in
 * the pre-aggregated store) under the SERIES symbol: a recording call finds its counter or
 * bucket array with one property load, and nothing is built or hashed per call. Size is bounded
 * by the label vocabularies (and the provider cap).
 */
export class AttributeCache {
  private readonly root: Node = new Map();
  private readonly empty: Attributes;
  /** Every series made so far, in creation order. */
  readonly series: Series[] = [];

  constructor(
    private readonly names: readonly string[],
    private readonly create: (attributes: Attributes, slot: number) => Series,
  ) {
    this.empty = this.names.length === 0 ? this.handle({}) : Object.freeze({});
  }

  private handle(labels: Record<string, string>): Attributes {
    const attributes = Object.freeze({ ...labels });
    const s = this.create(attributes, this.series.length);
    this.series.push(s);
    Object.defineProperty(labels, SERIES, { value: s, enumerable: false });
    return Object.freeze(labels);
  }

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
    const attrs = this.handle(o);
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
