// Writes one tree of a model's trees.json straight from its typed arrays. A forest grown to pure leaves on a million
// rows has ~25 million nodes: going through Tree.toJSON (a JS array per column and per node's values), then
// JSON.stringify, JSON.parse and io.ts's layout, costs minutes and GBs. Here each column is written number by number
// into one reused buffer, handed on whenever it fills, in exactly the bytes io.ts's toJson gives the tree (its
// toJSON shape) inside a model: numbers as JSON.stringify writes them, each column's array on one line.
import type { ItemWriter } from "./io.js";
import { leftChild, Tree } from "./models/tree-ensemble.js";

const BUFFER_BYTES = 1 << 20;
/** More than any number's JSON takes (at most 24 characters) plus a separator. */
const ROOM = 64;
const COMMA = 0x2c;
const SPACE = 0x20;
const MINUS = 0x2d;
const ZERO = 0x30;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

class JsonBytes {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private at = 0;
  constructor(private readonly write: (part: Uint8Array) => void) {}

  /** Makes room for ROOM more bytes. */
  private reserve(): void {
    if (this.at > BUFFER_BYTES - ROOM) this.flush();
  }

  flush(): void {
    if (this.at > 0) this.write(this.buffer.subarray(0, this.at));
    this.at = 0;
  }

  /** ASCII text (keys, layout). */
  text(text: string): void {
    for (let start = 0; start < text.length; start += ROOM) {
      this.reserve();
      this.at += this.buffer.write(text.slice(start, start + ROOM), this.at, "latin1");
    }
  }

  byte(byte: number): void {
    this.reserve();
    this.buffer[this.at++] = byte;
  }

  /** `, ` before every item but the first, then the item's opening bracket. */
  open(first: boolean): void {
    this.reserve();
    if (!first) {
      this.buffer[this.at++] = COMMA;
      this.buffer[this.at++] = SPACE;
    }
    this.buffer[this.at++] = OPEN_BRACKET;
  }

  /** `, ` before every item but the first, then `value` as JSON.stringify writes it. */
  item(first: boolean, value: number): void {
    this.reserve();
    if (!first) {
      this.buffer[this.at++] = COMMA;
      this.buffer[this.at++] = SPACE;
    }
    // Integers are the common case (features, children, counts): their digits are written here, not by String().
    if (Number.isInteger(value) && value > -(2 ** 31) && value < 2 ** 31) {
      let rest = value;
      if (rest < 0) {
        this.buffer[this.at++] = MINUS;
        rest = -rest;
      }
      let digits = 1;
      for (let power = 10; power <= rest; power *= 10) digits++;
      for (let d = digits - 1; d >= 0; d--) {
        this.buffer[this.at + d] = ZERO + (rest % 10);
        rest = (rest - (rest % 10)) / 10;
      }
      this.at += digits;
    } else {
      this.at += this.buffer.write(Number.isFinite(value) ? String(value) : "null", this.at, "latin1");
    }
  }

  column(values: ArrayLike<number>): void {
    this.byte(OPEN_BRACKET);
    for (let node = 0; node < values.length; node++) this.item(node === 0, values[node] as number);
    this.byte(CLOSE_BRACKET);
  }
}

/**
 * The tree's JSON as toJson lays it out at `indent` (the indent of the line the tree starts on; the tree's own
 * first line is not indented), handed to `write` a part at a time. A part is a view of a buffer that is written
 * again afterwards: `write` uses it before it returns.
 */
export function writeTreeJson(tree: Tree, indent: string, write: (part: Uint8Array) => void): void {
  const out = new JsonBytes(write);
  const inner = `${indent}  `;
  const key = (name: string, first = false) => out.text(`${first ? "" : ","}\n${inner}"${name}": `);
  out.text("{");
  key("feature", true);
  out.column(tree.feature);
  key("threshold");
  out.column(tree.threshold);
  key("left");
  const feature = tree.feature;
  out.byte(OPEN_BRACKET);
  for (let node = 0; node < tree.nodes; node++)
    out.item(node === 0, (feature[node] as number) < 0 ? -1 : leftChild(tree, node));
  out.byte(CLOSE_BRACKET);
  key("right");
  out.column(tree.right);
  key("value");
  const outputs = tree.outputs;
  const value = tree.value;
  out.byte(OPEN_BRACKET);
  for (let node = 0; node < tree.nodes; node++) {
    out.open(node === 0);
    for (let k = 0; k < outputs; k++) out.item(k === 0, value[node * outputs + k] as number);
    out.byte(CLOSE_BRACKET);
  }
  out.byte(CLOSE_BRACKET);
  if (tree.samples !== undefined) {
    key("samples");
    out.column(tree.samples);
  }
  // As Tree.toJSON: written only when some missing value goes left.
  const missingLeft = tree.missingLeft;
  if (missingLeft?.includes(1)) {
    key("missingLeft");
    out.byte(OPEN_BRACKET);
    for (let node = 0; node < missingLeft.length; node++)
      out.item(node === 0, missingLeft[node] === 1 ? 1 : 0);
    out.byte(CLOSE_BRACKET);
  }
  out.text(`\n${indent}}`);
  out.flush();
}

/** For io.ts's writeJsonAtomic / writeJsonParts: a model's trees written by writeTreeJson. */
export const TREE_ITEMS: ItemWriter = {
  claims: (element) => element instanceof Tree,
  write: (element, indent, write) => writeTreeJson(element as Tree, indent, write),
};
