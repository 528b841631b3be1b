// The notebook kernel's entry to project code. tslab compiles each cell with its own TypeScript (5.0, CommonJS
// output) and loads imports with require(); this registers tsx's require hook so the project's ESM TypeScript
// sources load as they are (the same files the stages run), then loads the notebook API.
require("tsx/cjs/api").register();
module.exports = require("./index.ts");
