/**
 * `clai`: the CloudAI command line. `bin/clai.js` runs {@link main}; tests call {@link runCli} with an
 * injected {@link CliIO} to run commands in-process.
 */
import fs from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { addGlobalOptions, attachIO, isUserFacingError, processIO, type CliIO } from "./context";

/** Commander error codes that are not usage mistakes (help/version output). */
const NON_USAGE_CODES = new Set([
  "commander.helpDisplayed",
  "commander.version",
  "commander.executeSubCommandAsync",
]);

/** Command modules, each exporting `<name>Command(): Command`; missing ones are skipped (work in progress). */
const COMMAND_MODULES: [file: string, factory: string][] = [
  ["node", "nodeCommand"],
  ["task", "taskCommand"],
  ["provider", "providerCommand"],
  ["gov", "govCommand"],
  ["price", "priceCommand"],
  ["token", "tokenCommand"],
];

function loadCommands(): Command[] {
  const out: Command[] = [];
  for (const [file, factory] of COMMAND_MODULES) {
    const base = path.join(__dirname, "commands", file);
    if (!fs.existsSync(base + ".ts") && !fs.existsSync(base + ".js")) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(base) as Record<string, unknown>;
    const make = mod[factory];
    if (typeof make !== "function") throw new Error(`cli/commands/${file} does not export ${factory}()`);
    out.push((make as () => Command)());
  }
  return out;
}

/** Applies IO and exit behaviour to `cmd` and every subcommand (commander does not inherit them via addCommand). */
function configureTree(cmd: Command, io: CliIO): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    outputError: (s, write) => write(s),
  });
  cmd.showHelpAfterError("(run with --help for usage)");
  for (const sub of cmd.commands) configureTree(sub, io);
}

/** The `clai` program with every command, writing to `io`. */
export function createProgram(io: CliIO = processIO()): Command {
  const program = new Command("clai")
    .description("CloudAI command line: run a local chain, create and follow tasks, provide compute, govern")
    .version("0.1.0", "-V, --version");
  addGlobalOptions(program);
  for (const cmd of loadCommands()) program.addCommand(cmd);
  attachIO(program, io);
  configureTree(program, io);
  return program;
}

/**
 * Runs `clai` with `argv` (user arguments only, without `node` and the script) and returns the exit code:
 * 0 on success, 1 on an error (user errors as `error: <message>`, unexpected ones with a stack), 2 on a
 * usage error.
 */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed the message (or the help)
      if (NON_USAGE_CODES.has(err.code)) return err.exitCode;
      return 2;
    }
    if (isUserFacingError(err)) {
      io.stderr(`error: ${err.message}\n`);
      return (err as { exitCode?: number }).exitCode ?? 1;
    }
    io.stderr(err instanceof Error && err.stack ? `${err.stack}\n` : `error: ${String(err)}\n`);
    return 1;
  }
}

/** Process entry point: `argv` as in `process.argv`. */
export async function main(argv: string[]): Promise<number> {
  return runCli(argv.slice(2));
}
