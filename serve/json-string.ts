// A string as a JSON string literal, for the text built on every request (the response's request id, the access
// log's fields). JSON.stringify of a short string costs 120–200 ns (its generic entry, measured); a string of
// printable ASCII without a quote or backslash (what request ids, methods and routes are) only needs its quotes, and
// the test for that costs about half. Anything else goes to JSON.stringify.
const PLAIN = /^[ !#-[\]-~]*$/;

/** JSON.stringify(text), the same characters. */
export function jsonString(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}
