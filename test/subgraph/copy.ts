/**
 * A copy of the committed subgraph sources in a temp dir (not its outputs), with `graph codegen` run
 * once per test process and shared by the subgraph tests.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const SUBGRAPH = path.join(ROOT, "subgraph");
const GRAPH = path.join(ROOT, "node_modules", "@graphprotocol", "graph-cli", "bin", "run.js");

/** Runs graph-cli (`codegen`, `build`) in `dir`. */
export function graph(args: string[], dir: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [GRAPH, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    timeout: 600_000,
  });
}

export interface SubgraphCopy {
  /** The copy's subgraph folder (its parent links the repository's node_modules). */
  dir: string;
  codegenMs: number;
}

let copy: Promise<SubgraphCopy> | undefined;

/** The shared codegen'd copy; removed when the process exits. */
export function codegenCopy(): Promise<SubgraphCopy> {
  copy ??= (async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "cloudai-subgraph-"));
    process.on("exit", () => fs.rmSync(parent, { recursive: true, force: true }));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(parent, "node_modules"), "dir");
    const dir = path.join(parent, "subgraph");
    fs.cpSync(SUBGRAPH, dir, {
      recursive: true,
      filter: (src) => !/[\\/](generated|build|node_modules|\.drift-[^\\/]*)$/.test(src),
    });
    const t0 = Date.now();
    const r = graph(["codegen"], dir);
    if (r.status !== 0) throw new Error(`graph codegen failed:\n${r.stdout}\n${r.stderr}`);
    return { dir, codegenMs: Date.now() - t0 };
  })();
  return copy;
}
