import { context, type Context } from '@opentelemetry/api';
import { currentFlow } from '../internal/flow-scope';
import { CappedBytes } from './body';
import { BODY_CAP, type Route } from './types';

/** One OAuth request in flight: what it is, when it started, the bytes kept so far. */
export class Exchange {
  readonly start = performance.now();
  /**
   * Where the request was made, read when it starts (the channel messages that finish it run in
   * the socket's context): the flow whose callback made it, and the context its span joins.
   */
  readonly flow = currentFlow();
  readonly ctx: Context = context.active();
  status = 0;
  contentEncoding: string | undefined;
  /** client_id of an HTTP Basic `Authorization` header (token requests only; the secret is dropped). */
  clientId: string | undefined;
  readonly request: CappedBytes | undefined;
  readonly response: CappedBytes | undefined;

  constructor(
    readonly route: Route,
    /** Where it was seen: undici carries bodies, the http module only statuses. */
    readonly bodies: boolean,
    /** Origin of the request (the challenge's resource server, the token endpoint's origin). */
    readonly origin: string,
    /** Path and query of the request (read for protected-resource metadata only). */
    readonly path = '',
  ) {
    const cap = BODY_CAP[route.kind];
    this.request = bodies && cap.request > 0 ? new CappedBytes(cap.request) : undefined;
    this.response = bodies && cap.response > 0 ? new CappedBytes(cap.response) : undefined;
  }

  elapsedMs(): number {
    return performance.now() - this.start;
  }
}
