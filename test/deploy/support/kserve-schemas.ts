// Validates serving.kserve.io objects against the openAPIV3Schema of KServe's own CRDs, vendored in
// k8s/schemas/kserve/ (SOURCE.md names the release). Two things make ajv judge as `kubectl apply` does:
// - unknown fields are errors: kubectl's default `--validate=strict` has the API server reject a field its schema
//   does not declare, where a plain JSON Schema would let it through (so `storageURI` for `storageUri` fails here);
// - the Kubernetes extensions (x-kubernetes-*) are known keywords, and the formats the CRDs use are checked.
// The InferenceService schema repeats a full pod spec for every component (2 MB of YAML); compiling all of it takes
// seconds, so each object is checked against the schema pruned to the fields it has: a subschema of a field the
// object lacks is never applied, so the verdict is the same.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import type { KubeObject } from "./kustomize.js";

const DIR = new URL("../../../k8s/schemas/kserve/", import.meta.url);

/** "<apiVersion>/<kind>" → the vendored CRD that defines it. */
const CRDS: Record<string, string> = {
  "serving.kserve.io/v1alpha1/ServingRuntime": "serving.kserve.io_servingruntimes.yaml",
  "serving.kserve.io/v1beta1/InferenceService": "serving.kserve.io_inferenceservices.yaml",
};

type Schema = { [key: string]: unknown };

type Crd = {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: Schema } }[];
  };
};

/**
 * A copy of `schema` for checking `instances` (the values found at this place): every object with declared
 * properties refuses undeclared ones, and the subschemas of fields no instance has become `true`.
 */
function strictFor(schema: unknown, instances: unknown[]): unknown {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const objects = instances.filter(
    (value): value is Record<string, unknown> =>
      value !== null && typeof value === "object" && !Array.isArray(value),
  );
  const copy: Schema = { ...schema };
  const properties = copy.properties as Schema | undefined;
  if (properties) {
    copy.properties = Object.fromEntries(
      Object.entries(properties).map(([name, sub]) => {
        const values = objects.filter((object) => name in object).map((object) => object[name]);
        return [name, values.length === 0 ? true : strictFor(sub, values)];
      }),
    );
    if (copy.additionalProperties === undefined && copy["x-kubernetes-preserve-unknown-fields"] !== true)
      copy.additionalProperties = false;
  }
  if (typeof copy.additionalProperties === "object") {
    const declared = new Set(Object.keys(properties ?? {}));
    const values = objects.flatMap((object) =>
      Object.entries(object)
        .filter(([name]) => !declared.has(name))
        .map(([, value]) => value),
    );
    copy.additionalProperties = strictFor(copy.additionalProperties, values);
  }
  if (copy.items) {
    const elements = instances.filter(Array.isArray).flat();
    copy.items = strictFor(copy.items, elements);
  }
  for (const keyword of ["anyOf", "allOf", "oneOf"]) {
    const branches = copy[keyword] as unknown[] | undefined;
    if (branches) copy[keyword] = branches.map((branch) => strictFor(branch, instances));
  }
  return copy;
}

const INT32 = 2 ** 31;
const ajv = new Ajv({ allErrors: true, strictTypes: false });
ajv.addVocabulary([
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type",
  "x-kubernetes-map-type",
  "x-kubernetes-preserve-unknown-fields",
]);
ajv.addFormat("int32", {
  type: "number",
  validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32,
});
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
ajv.addFormat("date-time", (text) => !Number.isNaN(Date.parse(text)) && /^\d{4}-\d\d-\d\dT/.test(text));

const schemas = new Map<string, Schema>();

function schemaOf(apiVersion: string, kind: string): Schema | undefined {
  const key = `${apiVersion}/${kind}`;
  const file = CRDS[key];
  if (!file) return undefined;
  let schema = schemas.get(key);
  if (!schema) {
    const crd = parse(readFileSync(new URL(file, DIR), "utf8")) as Crd;
    const version = crd.spec.versions.find((v) => `${crd.spec.group}/${v.name}` === apiVersion);
    if (!version || crd.spec.names.kind !== kind) throw new Error(`${file} does not define ${key}`);
    schema = version.schema.openAPIV3Schema;
    schemas.set(key, schema);
  }
  return schema;
}

export const isKServe = (object: KubeObject): boolean => object.apiVersion.startsWith("serving.kserve.io/");

/** Undefined when `object` is valid for its KServe CRD, else every error, one per field. */
export function kserveSchemaError(object: KubeObject): string | undefined {
  const schema = schemaOf(object.apiVersion, object.kind);
  if (!schema) return `no vendored KServe CRD defines ${object.apiVersion} ${object.kind}`;
  const validate = ajv.compile(strictFor(schema, [object]) as Schema);
  if (validate(object)) return undefined;
  return (validate.errors ?? [])
    .map((error) => {
      const unknown = (error.params as { additionalProperty?: string }).additionalProperty;
      return unknown
        ? `${error.instancePath || "/"}: unknown field "${unknown}"`
        : `${error.instancePath || "/"}: ${error.message}`;
    })
    .join("; ");
}
