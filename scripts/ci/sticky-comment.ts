// Creates the PR's report comment, or updates it in place: the comment is found by the marker its body starts
// with, so every push edits one comment instead of adding another. Talks to the GitHub REST API ($GITHUB_API_URL,
// set by Actions; https://api.github.com otherwise) with $GITHUB_TOKEN.
//
// usage: node --import tsx scripts/ci/sticky-comment.ts --repo owner/name --pr 12 --body-file comment.md
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { COMMENT_MARKER } from "./pr-comment.js";

export type StickyTarget = { api: string; token: string; repo: string; pr: number; marker?: string };
type Comment = { id: number; body?: string };

async function github(target: StickyTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${target.api.replace(/\/$/, "")}${path}`, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${target.token}`,
      "x-github-api-version": "2022-11-28",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function findComment(target: StickyTarget, marker: string): Promise<Comment | undefined> {
  for (let page = 1; ; page++) {
    const comments = (await github(
      target,
      "GET",
      `/repos/${target.repo}/issues/${target.pr}/comments?per_page=100&page=${page}`,
    )) as Comment[];
    const found = comments.find((comment) => comment.body?.startsWith(marker));
    if (found) return found;
    if (comments.length < 100) return undefined;
  }
}

export async function upsertComment(
  target: StickyTarget,
  body: string,
): Promise<{ action: "created" | "updated"; id: number }> {
  const marker = target.marker ?? COMMENT_MARKER;
  if (!body.startsWith(marker)) throw new Error(`the comment body must start with the marker ${marker}`);
  const existing = await findComment(target, marker);
  if (existing) {
    await github(target, "PATCH", `/repos/${target.repo}/issues/comments/${existing.id}`, { body });
    return { action: "updated", id: existing.id };
  }
  const created = (await github(target, "POST", `/repos/${target.repo}/issues/${target.pr}/comments`, {
    body,
  })) as Comment;
  return { action: "created", id: created.id };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { repo: { type: "string" }, pr: { type: "string" }, "body-file": { type: "string" } },
  });
  const token = process.env.GITHUB_TOKEN;
  const pr = Number(values.pr);
  if (!values.repo || !Number.isInteger(pr) || pr <= 0 || !values["body-file"] || !token) {
    console.error("usage: GITHUB_TOKEN=... sticky-comment.ts --repo owner/name --pr N --body-file FILE");
    process.exitCode = 2;
  } else {
    const target = {
      api: process.env.GITHUB_API_URL ?? "https://api.github.com",
      token,
      repo: values.repo,
      pr,
    };
    const result = await upsertComment(target, readFileSync(values["body-file"], "utf8"));
    console.log(`sticky-comment: ${result.action} comment ${result.id} on ${values.repo}#${pr}`);
  }
}
