#!/usr/bin/env node
import { runCliAsync } from "../dist/cli/main.js";

// A closed pipe (immunoplan … | head) ends the output quietly instead of with a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
process.exitCode = await runCliAsync(process.argv.slice(2));
