// Every kustomization renders with the real kubectl, every object validates against the Kubernetes (and
// prometheus-operator CRD) schemas, and the policy checks hold. The policies are also run on broken copies, so a
// check that cannot fail would show here.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CONFIG_VARIABLES, parseConfig } from "../../serve/config.js";
import { gated, missingKubectl } from "../support/skip.js";
import { policyViolations } from "./support/k8s-policy.js";
import { schemaError } from "./support/kube-schemas.js";
import { type KubeObject, kustomize, OVERLAYS, ofKind } from "./support/kustomize.js";

const noKubectl = missingKubectl();
const withKubectl = gated(test, noKubectl);
const rendered = new Map(noKubectl ? [] : OVERLAYS.map((dir) => [dir, kustomize(dir)]));
const render = (dir: string) => rendered.get(dir) as KubeObject[];
const deployment = (objects: KubeObject[], name = "tabula-server") =>
  ofKind(objects, "Deployment").find((object) => object.metadata.name === name) as KubeObject;
const KSERVE_POLICY = { externalSecrets: ["tabula-api-keys", "tabula-model-storage"], requireDigest: true };
const POLICY = {
  "k8s/base": { externalSecrets: ["tabula-api-keys"] },
  "k8s/overlays/minikube": {},
  "k8s/overlays/production": { externalSecrets: ["tabula-api-keys"], requireDigest: true },
  "k8s/overlays/canary": { externalSecrets: ["tabula-api-keys"], requireDigest: true },
  "k8s/overlays/kserve": KSERVE_POLICY,
  "k8s/overlays/kserve-canary": KSERVE_POLICY,
  "k8s/jobs/tune": { requireDigest: true },
} as const;

for (const dir of OVERLAYS) {
  withKubectl(`${dir}: every rendered object validates against its schema`, () => {
    const objects = render(dir);
    assert.ok(objects.length >= 2, `${dir} rendered ${objects.length} objects`);
    const errors = objects.flatMap((object) => {
      const error = schemaError(object);
      return error ? [`${object.kind}/${object.metadata.name}: ${error}`] : [];
    });
    assert.equal(errors, []);
  });

  withKubectl(`${dir}: policy checks pass`, () => {
    assert.equal(policyViolations(render(dir), POLICY[dir as keyof typeof POLICY]), []);
  });
}

withKubectl(
  "minikube: one replica behind a NodePort, local image never pulled, no HPA/PDB/operator objects",
  () => {
    const objects = render("k8s/overlays/minikube");
    const server = deployment(objects);
    assert.is(server.spec.replicas, 1);
    const container = server.spec.template.spec.containers[0];
    assert.is(container.image, "localhost/tabula:dev");
    assert.is(container.imagePullPolicy, "Never");
    assert.is(ofKind(objects, "Service")[0]?.spec.type, "NodePort");
    for (const kind of [
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
      "ServiceMonitor",
      "PrometheusRule",
    ]) {
      assert.is(ofKind(objects, kind).length, 0, kind);
    }
    const secret = ofKind(objects, "Secret")[0];
    assert.ok(
      secret?.metadata.name.startsWith("tabula-api-keys-"),
      "the generated Secret has a content hash suffix",
    );
    const volume = server.spec.template.spec.volumes.find((v: { name: string }) => v.name === "api-keys");
    assert.is(volume.secret.secretName, secret?.metadata.name, "the Deployment follows the generated name");
  },
);

withKubectl(
  "production: 3+ replicas, HPA from 3, PDB, image pinned by digest, monitoring objects present",
  () => {
    const objects = render("k8s/overlays/production");
    const server = deployment(objects);
    assert.ok(server.spec.replicas >= 3);
    const hpa = ofKind(objects, "HorizontalPodAutoscaler")[0];
    assert.ok(hpa && hpa.spec.minReplicas >= 3 && hpa.spec.maxReplicas > hpa.spec.minReplicas);
    assert.is(ofKind(objects, "PodDisruptionBudget").length, 1);
    assert.match(
      server.spec.template.spec.containers[0].image,
      /^ghcr\.io\/tabula-ml\/tabula@sha256:[0-9a-f]{64}$/,
    );
    for (const kind of ["ServiceMonitor", "PrometheusRule", "NetworkPolicy"])
      assert.is(ofKind(objects, kind).length, 1);
    assert.ok(
      objects.every((object) => object.kind === "Namespace" || object.metadata.namespace === "tabula"),
    );
  },
);

withKubectl(
  "production: TLS at the Ingress (cert-manager), to the Service's http port; the controller may reach the pods",
  () => {
    const objects = render("k8s/overlays/production");
    const [ingress] = ofKind(objects, "Ingress");
    assert.ok(ingress, "no Ingress in production");
    const spec = ingress?.spec;
    const annotations = (ingress?.metadata as { annotations?: Record<string, string> } | undefined)
      ?.annotations;
    assert.is(annotations?.["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
    const hosts = spec.rules.map((rule: { host: string }) => rule.host);
    assert.equal(spec.tls.flatMap((tls: { hosts: string[] }) => tls.hosts).sort(), [...hosts].sort());
    assert.ok(
      spec.tls.every((tls: { secretName?: string }) => tls.secretName),
      "every TLS entry names its Secret",
    );
    const backend = spec.rules[0].http.paths[0].backend.service;
    const service = ofKind(objects, "Service").find((object) => object.metadata.name === backend.name);
    assert.ok(service, `the Ingress routes to ${backend.name}, which production does not have`);
    assert.ok(service?.spec.ports.some((port: { name: string }) => port.name === backend.port.name));
    const [policy] = ofKind(objects, "NetworkPolicy");
    assert.ok(
      JSON.stringify(policy?.spec.ingress).includes('"kubernetes.io/metadata.name":"ingress-nginx"'),
      "the NetworkPolicy lets the ingress controller in",
    );
  },
);

withKubectl(
  "canary: a second Deployment with its own image and track; the Service sends traffic to both",
  () => {
    const objects = render("k8s/overlays/canary");
    const stable = deployment(objects);
    const canary = deployment(objects, "tabula-server-canary");
    assert.ok(canary, "the canary Deployment is rendered");
    assert.is(canary.spec.replicas, 1);
    assert.is(canary.spec.selector.matchLabels["tabula.dev/track"], "canary");
    assert.is(stable.spec.selector.matchLabels["tabula.dev/track"], "stable");
    const image = (d: KubeObject) => d.spec.template.spec.containers[0].image;
    assert.is.not(image(canary), image(stable));
    const service = ofKind(objects, "Service");
    assert.is(service.length, 1, "one Service for both tracks");
    const selects = (d: KubeObject) =>
      Object.entries(service[0]?.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v);
    assert.ok(selects(stable) && selects(canary));
    // Everything else exists once: the HPA and PDB stay on the stable track.
    assert.is(ofKind(objects, "HorizontalPodAutoscaler").length, 1);
    assert.is(ofKind(objects, "HorizontalPodAutoscaler")[0]?.spec.scaleTargetRef.name, "tabula-server");
    assert.is(
      ofKind(objects, "ConfigMap").length,
      ofKind(render("k8s/overlays/production"), "ConfigMap").length,
    );
  },
);

withKubectl(
  "every server setting in the manifests is a variable the server knows, and the server accepts the values",
  () => {
    for (const dir of OVERLAYS) {
      const objects = render(dir);
      for (const server of ofKind(objects, "Deployment")) {
        const container = server.spec.template.spec.containers[0];
        const env: Record<string, string> = {};
        for (const source of container.envFrom ?? []) {
          const configMap = ofKind(objects, "ConfigMap").find(
            (c) => c.metadata.name === source.configMapRef?.name,
          );
          Object.assign(env, configMap?.data);
        }
        for (const variable of container.env ?? []) env[variable.name] = variable.value;
        const unknown = Object.keys(env).filter((name) => !CONFIG_VARIABLES.includes(name));
        assert.equal(unknown, [], `${dir} ${server.metadata.name} sets variables the server does not read`);
        const parsed = parseConfig(env);
        assert.ok(parsed.ok, `${dir}: ${parsed.ok ? "" : parsed.error.problems.join("; ")}`);
      }
    }
  },
);

withKubectl("jobs/tune: an Indexed Job with one pod per shard, all sharing the study volume", () => {
  const objects = render("k8s/jobs/tune");
  const job = ofKind(objects, "Job")[0] as KubeObject;
  assert.is(job.spec.completionMode, "Indexed");
  const command: string[] = job.spec.template.spec.containers[0].command;
  const shards = Number(command[command.indexOf("--shards") + 1]);
  assert.is(job.spec.completions, shards, "one completion per shard");
  assert.is(job.spec.parallelism, shards, "all shards at once (each waits for the others' trials)");
  assert.equal(command.slice(0, 4), ["node", "--import", "tsx", "stages/tune-shard.ts"]);
  const dir = command[command.indexOf("--dir") + 1] as string;
  const mounts: { name: string; mountPath: string }[] = job.spec.template.spec.containers[0].volumeMounts;
  const shared = mounts.find((mount) => dir.startsWith(`${mount.mountPath}/`));
  const volume = job.spec.template.spec.volumes.find((v: { name: string }) => v.name === shared?.name);
  const claim = ofKind(objects, "PersistentVolumeClaim").find(
    (c) => c.metadata.name === volume?.persistentVolumeClaim?.claimName,
  );
  assert.ok(claim, `--dir ${dir} is on a PersistentVolumeClaim`);
  assert.equal(claim?.spec.accessModes, ["ReadWriteMany"]);
  const results = mounts.find((mount) => mount.mountPath === "/app/metrics");
  assert.is(results?.name, shared?.name, "shard 0's metrics/tune.json lands on the shared volume");
});

// The checks themselves: each broken copy must produce the violation it is about.
function broken(mutate: (objects: KubeObject[]) => void): string[] {
  const objects = structuredClone(render("k8s/overlays/production"));
  mutate(objects);
  return policyViolations(objects, POLICY["k8s/overlays/production"]);
}
const container = (objects: KubeObject[]) => deployment(objects).spec.template.spec.containers[0];
const cases: [string, (objects: KubeObject[]) => void, RegExp][] = [
  ["a missing readiness probe", (o) => delete container(o).readinessProbe, /no readinessProbe/],
  ["missing memory limits", (o) => delete container(o).resources.limits, /no resources\.limits\.memory/],
  [
    "a latest tag",
    (o) => Object.assign(container(o), { image: "tabula:latest" }),
    /not pinned \(no tag, or latest\)/,
  ],
  [
    "a tag instead of a digest",
    (o) => Object.assign(container(o), { image: "tabula:1.0" }),
    /not pinned by digest/,
  ],
  [
    "root",
    (o) => {
      delete deployment(o).spec.template.spec.securityContext.runAsNonRoot;
      delete container(o).securityContext.runAsNonRoot;
    },
    /runAsNonRoot is not true/,
  ],
  [
    "a writable root fs",
    (o) => delete container(o).securityContext.readOnlyRootFilesystem,
    /readOnlyRootFilesystem/,
  ],
  [
    "kept capabilities",
    (o) => delete container(o).securityContext.capabilities,
    /capabilities are not dropped/,
  ],
  [
    "a short grace period",
    (o) => Object.assign(deployment(o).spec.template.spec, { terminationGracePeriodSeconds: 20 }),
    /terminationGracePeriodSeconds 20 < preStop \+ server grace \(30 s\)/,
  ],
  [
    "a Service selecting nothing",
    (o) => Object.assign(ofKind(o, "Service")[0]?.spec.selector, { "app.kubernetes.io/name": "other" }),
    /Service\/tabula-server: selector matches no Deployment/,
  ],
  [
    "an HPA on a missing Deployment",
    (o) => Object.assign(ofKind(o, "HorizontalPodAutoscaler")[0]?.spec.scaleTargetRef, { name: "gone" }),
    /scaleTargetRef Deployment\/gone does not exist/,
  ],
  [
    "a PDB selecting nothing",
    (o) =>
      Object.assign(ofKind(o, "PodDisruptionBudget")[0]?.spec.selector.matchLabels, {
        "tabula.dev/track": "none",
      }),
    /PodDisruptionBudget\/tabula-server: selector matches no/,
  ],
  [
    "a missing label",
    (o) => delete ofKind(o, "ConfigMap")[0]?.metadata.labels?.["app.kubernetes.io/part-of"],
    /label app\.kubernetes\.io\/part-of/,
  ],
  [
    "a missing ConfigMap",
    (o) =>
      o.splice(
        o.findIndex((x) => x.metadata.name === "tabula-server-config"),
        1,
      ),
    /envFrom refers to missing tabula-server-config/,
  ],
  [
    "a ServiceMonitor on an unknown port",
    (o) => Object.assign(ofKind(o, "ServiceMonitor")[0]?.spec.endpoints[0], { port: "metrics" }),
    /endpoint port metrics/,
  ],
];
for (const [what, mutate, expected] of cases) {
  withKubectl(`policy catches ${what}`, () => {
    const found = broken(mutate);
    assert.ok(
      found.some((violation) => expected.test(violation)),
      `expected ${expected} in ${JSON.stringify(found)}`,
    );
  });
}

withKubectl("schema validation catches a wrongly typed field", () => {
  const objects = structuredClone(render("k8s/overlays/production"));
  container(objects).ports[0].containerPort = "8080";
  assert.match(schemaError(deployment(objects)) ?? "", /containerPort must be integer/);
});

test.run();
