const [command] = process.argv.slice(2);
console.log(`tabula: ${command ?? "no command"} (engine not built yet)`);
