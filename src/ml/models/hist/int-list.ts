/**
 * A growable list of int32s over one typed array, cleared and refilled rather than replaced. A deep level of a
 * forest's tree lists over 100k nodes: as plain arrays, such lists land in V8's large-object space and wait for a
 * full garbage collection; kept in a workspace, these are allocated once per fit.
 */
export class IntList {
  private items: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.items = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.items.length) {
      const larger = new Int32Array(2 * this.items.length);
      larger.set(this.items);
      this.items = larger;
    }
    this.items[this.length++] = value;
  }

  at(i: number): number {
    return this.items[i] as number;
  }

  clear(): void {
    this.length = 0;
  }

  /** The entries, a view valid until the next push or clear. */
  view(): Int32Array {
    return this.items.subarray(0, this.length);
  }
}
