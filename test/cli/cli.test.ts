import { expect } from "chai";
import type { Command } from "commander";
import { createProgram, runCli } from "../../cli/index";
import type { CliIO } from "../../cli/context";

/** Runs `clai` in-process with no chain at all (help and usage errors never connect). */
async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    cwd: process.cwd(),
    root: "/nonexistent",
    interactive: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

function commandPaths(cmd: Command, prefix: string[] = []): { path: string[]; cmd: Command }[] {
  return cmd.commands.flatMap((sub) => {
    const p = [...prefix, sub.name()];
    return [{ path: p, cmd: sub }, ...commandPaths(sub, p)];
  });
}

/** Commands this CLI module owns (provider commands are tested with the agent). */
const OWN = ["node", "task", "gov", "price", "token"];

describe("clai · help and usage", function () {
  const program = createProgram({
    stdout: () => undefined,
    stderr: () => undefined,
    env: {},
    cwd: process.cwd(),
    root: "/nonexistent",
    interactive: false,
  });
  const all = commandPaths(program);

  it("has the documented commands", function () {
    const names = all.map((c) => c.path.join(" "));
    for (const expected of [
      "node",
      "task create",
      "task status",
      "task result",
      "task cancel",
      "task dispute",
      "gov propose",
      "gov vote",
      "gov queue",
      "gov execute",
      "gov status",
      "price",
    ]) {
      expect(names).to.include(expected);
    }
  });

  it("prints --help for the program and every command, with a description and (for leaves) an example", async function () {
    const top = await run(["--help"]);
    expect(top.code).to.equal(0);
    expect(top.stdout)
      .to.contain("Usage: clai [options] [command]")
      .and.contain("--network <name>")
      .and.contain("--json");
    for (const { path, cmd } of all) {
      const r = await run([...path, "--help"]);
      expect(r.code, path.join(" ")).to.equal(0);
      expect(r.stdout, path.join(" ")).to.contain(`Usage: clai ${path.join(" ")}`);
      expect(cmd.description(), path.join(" ")).to.not.equal("");
      if (OWN.includes(path[0]!) && cmd.commands.length === 0) {
        expect(r.stdout, `${path.join(" ")} example`).to.match(/Examples?:\n\s+\$ clai /);
      }
    }
  });

  it("exits 2 on usage errors, printing commander's message", async function () {
    const cases: [string[], RegExp][] = [
      [[], /Usage: clai/],
      [["frobnicate"], /error: unknown command 'frobnicate'/],
      [["price", "--bogus"], /error: unknown option '--bogus'/],
      [["task", "status"], /error: missing required argument 'id'/],
      [["task", "status", "abc"], /error: command-argument value 'abc' is invalid for argument 'id'/],
      [["task", "create", "--units", "0"], /error: option '-u, --units <n>' argument '0' is invalid/],
      [["task", "create", "--mode", "fast"], /error: option '-m, --mode <mode>' argument 'fast' is invalid/],
      [["task", "create", "--complete-within", "soon"], /expected a duration/],
      [["task", "create", "--max-price", "cheap"], /expected a CLAI amount/],
      [["gov", "vote", "1"], /error: required option '-s, --support <support>' not specified/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(" ")).to.equal(2);
      expect(r.stderr, args.join(" ")).to.match(message);
      expect(r.stdout, args.join(" ")).to.equal("");
    }
  });

  it("prints the version", async function () {
    const r = await run(["--version"]);
    expect(r.code).to.equal(0);
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+$/);
  });

  it("reports a missing deployment export as a user error (exit 1, no stack), also with --json", async function () {
    for (const json of [[], ["--json"]]) {
      const r = await run([...json, "--network", "nowhere", "price"]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(
        /^error: unknown network "nowhere": no deployment export at \S+nowhere\.json/,
      );
      expect(r.stderr).to.not.match(/\n\s+at /);
      expect(r.stdout).to.equal("");
    }
  });

  it("clai node refuses a port that is already taken (it would deploy to someone else's node)", async function () {
    const net = await import("node:net");
    const srv = net.createServer();
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const port = (srv.address() as { port: number }).port;
    try {
      const r = await run(["node", "--port", String(port)]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.equal(
        `error: port ${port} on 127.0.0.1 is already in use (another node?); pick one with --port\n`,
      );
    } finally {
      srv.close();
    }
  });

  it("refuses a non-integer --account as a usage error", async function () {
    const r = await run(["--account", "x", "price"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("--account must be a non-negative integer");
  });
});
