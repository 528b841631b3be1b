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

/** Volume sources Knative accepts with its default feature flags. */
const KNATIVE_VOLUMES = ["secret", "configMap", "projected", "emptyDir"];

/**
 * What Knative Serving (KServe's Knative mode) would refuse in the predictor's pod with its default feature flags
 * (knative/serving pkg/apis/serving/fieldmask.go and config-features): a pod securityContext, volume sources other
 * than secret/configMap/projected/emptyDir, more than one port or a port name other than http1/h2c, probes on
 * another port, automountServiceAccountToken true.
 */
export function knativeViolations(pod: { spec: Spec }): string[] {
  const found: string[] = [];
  if (pod.spec.securityContext)
    found.push("a pod securityContext (needs kubernetes.podspec-securitycontext)");
  if (pod.spec.automountServiceAccountToken === true) found.push("automountServiceAccountToken: true");
  for (const volume of pod.spec.volumes ?? []) {
    const source = Object.keys(volume).find((key) => key !== "name");
    if (!source || !KNATIVE_VOLUMES.includes(source)) found.push(`volume ${volume.name}: ${source} source`);
  }
  for (const container of pod.spec.containers) {
    const ports: { name?: string; containerPort: number }[] = container.ports ?? [];
    if (ports.length > 1) found.push(`${container.name}: ${ports.length} ports (Knative routes to one)`);
    for (const port of ports) {
      if (port.name !== undefined && !["http1", "h2c"].includes(port.name))
        found.push(`${container.name}: port name ${port.name} (http1 or h2c)`);
    }
    for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
      const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port;
      if (port !== undefined && !ports.some((p) => p.containerPort === port || p.name === port))
        found.push(`${container.name}: ${probe} on port ${port}, not the serving port`);
    }
  }
  return found;
}
