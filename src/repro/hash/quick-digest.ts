/**
 * cyrb53 (public domain), a fast non-cryptographic string hash, run with two seeds: ~106 bits as a string. Used to
 * recognise text and listings the engine has already parsed or seen (the spec cache, directory summaries), never as
 * a content address in the object store.
 */
export function quickDigest(text: string): string {
  return `${cyrb53(text, 0).toString(36)}.${cyrb53(text, 0x9e3779b9).toString(36)}.${text.length.toString(36)}`;
}

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
