#!/usr/bin/env node
// The `tabula` command. The CLI is bundled into dist/ by `npm ci` (prepare) or `npm run build`.
import("../dist/tabula.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/tabula.js")) {
    console.error("tabula: dist/tabula.js is missing; run `npm run build` (or `npm ci`) first.");
    process.exit(2);
  }
  throw error;
});
