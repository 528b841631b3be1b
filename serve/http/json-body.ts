// Reads a JSON request body: only `application/json` (415 otherwise), at most `limit` bytes (413, checked against
// Content-Length before reading and again while reading), parsed once into ctx.state.body (400 with the parser's
// message when it is not JSON). readJsonBody serves both the Koa routes (jsonBody) and the lean /predict listener. An oversized body is answered at once and the connection closes after the answer,
// lingering (lingering-close.ts) so that the client, still sending, reads the 413 rather than a reset.
import type { IncomingMessage } from "node:http";
import type { Middleware } from "koa";
import { ApiFailure } from "../errors.js";
import { type LingerBounds, lingerAfterResponse } from "./lingering-close.js";
import type { ServeState } from "./state.js";

function isJson(contentType: string): boolean {
  if (contentType === "application/json") return true; // what nearly every client sends: no parsing
  const [type, ...parameters] = contentType.split(";");
  if (type?.trim().toLowerCase() !== "application/json") return false;
  return parameters.every((parameter) => {
    const [name, value] = parameter.split("=").map((part) => part.trim().toLowerCase());
    return name !== "charset" || value === "utf-8" || value === "utf8" || value === '"utf-8"';
  });
}

/** How much of an oversized body is still read and dropped, and for how long, before the connection is reset. */
function lingerBounds(limit: number): LingerBounds {
  return { maxBytes: Math.max(4 * limit, 8 * 1024 * 1024), idleMs: 2000, totalMs: 10_000 };
}

function tooLarge(req: IncomingMessage, limit: number): ApiFailure {
  lingerAfterResponse(req, lingerBounds(limit));
  return new ApiFailure(
    { code: "body_too_large", message: `the body is larger than the limit of ${limit} bytes` },
    { connection: "close" },
  );
}

const EMPTY = Buffer.alloc(0);

// Per request, so kept lean: a one-chunk body (nearly all) is used as it arrived, and the listeners stay on the
// finished request (a settled promise ignores later calls) except when an oversized body stops being collected.
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeListener("data", onData);
        reject(tooLarge(req, limit));
      } else if (first === undefined) first = chunk;
      else if (more === undefined) more = [first, chunk];
      else more.push(chunk);
    };
    const onError = (error: Error) =>
      reject(
        new ApiFailure({ code: "invalid_body", message: `the body could not be read: ${error.message}` }),
      );
    req.on("data", onData);
    req.on("end", () => resolve(more ? Buffer.concat(more, size) : (first ?? EMPTY)));
    req.on("error", onError);
    req.on("aborted", () => onError(new Error("the client aborted the request")));
  });
}

export interface JsonBody {
  /** The body's bytes as received. */
  raw: Buffer;
  parsed: unknown;
}

/** Reads and parses `req`'s JSON body, or throws the ApiFailure that answers it (415, 413, 400). */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<JsonBody> {
  const contentType = req.headers["content-type"] ?? "";
  if (!isJson(contentType))
    throw new ApiFailure({
      code: "unsupported_media_type",
      message: `send the body as JSON with "Content-Type: application/json"; got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : "no Content-Type"}`,
    });
  if (Number(req.headers["content-length"]) > limit) throw tooLarge(req, limit);
  const raw = await readBody(req, limit);
  if (raw.length === 0)
    throw new ApiFailure({ code: "invalid_json", message: "the body is empty; send a JSON object" });
  try {
    return { raw, parsed: JSON.parse(raw.toString("utf8")) };
  } catch (error) {
    throw new ApiFailure({
      code: "invalid_json",
      message: `the body is not valid JSON: ${(error as Error).message}`,
    });
  }
}

export function jsonBody(limit: number): Middleware<ServeState> {
  return async (ctx, next) => {
    const { raw, parsed } = await readJsonBody(ctx.req, limit);
    ctx.state.rawBody = raw;
    ctx.state.body = parsed;
    await next();
  };
}
