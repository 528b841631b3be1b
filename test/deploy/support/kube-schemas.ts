// apiVersion/kind → the kubernetes-models class whose JSON schema validates it (CRDs from the prometheus-operator
// models; KServe's from the CRDs vendored in k8s/schemas/kserve). A kind missing here fails the test rather than
// passing unchecked.
import {
  PrometheusRule,
  ServiceMonitor,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from "kubernetes-models/v1";
import { isKServe, kserveSchemaError } from "./kserve-schemas.js";
import type { KubeObject } from "./kustomize.js";

type Validating = new (data: never) => { validate(): void };

const MODELS: Record<string, Validating> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
};

// kustomize wraps base64 Secret data at 70 columns; the API server's decoder skips the newlines, the schema's
// "byte" format does not.
function forValidation(object: KubeObject): KubeObject {
  if (object.kind !== "Secret" || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, value.replace(/\s+/g, "")]),
  );
  return { ...object, data };
}

/** Undefined when valid, else what is wrong. */
export function schemaError(object: KubeObject): string | undefined {
  if (isKServe(object)) return kserveSchemaError(object);
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return `no schema known for ${object.apiVersion} ${object.kind}`;
  try {
    new Model(forValidation(object) as never).validate();
    return undefined;
  } catch (error) {
    return String(error);
  }
}
