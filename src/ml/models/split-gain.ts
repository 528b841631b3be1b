// The split criterion every tree grower shares (grow-tree.ts explains A, B and λ for each learner):
//     proxy = Σ_d A_Ld² / (B_L + λ) + Σ_d A_Rd² / (B_R + λ)      (the part of the gain that varies by split)
//     gain  = proxy − Σ_d A_d² / (B + λ)
//     leaf  = scale · A / (B + λ)
// One module so the exact and the histogram growers compute the same floats.

export function splitProxy(
  leftSquares: number,
  leftB: number,
  rightSquares: number,
  rightB: number,
  lambda: number,
): number {
  return leftSquares / (leftB + lambda) + rightSquares / (rightB + lambda);
}

/** Σ_d A_d² of the node whose A sits at sumA[node · outputs …]. */
export function nodeSquares(sumA: ArrayLike<number>, node: number, outputs: number): number {
  let squares = 0;
  for (let d = 0; d < outputs; d++) squares += (sumA[node * outputs + d] as number) ** 2;
  return squares;
}

export function splitGain(proxy: number, parentSquares: number, parentB: number, lambda: number): number {
  return proxy - parentSquares / (parentB + lambda);
}

export function leafValue(a: number, b: number, lambda: number, scale: number): number {
  return b + lambda > 0 ? (scale * a) / (b + lambda) : 0;
}
