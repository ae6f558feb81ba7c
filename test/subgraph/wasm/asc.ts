/**
 * Compiles AssemblyScript with the compiler and flags `graph build` uses (graph-cli's assemblyscript
 * 0.19, `--runtime stub`, graph-ts's global file), so tests run the same code graph-node would.
 */
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";

const ROOT = path.resolve(__dirname, "..", "..", "..");

interface AscCli {
  ready: Promise<void>;
  main(
    argv: string[],
    options: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
    callback: (err: Error | null) => number,
  ): void;
}

/** Thrown when the AssemblyScript compiler rejects a file; the message holds its diagnostics. */
export class AscCompileError extends Error {
  override name = "AscCompileError";
}

/** Collects what the compiler prints. */
class Collect extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** The `assemblyscript/cli/asc` graph-cli resolves (not graph-ts's own newer copy). */
function loadAsc(): AscCli {
  const graphCli = path.dirname(require.resolve("@graphprotocol/graph-cli/package.json", { paths: [ROOT] }));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve("assemblyscript/cli/asc", { paths: [graphCli] })) as AscCli;
}

/**
 * Compiles `entry` (an AssemblyScript file under `baseDir`, which must resolve node_modules) to
 * `outFile` and returns the wasm bytes.
 */
export async function compileAssemblyScript(
  entry: string,
  outFile: string,
  baseDir: string,
): Promise<Buffer> {
  const asc = loadAsc();
  await asc.ready;
  const globalFile = path.join(ROOT, "node_modules", "@graphprotocol", "graph-ts", "global", "global.ts");
  const stdout = new Collect();
  const stderr = new Collect();
  let failure: Error | null = null;
  asc.main(
    [
      "--explicitStart",
      "--exportRuntime",
      "--runtime",
      "stub",
      path.relative(baseDir, entry),
      path.relative(baseDir, globalFile),
      "--baseDir",
      baseDir,
      "--lib",
      path.join(ROOT, "node_modules"),
      "--outFile",
      path.relative(baseDir, outFile),
      "--optimize",
      "--debug",
    ],
    { stdout, stderr },
    (err) => {
      failure = err;
      return 0;
    },
  );
  if (failure || !fs.existsSync(outFile)) {
    throw new AscCompileError(`asc failed on ${entry}: ${String(failure)}\n${stderr.text}${stdout.text}`);
  }
  return fs.readFileSync(outFile);
}
