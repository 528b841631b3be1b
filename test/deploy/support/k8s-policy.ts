// Policy checks on rendered manifests: what a reviewer would otherwise check by eye. Returns every violation as a
// sentence naming the object, so one run shows all of them.
import { predictorPod } from "./kserve-pod.js";
import { id, type KubeObject, ofKind } from "./kustomize.js";

export type PolicyOptions = {
  /** Secrets that are created outside git (their absence from the render is expected). */
  externalSecrets?: readonly string[];
  /** Images must be pinned by digest (production). */
  requireDigest?: boolean;
};

// biome-ignore lint/suspicious/noExplicitAny: pod specs are walked field by field after schema validation
type Pod = any;

const REQUIRED_LABELS = { "app.kubernetes.io/name": "tabula", "app.kubernetes.io/part-of": "tabula" };

function podTemplate(
  object: KubeObject,
  objects: KubeObject[] = [],
): { labels: Record<string, string>; spec: Pod } | undefined {
  if (object.kind === "Deployment" || object.kind === "Job") {
    return { labels: object.spec?.template?.metadata?.labels ?? {}, spec: object.spec?.template?.spec ?? {} };
  }
  if (object.kind === "InferenceService") return predictorPod(object, objects);
  return undefined;
}

/** The probes a server container needs. Under KServe (Knative) the queue-proxy runs the readiness probe from the
 * pod's start, so no startupProbe is needed there. */
const PROBES: Record<string, string[]> = {
  Deployment: ["livenessProbe", "readinessProbe", "startupProbe"],
  InferenceService: ["livenessProbe", "readinessProbe"],
};

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function containerViolations(
  owner: string,
  container: Pod,
  pod: Pod,
  probes: readonly string[],
  options: PolicyOptions,
) {
  const where = `${owner} container ${container.name}`;
  const found: string[] = [];
  const resources = container.resources ?? {};
  for (const [kind, key] of [
    ["requests", "cpu"],
    ["requests", "memory"],
    ["limits", "memory"],
  ] as const) {
    if (resources[kind]?.[key] === undefined) found.push(`${where}: no resources.${kind}.${key}`);
  }
  for (const probe of probes) {
    if (!container[probe]) found.push(`${where}: no ${probe}`);
  }
  const image: string = container.image ?? "";
  const [, tag] = image.split("@")[0]?.match(/:([^/:]+)$/) ?? [];
  if (!image.includes("@") && (tag === undefined || tag === "latest")) {
    found.push(`${where}: image ${image} is not pinned (no tag, or latest)`);
  }
  if (options.requireDigest && !/@sha256:[0-9a-f]{64}$/.test(image)) {
    found.push(`${where}: image ${image} is not pinned by digest`);
  }
  const security = container.securityContext ?? {};
  const runAsNonRoot = security.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
  if (runAsNonRoot !== true) found.push(`${where}: runAsNonRoot is not true`);
  const uid = security.runAsUser ?? pod.securityContext?.runAsUser;
  if (uid === 0) found.push(`${where}: runs as uid 0`);
  if (security.readOnlyRootFilesystem !== true) found.push(`${where}: readOnlyRootFilesystem is not true`);
  if (security.allowPrivilegeEscalation !== false)
    found.push(`${where}: allowPrivilegeEscalation is not false`);
  if (security.privileged === true) found.push(`${where}: privileged`);
  if (!security.capabilities?.drop?.includes("ALL"))
    found.push(`${where}: capabilities are not dropped (ALL)`);
  if ((security.capabilities?.add ?? []).length > 0) found.push(`${where}: adds capabilities`);
  return found;
}

/** The seconds a container may need after SIGTERM: its preStop sleep plus the server's shutdown grace. */
function shutdownSeconds(container: Pod, configMaps: KubeObject[]): number | undefined {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const configMap = configMaps.find((candidate) => candidate.metadata.name === source.configMapRef?.name);
    Object.assign(env, configMap?.data ?? {});
  }
  for (const variable of container.env ?? [])
    if (variable.value !== undefined) env[variable.name] = variable.value;
  const graceMs = env.SERVE_GRACE_MS;
  if (graceMs === undefined) return undefined;
  const command: string[] = container.lifecycle?.preStop?.exec?.command ?? [];
  const preStop = command[0] === "sleep" ? Number(command[1]) : 0;
  return preStop + Number(graceMs) / 1000;
}

export function policyViolations(objects: KubeObject[], options: PolicyOptions = {}): string[] {
  const found: string[] = [];
  const deployments = ofKind(objects, "Deployment");
  const configMaps = ofKind(objects, "ConfigMap");
  const names = (kind: string) => new Set(ofKind(objects, kind).map((object) => object.metadata.name));
  const secrets = new Set([...names("Secret"), ...(options.externalSecrets ?? [])]);

  for (const object of objects) {
    if (object.kind === "Namespace") continue;
    for (const [key, value] of Object.entries(REQUIRED_LABELS)) {
      if (object.metadata.labels?.[key] !== value) found.push(`${id(object)}: label ${key} is not ${value}`);
    }
  }

  for (const object of objects) {
    const pod = podTemplate(object, objects);
    if (object.kind === "InferenceService" && !pod) {
      found.push(
        `${id(object)}: its ServingRuntime (${object.spec?.predictor?.model?.runtime}) is not rendered`,
      );
    }
    if (!pod) continue;
    const owner = id(object);
    const probes = PROBES[object.kind] ?? [];
    const containers: Pod[] = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
    for (const container of containers) {
      const isInit = (pod.spec.initContainers ?? []).includes(container);
      found.push(...containerViolations(owner, container, pod.spec, isInit ? [] : probes, options));
      for (const source of container.envFrom ?? []) {
        const name = source.configMapRef?.name ?? source.secretRef?.name;
        const known = source.configMapRef ? names("ConfigMap").has(name) : secrets.has(name);
        if (!known) found.push(`${owner}: envFrom refers to missing ${name}`);
      }
      if (object.kind === "Deployment") {
        const needed = shutdownSeconds(container, configMaps);
        const granted = pod.spec.terminationGracePeriodSeconds ?? 30;
        if (needed === undefined) found.push(`${owner}: SERVE_GRACE_MS is not set`);
        else if (granted < needed) {
          found.push(
            `${owner}: terminationGracePeriodSeconds ${granted} < preStop + server grace (${needed} s)`,
          );
        }
      }
    }
    for (const volume of pod.spec.volumes ?? []) {
      if (volume.secret && !secrets.has(volume.secret.secretName)) {
        found.push(`${owner}: volume ${volume.name} refers to missing Secret ${volume.secret.secretName}`);
      }
      if (volume.configMap && !names("ConfigMap").has(volume.configMap.name)) {
        found.push(`${owner}: volume ${volume.name} refers to missing ConfigMap ${volume.configMap.name}`);
      }
    }
    const account = pod.spec.serviceAccountName;
    if (account && !names("ServiceAccount").has(account))
      found.push(`${owner}: ServiceAccount ${account} missing`);
    if (pod.spec.automountServiceAccountToken !== false)
      found.push(`${owner}: automounts a service account token`);
    if (object.kind === "Deployment" && !matches(object.spec.selector?.matchLabels, pod.labels)) {
      found.push(`${owner}: selector does not match its pod template labels`);
    }
  }

  // Two Deployments must not select each other's pods.
  for (const a of deployments) {
    for (const b of deployments) {
      if (a !== b && matches(a.spec.selector?.matchLabels, podTemplate(b)?.labels ?? {})) {
        found.push(`${id(a)}: selector also matches the pods of ${id(b)}`);
      }
    }
  }

  for (const service of ofKind(objects, "Service")) {
    const targets = deployments.filter((deployment) =>
      matches(service.spec.selector, podTemplate(deployment)?.labels ?? {}),
    );
    if (targets.length === 0) found.push(`${id(service)}: selector matches no Deployment's pods`);
    for (const port of service.spec.ports ?? []) {
      if (typeof port.targetPort !== "string") continue;
      for (const target of targets) {
        const podPorts = (podTemplate(target)?.spec.containers ?? []).flatMap((c: Pod) => c.ports ?? []);
        if (!podPorts.some((p: Pod) => p.name === port.targetPort)) {
          found.push(`${id(service)}: targetPort ${port.targetPort} is not a port of ${id(target)}`);
        }
      }
    }
  }

  for (const hpa of ofKind(objects, "HorizontalPodAutoscaler")) {
    const ref = hpa.spec.scaleTargetRef;
    if (ref.kind !== "Deployment" || !names("Deployment").has(ref.name)) {
      found.push(`${id(hpa)}: scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
    }
  }
  for (const kind of ["PodDisruptionBudget", "NetworkPolicy"]) {
    for (const object of ofKind(objects, kind)) {
      const selector =
        kind === "NetworkPolicy" ? object.spec.podSelector?.matchLabels : object.spec.selector?.matchLabels;
      if (!deployments.some((deployment) => matches(selector, podTemplate(deployment)?.labels ?? {}))) {
        found.push(`${id(object)}: selector matches no Deployment's pods`);
      }
    }
  }
  for (const monitor of ofKind(objects, "ServiceMonitor")) {
    const services = ofKind(objects, "Service").filter((service) =>
      matches(monitor.spec.selector?.matchLabels, service.metadata.labels ?? {}),
    );
    if (services.length === 0) found.push(`${id(monitor)}: selects no Service`);
    for (const endpoint of monitor.spec.endpoints ?? []) {
      if (!services.some((service) => service.spec.ports.some((p: Pod) => p.name === endpoint.port))) {
        found.push(`${id(monitor)}: endpoint port ${endpoint.port} is not a port of the selected Services`);
      }
    }
  }
  return found;
}
