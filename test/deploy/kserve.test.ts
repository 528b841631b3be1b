// The KServe overlays (rendered with the real kubectl; their schemas and policies are checked with the others in
// k8s.test.ts): the ServingRuntime and the InferenceService agree with each other and with the server (protocol,
// port, model format, model path, probes, metrics), the canary changes only the model and the traffic share, and a
// server started with the runtime container's settings on a model laid out as KServe's storage-initializer lays
// it out answers every path KServe will call.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CONFIG_VARIABLES, parseConfig } from "../../serve/config.js";
import { keyFileLine } from "../../serve/http/keyring.js";
import { MANIFEST_FORMAT, type Manifest, ManifestSchema } from "../../src/artifact/manifest.js";
import { request, startInProcess, tempDir } from "../serve/support/harness.js";
import { gated, missingKubectl } from "../support/skip.js";
import { policyViolations } from "./support/k8s-policy.js";
import { knativeViolations, predictorPod, runtimeOf } from "./support/kserve-pod.js";
import { kserveSchemaError } from "./support/kserve-schemas.js";
import { type KubeObject, kustomize, ofKind } from "./support/kustomize.js";

const noKubectl = missingKubectl();
const withKubectl = gated(test, noKubectl);
const STABLE = "k8s/overlays/kserve";
const CANARY = "k8s/overlays/kserve-canary";
const rendered = new Map(noKubectl ? [] : [STABLE, CANARY].map((dir) => [dir, kustomize(dir)]));
const render = (dir: string) => structuredClone(rendered.get(dir) as KubeObject[]);
/** Where KServe's storage-initializer puts the storageUri's files (constants.DefaultModelLocalMountPath). */
const KSERVE_MODEL_DIR = "/mnt/models";

function parts(objects: KubeObject[]) {
  const isvc = ofKind(objects, "InferenceService")[0] as KubeObject;
  const runtime = runtimeOf(isvc, objects) as KubeObject;
  const pod = predictorPod(isvc, objects);
  assert.ok(runtime && pod, "the InferenceService's runtime is rendered");
  const container = pod?.spec.containers[0];
  const env: Record<string, string> = Object.fromEntries(
    (container.env ?? []).map((v: { name: string; value: string }) => [v.name, v.value]),
  );
  return { isvc, runtime, container, env };
}

/** The registry version a storageUri names: its last two path segments, <model name>/<version>. */
function registryVersion(storageUri: string): { dir: string; manifest: Manifest } {
  const [name, version] = storageUri.replace(/\/+$/, "").split("/").slice(-2) as [string, string];
  const dir = join("models", name, version);
  return {
    dir,
    manifest: ManifestSchema.parse(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"))),
  };
}

withKubectl(
  "kserve: the runtime speaks OIP v2 on the server's port, for the model format the service asks",
  () => {
    const { isvc, runtime, container, env } = parts(render(STABLE));
    const model = isvc.spec.predictor.model;
    assert.is(model.protocolVersion, "v2");
    assert.ok(runtime.spec.protocolVersions.includes("v2"), "the runtime declares protocol v2");
    const format = runtime.spec.supportedModelFormats.find(
      (f: { name: string }) => f.name === model.modelFormat.name,
    );
    assert.ok(format, `the runtime supports format ${model.modelFormat.name}`);
    assert.is(format.version, model.modelFormat.version);
    assert.is(
      `tabula.manifest/v${model.modelFormat.version}`,
      MANIFEST_FORMAT,
      "format version = manifest format",
    );

    assert.is(container.name, "kserve-container", "KServe finds the model server by this name");
    const parsed = parseConfig(env);
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.error.problems.join("; "));
    assert.equal(
      Object.keys(env).filter((name) => !CONFIG_VARIABLES.includes(name)),
      [],
      "every variable is one the server reads",
    );
    const port = parsed.ok ? parsed.value.SERVE_PORT : -1;
    assert.equal(container.ports, [{ name: "http1", containerPort: port, protocol: "TCP" }]);
    assert.is(env.SERVE_HOST, "0.0.0.0");
    assert.is(env.SERVE_MODEL, KSERVE_MODEL_DIR, "the server reads the model where KServe mounts it");
    assert.equal(
      [container.readinessProbe.httpGet, container.livenessProbe.httpGet],
      [
        { path: "/v2/health/ready", port },
        { path: "/v2/health/live", port },
      ],
    );
    assert.equal(runtime.spec.annotations, {
      "prometheus.kserve.io/port": String(port),
      "prometheus.kserve.io/path": "/metrics",
    });
    assert.is(isvc.metadata.annotations?.["serving.kserve.io/enable-prometheus-scraping"], "true");
  },
);

withKubectl(
  "kserve: resources on the predictor; the model comes from a storageUri naming a registry version",
  () => {
    const { isvc, container } = parts(render(STABLE));
    const { resources, storageUri } = isvc.spec.predictor.model;
    for (const key of ["cpu", "memory"]) {
      assert.ok(resources.requests[key] && resources.limits[key], `predictor.model.resources sets ${key}`);
      assert.is(container.resources.requests[key], resources.requests[key], "the predictor's size wins");
    }
    assert.match(storageUri, /^(s3|gs|pvc|https|hf|oci):\/\//);
    const { manifest } = registryVersion(storageUri);
    // The server serves /v2/models/<manifest name>; KServe's clients call /v2/models/<InferenceService name>.
    assert.is(isvc.metadata.name, manifest.name);
    assert.is(isvc.metadata.annotations?.["serving.kserve.io/deploymentMode"], "Knative");
  },
);

withKubectl("kserve: the predictor's pod is one Knative accepts with its default feature flags", () => {
  const podOf = (objects: KubeObject[]) => {
    const pod = predictorPod(ofKind(objects, "InferenceService")[0] as KubeObject, objects);
    if (!pod) throw new Error("no predictor pod");
    return pod;
  };
  for (const dir of [STABLE, CANARY]) assert.equal(knativeViolations(podOf(render(dir))), [], dir);
  const objects = render(STABLE);
  parts(objects).isvc.spec.predictor.securityContext = { runAsNonRoot: true };
  parts(objects).runtime.spec.containers[0].readinessProbe.httpGet.port = 9090;
  assert.equal(knativeViolations(podOf(objects)), [
    "a pod securityContext (needs kubernetes.podspec-securitycontext)",
    "kserve-container: readinessProbe on port 9090, not the serving port",
  ]);
});

withKubectl(
  "kserve-canary: the same service and runtime, a candidate storageUri on a share of the traffic",
  () => {
    const stable = parts(render(STABLE));
    const canary = parts(render(CANARY));
    assert.is(
      canary.isvc.metadata.name,
      stable.isvc.metadata.name,
      "a canary is a new revision of the same service",
    );
    assert.equal(canary.runtime, stable.runtime);
    const percent = canary.isvc.spec.predictor.canaryTrafficPercent;
    assert.ok(Number.isInteger(percent) && percent > 0 && percent < 100, `canaryTrafficPercent ${percent}`);
    assert.is(
      stable.isvc.spec.predictor.canaryTrafficPercent,
      undefined,
      "stable sends everything to its model",
    );
    assert.is.not(canary.isvc.spec.predictor.model.storageUri, stable.isvc.spec.predictor.model.storageUri);
    const { model: _canaryModel, canaryTrafficPercent: _, ...canaryRest } = canary.isvc.spec.predictor;
    const { model: _stableModel, ...stableRest } = stable.isvc.spec.predictor;
    assert.equal(canaryRest, stableRest, "nothing else changes");
  },
);

withKubectl(
  "kserve: a server with the runtime's settings, on a model laid out as KServe lays it out, answers KServe",
  async () => {
    const { isvc, container, env } = parts(render(STABLE));
    const temp = tempDir("kserve");
    // The storage-initializer's work: the storageUri's files, as they are, in the model directory.
    const { dir, manifest } = registryVersion(isvc.spec.predictor.model.storageUri);
    const modelDir = join(temp.dir, "mnt-models");
    cpSync(dir, modelDir, { recursive: true });
    const key = "kserve-test-key-0123456789";
    writeFileSync(join(temp.dir, "hashes"), `${keyFileLine(key, "test")}\n`);
    const server = await startInProcess({
      ...env,
      SERVE_HOST: "127.0.0.1",
      SERVE_PORT: "0",
      SERVE_MODEL: modelDir,
      SERVE_DATA_DIR: join(temp.dir, "data"),
      SERVE_API_KEYS_FILE: join(temp.dir, "hashes"),
      LOG_LEVEL: "silent",
    });
    try {
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        const answer = await request(`${server.url}${probe.httpGet.path}`);
        assert.is(answer.status, 200, `${probe.httpGet.path}: ${answer.text}`);
      }
      const metrics = await request(`${server.url}/metrics`);
      assert.is(metrics.status, 200);
      assert.match(metrics.text, /^# HELP /m);
      const name = isvc.metadata.name;
      const auth = { authorization: `Bearer ${key}` };
      const ready = await request(`${server.url}/v2/models/${name}/ready`, { headers: auth });
      assert.is(ready.status, 200, ready.text);
      const golden = manifest.golden[0] as Manifest["golden"][number];
      const row = manifest.features.map((feature) => Number(golden.features[feature.name]));
      const inferred = await request(`${server.url}/v2/models/${name}/infer`, {
        headers: auth,
        body: {
          inputs: [{ name: manifest.onnx.input.name, shape: [1, row.length], datatype: "FP32", data: row }],
        },
      });
      assert.is(inferred.status, 200, inferred.text);
      const [output] = (inferred.body as { outputs: { data: number[] }[] }).outputs;
      assert.ok(Math.abs((output?.data[0] ?? Number.NaN) - Number(golden.expected)) < 1e-4, inferred.text);
      const anonymous = await request(`${server.url}/v2/models/${name}/infer`, { body: { inputs: [] } });
      assert.is(anonymous.status, 401, "the API keys from the Secret guard inference");
    } finally {
      await server.shutdown("test over");
      temp.remove();
    }
  },
);

// The checks themselves: broken copies must be rejected, each for what was broken.
const broken: [string, string, (objects: KubeObject[]) => void, RegExp][] = [
  [
    "a misspelt field (storageURI)",
    "InferenceService",
    (o) => {
      const model = parts(o).isvc.spec.predictor.model;
      model.storageURI = model.storageUri;
      delete model.storageUri;
    },
    /\/spec\/predictor\/model: unknown field "storageURI"/,
  ],
  [
    "a percentage as a string",
    "InferenceService",
    (o) => Object.assign(parts(o).isvc.spec.predictor, { canaryTrafficPercent: "10" }),
    /\/spec\/predictor\/canaryTrafficPercent: must be integer/,
  ],
  [
    "a runtime without containers",
    "ServingRuntime",
    (o) => delete parts(o).runtime.spec.containers,
    /\/spec: must have required property 'containers'/,
  ],
  [
    "a container port as a string",
    "ServingRuntime",
    (o) => Object.assign(parts(o).container.ports[0], { containerPort: "8080" }),
    /\/spec\/containers\/0\/ports\/0\/containerPort: must be integer/,
  ],
];
for (const [what, kind, mutate, expected] of broken) {
  withKubectl(`schema validation rejects ${what}`, () => {
    const objects = render(STABLE);
    const object = ofKind(objects, kind)[0] as KubeObject;
    assert.is(kserveSchemaError(object), undefined, "valid before");
    mutate(objects);
    assert.match(kserveSchemaError(object) ?? "(valid)", expected);
  });
}

const policyCases: [string, (objects: KubeObject[]) => void, RegExp][] = [
  [
    "no readiness probe",
    (o) => delete parts(o).runtime.spec.containers[0].readinessProbe,
    /no readinessProbe/,
  ],
  [
    "no memory limit, in the runtime or the predictor",
    (o) => {
      delete parts(o).runtime.spec.containers[0].resources.limits.memory;
      delete parts(o).isvc.spec.predictor.model.resources.limits.memory;
    },
    /kserve-container: no resources\.limits\.memory/,
  ],
  [
    "a service account token",
    (o) => delete parts(o).isvc.spec.predictor.automountServiceAccountToken,
    /InferenceService\/boston: automounts a service account token/,
  ],
  [
    "a runtime that is not rendered",
    (o) => Object.assign(parts(o).isvc.spec.predictor.model, { runtime: "kserve-mlserver" }),
    /its ServingRuntime \(kserve-mlserver\) is not rendered/,
  ],
];
for (const [what, mutate, expected] of policyCases) {
  withKubectl(`policy catches a predictor with ${what}`, () => {
    const objects = render(STABLE);
    mutate(objects);
    const found = policyViolations(objects, { externalSecrets: ["tabula-api-keys"], requireDigest: true });
    assert.ok(
      found.some((violation) => expected.test(violation)),
      `expected ${expected} in ${JSON.stringify(found)}`,
    );
  });
}

test.run();
