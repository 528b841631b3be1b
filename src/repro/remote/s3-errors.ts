/** One line that says what is wrong with an S3 call and what to do, from whatever the SDK threw. */
export function describeS3Error(thrown: unknown, bucket: string): string {
  const error = thrown as {
    name?: string;
    Code?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  // A HEAD request's error has no body: the SDK only knows the status.
  const name = [error?.Code, error?.name].find((value) => value && value !== "Unknown") ?? "";
  const status = error?.$metadata?.httpStatusCode;
  const detail = (error?.message ?? String(thrown)).split("\n")[0];
  if (name === "NoSuchBucket" || (name === "NotFound" && status === 404))
    return `bucket "${bucket}" does not exist`;
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(detail ?? ""))
    return "no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or use an instance/web identity role)";
  if (
    ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "Forbidden", "InvalidToken"].includes(
      name,
    ) ||
    status === 403
  )
    return `access denied to bucket "${bucket}" (${name || `HTTP ${status}`}): check the credentials the AWS SDK finds (environment, AWS_PROFILE, role)`;
  if (/Region is missing/i.test(detail ?? ""))
    return "no region: set AWS_REGION or `tabula remote modify NAME region REGION`";
  const code = error?.code ?? (thrown as { cause?: { code?: string } })?.cause?.code;
  if (
    code === "ECONNREFUSED" ||
    code === "ENOTFOUND" ||
    code === "EAI_AGAIN" ||
    code === "ECONNRESET" ||
    name === "TimeoutError"
  )
    return `cannot reach the endpoint (${code ?? name}): ${detail}`;
  return `${name ? `${name}: ` : ""}${detail}`;
}
