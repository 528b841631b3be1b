// Copies between typed arrays that may live in SharedArrayBuffers (the threads' memory). V8's TypedArray set and
// copyWithin copy shared memory element by element with relaxed atomics, about 1 ns per element, no faster than
// an indexed loop and 10× a memcpy; Node's Buffer.copy is a memmove whatever the memory (Node 22 and 24: 0.1 ns
// per element; measured with 50,000 Uint32 elements).

type Elements = Float64Array | Float32Array | Uint32Array | Int32Array | Uint8Array;

/** Below this many elements an indexed loop costs less than Buffer.copy's call (~60 ns). */
const COPY_FROM_ELEMENTS = 64;

const views = new WeakMap<ArrayBufferLike, Buffer>();

/** A Buffer over the whole of `buffer`, made once per buffer. */
function bytesOf(buffer: ArrayBufferLike): Buffer {
  let view = views.get(buffer);
  if (view === undefined) {
    view = Buffer.from(buffer);
    views.set(buffer, view);
  }
  return view;
}

/** target[at …] = source[from … to): same element type, ranges apart. */
export function copyElements<T extends Elements>(
  target: T,
  at: number,
  source: T,
  from: number,
  to: number,
): void {
  if (to - from < COPY_FROM_ELEMENTS) {
    for (let i = from, w = at; i < to; i++, w++) target[w] = source[i] as number;
    return;
  }
  const size = source.BYTES_PER_ELEMENT;
  bytesOf(source.buffer).copy(
    bytesOf(target.buffer),
    target.byteOffset + at * size,
    source.byteOffset + from * size,
    source.byteOffset + to * size,
  );
}
