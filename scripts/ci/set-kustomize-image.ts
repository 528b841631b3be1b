// Sets an image in a kustomization.yaml's `images:` list (what `kustomize edit set image` does, without needing the
// kustomize binary; comments and layout are kept). The release pins production to the digest it just pushed.
//
// usage: node --import tsx scripts/ci/set-kustomize-image.ts <kustomization dir> <image name> <new ref>
//   e.g. ... k8s/overlays/production tabula ghcr.io/org/tabula@sha256:<64 hex>   (or ...:tag)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isMap, isSeq, parseDocument, YAMLMap } from "yaml";

export type ImageRef = { newName: string; digest?: string; newTag?: string };

export function parseImageRef(ref: string): ImageRef {
  const digest = /^([^@\s]+)@(sha256:[0-9a-f]{64})$/.exec(ref);
  if (digest) return { newName: digest[1] as string, digest: digest[2] as string };
  if (ref.includes("@")) throw new Error(`${ref}: a digest must be sha256:<64 lowercase hex digits>`);
  const tagged = /^(.+?)(?::([\w][\w.-]{0,127}))?$/.exec(ref);
  const [, name, tag] = tagged ?? [];
  if (!name || /\s/.test(ref) || name.endsWith("/")) throw new Error(`${ref}: not an image reference`);
  if (tag === "latest") throw new Error(`${ref}: pin a version or a digest, not latest`);
  if (tag === undefined) throw new Error(`${ref}: give a tag or a digest`);
  return { newName: name, newTag: tag };
}

/** The kustomization text with `name` pointing at `ref`. */
export function setImage(text: string, name: string, ref: ImageRef, file = "kustomization.yaml"): string {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
  let images = document.get("images");
  if (images === undefined) {
    document.set("images", document.createNode([]));
    images = document.get("images");
  }
  if (!isSeq(images)) throw new Error(`${file}: images is not a list`);
  let entry = images.items.find((item) => isMap(item) && item.get("name") === name) as YAMLMap | undefined;
  if (!entry) {
    entry = new YAMLMap();
    entry.set("name", name);
    images.items.push(entry);
  }
  entry.set("newName", ref.newName);
  for (const key of ["newTag", "digest"] as const) {
    if (ref[key] === undefined) entry.delete(key);
    else entry.set(key, ref[key]);
  }
  return document.toString();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, name, ref] = process.argv.slice(2);
  if (!dir || !name || !ref) {
    console.error("usage: set-kustomize-image.ts <kustomization dir> <image name> <new ref>");
    process.exitCode = 2;
  } else {
    try {
      const file = join(dir, "kustomization.yaml");
      writeFileSync(file, setImage(readFileSync(file, "utf8"), name, parseImageRef(ref), file));
      console.log(`set-kustomize-image: ${file}: ${name} → ${ref}`);
    } catch (error) {
      console.error(`set-kustomize-image: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  }
}
