// The pod KServe makes for an InferenceService's predictor, built from the rendered objects as KServe v0.20 builds
// it (pkg/controller/v1beta1/inferenceservice/utils/utils.go): the ServingRuntime's `kserve-container` patched by
// the fields of `predictor.model` (MergeRuntimeContainers; env by name, resources per key), and the runtime's pod
// fields (volumes, node selection) under the predictor's (MergePodSpec). Only the fields our manifests use are
// merged; what KServe and Knative inject (storage-initializer, queue-proxy, the /mnt/models mount) is left out.
import type { KubeObject } from "./kustomize.js";

// biome-ignore lint/suspicious/noExplicitAny: pod specs are walked field by field after schema validation
type Spec = any;

const CONTAINER_NAME = "kserve-container";
/** Predictor fields that are KServe's own, not the pod's. */
const NOT_POD_FIELDS = [
  "model",
  "minReplicas",
  "maxReplicas",
  "canaryTrafficPercent",
  "scaleMetric",
  "scaleMetricType",
  "scaleTarget",
  "containerConcurrency",
  "timeout",
  "logger",
  "batcher",
  "labels",
  "annotations",
  "deploymentStrategy",
  "autoScaling",
];
/** predictor.model fields that are not the container's. */
const NOT_CONTAINER_FIELDS = [
  "modelFormat",
  "runtime",
  "runtimeVersion",
  "protocolVersion",
  "storageUri",
  "storage",
];

/** The ServingRuntime `isvc` names, when the rendered objects have it. */
export function runtimeOf(isvc: KubeObject, objects: KubeObject[]): KubeObject | undefined {
  const name = isvc.spec?.predictor?.model?.runtime;
  return objects.find((object) => object.kind === "ServingRuntime" && object.metadata.name === name);
}

function byName(base: { name: string }[] = [], patch: { name: string }[] = []): { name: string }[] {
  const names = new Set(patch.map((item) => item.name));
  return [...base.filter((item) => !names.has(item.name)), ...patch];
}

function mergeContainer(runtime: Spec, model: Spec): Spec {
  const patch: Spec = Object.fromEntries(
    Object.entries(model).filter(([key]) => !NOT_CONTAINER_FIELDS.includes(key)),
  );
  return {
    ...runtime,
    ...patch,
    args: [...(runtime.args ?? []), ...(patch.args ?? [])],
    env: byName(runtime.env, patch.env),
    resources: {
      requests: { ...runtime.resources?.requests, ...patch.resources?.requests },
      limits: { ...runtime.resources?.limits, ...patch.resources?.limits },
    },
    volumeMounts: byName(runtime.volumeMounts, patch.volumeMounts),
  };
}

/** The predictor's pod (labels and spec), or undefined when its runtime is not among `objects`. */
export function predictorPod(
  isvc: KubeObject,
  objects: KubeObject[],
): { labels: Record<string, string>; spec: Spec } | undefined {
  const runtime = runtimeOf(isvc, objects);
  const predictor = isvc.spec?.predictor ?? {};
  const container = runtime?.spec.containers?.find((c: Spec) => c.name === CONTAINER_NAME);
  if (!runtime || !container) return undefined;
  const podFields = Object.fromEntries(
    Object.entries(predictor).filter(([key]) => !NOT_POD_FIELDS.includes(key)),
  );
  const spec = {
    nodeSelector: runtime.spec.nodeSelector,
    affinity: runtime.spec.affinity,
    tolerations: runtime.spec.tolerations,
    imagePullSecrets: runtime.spec.imagePullSecrets,
    ...podFields,
    volumes: byName(runtime.spec.volumes, predictor.volumes),
    containers: [mergeContainer(container, predictor.model ?? {})],
  };
  return { labels: { ...runtime.spec.labels, ...predictor.labels }, spec };
}
