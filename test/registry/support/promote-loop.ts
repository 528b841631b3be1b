// One side of the registry race: promotes VERSION of NAME in the registry at ROOT again and again, and prints what
// each attempt gave, as JSON: {"changed": n, "unchanged": n, "locked": n, "other": [messages]}.
import { promote } from "../../../src/registry/registry.js";

const [root, name, version, times] = process.argv.slice(2) as [string, string, string, string];
const tally = { changed: 0, unchanged: 0, locked: 0, other: [] as string[] };
for (let i = 0; i < Number(times); i++) {
  const result = await promote({ root }, { name, version });
  if (result.ok) tally[result.value.changed ? "changed" : "unchanged"]++;
  else if (result.error.kind === "locked") tally.locked++;
  else tally.other.push(result.error.message);
}
process.stdout.write(JSON.stringify(tally));
