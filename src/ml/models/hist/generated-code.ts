// The kernels generated for a fit's arrays (histogram-kernel.ts, partition-kernel.ts) are closures over those
// arrays, so that optimised code holds their addresses and lengths as constants. V8 caches `new Function` by its
// source text, and closures made from one cached source share one feedback cell: once a second closure exists
// (the next fit's arrays, or a worker thread handed the same memory again, which it receives as new objects), the
// optimised code is no longer specialised to one closure's arrays and reloads them on every access — measured
// 35 % slower histograms in worker threads. A line of its own makes each generated source, and so its feedback
// and optimised code, apart.

let generated = 0;

/** `new Function(...parameters, body)`, never sharing V8's compiled code or type feedback with another. */
export function generatedFunction(parameters: string[], body: string): (...args: never[]) => unknown {
  generated++;
  return new Function(...parameters, `// generated ${generated}\n${body}`) as (...args: never[]) => unknown;
}
