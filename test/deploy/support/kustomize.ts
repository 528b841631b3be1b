// Renders a kustomization with the real `kubectl kustomize` and parses the objects it prints.
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked by schema, then read field by field
  spec?: any;
  data?: Record<string, string>;
};

export const OVERLAYS = [
  "k8s/base",
  "k8s/overlays/minikube",
  "k8s/overlays/production",
  "k8s/overlays/canary",
  "k8s/overlays/kserve",
  "k8s/overlays/kserve-canary",
  "k8s/jobs/tune",
];

export function kustomize(dir: string): KubeObject[] {
  const text = execFileSync("kubectl", ["kustomize", dir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(`${dir}: ${document.errors[0]?.message}`);
    return document.toJS() as KubeObject;
  });
}

export function ofKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

/** "<kind>/<name>" for messages. */
export function id(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}
