// What middleware hands down to the routes, on ctx.state.
import type { ParameterizedContext } from "koa";

export interface ServeState {
  requestId: string;
  /** process.hrtime.bigint() when the request arrived. */
  startedAt: bigint;
  /** Who is calling: the API key's name, or the client address when keys are off. */
  identity: string;
  /** The parsed JSON body (POST routes only). */
  body: unknown;
  /** The body's bytes as received (POST routes only). */
  rawBody: Uint8Array;
}

export type ServeContext = ParameterizedContext<ServeState>;
