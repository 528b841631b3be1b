// One hot route served ahead of the router: the same middleware the router runs for it, composed once, and the same
// route information on the context (the route label for metrics and the access log, params), without the router's
// per-request work (matching every layer, building and composing a middleware chain). Any other method or path,
// including the variants the router also accepts ("/predict/", another letter case), goes on to the router, which
// keeps the route too (405 with Allow for other methods).
import type { RouterContext, RouterMiddleware } from "@koa/router";
import type { Middleware } from "koa";
import compose from "koa-compose";

export function directRoute<State>(
  method: string,
  path: string,
  ...layers: RouterMiddleware<State>[]
): Middleware<State> {
  const chain = compose(layers);
  return (ctx, next) => {
    if (ctx.method !== method || ctx.path !== path) return next();
    const routed = ctx as unknown as RouterContext<State> & { _matchedRoute: string };
    routed._matchedRoute = path;
    routed.routerPath = path;
    routed.params = {};
    return chain(routed, next);
  };
}
