import type { Redactor } from '../redaction';

/**
 * The public createRedactor() hands out a frozen, guarded facade; the logger's hot path and the
 * egress guard's clean-line check need the engine's own redactor behind it (fresh copies, the
 * clean-JSON check). Facade → engine redactor, for facades made by the package only.
 */
const cores = new WeakMap<Redactor, Redactor>();

export function registerFacade(facade: Redactor, core: Redactor): void {
  cores.set(facade, core);
}

/** The engine redactor behind a facade of ours, else `r` itself. Never throws. */
export function redactorCore(r: Redactor): Redactor {
  try {
    return cores.get(r) ?? r;
  } catch {
    return r;
  }
}
