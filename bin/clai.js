#!/usr/bin/env node
/* The `clai` command: runs cli/index.ts through ts-node (transpile-only, so start-up stays fast). */
"use strict";
const path = require("node:path");

const root = path.resolve(__dirname, "..");
require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
require(path.join(root, "cli", "index.ts"))
  .main(process.argv)
  .then((code) => {
    // Exit explicitly: libraries (ffjavascript workers, sockets) may otherwise keep the process alive.
    // stdout/stderr are synchronous for files and pipes on Linux, so nothing written is lost.
    process.exit(code);
  });
