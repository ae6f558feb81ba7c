import { expect } from "chai";
import type { JsonRpcApiProvider } from "ethers";
import { Output, type CliContext } from "../../cli/context";
import { formatDuration, formatTimestamp, waitForTime } from "../../cli/lib/chain";

/** A context whose chain clock advances `step` seconds per block read, recording every raw RPC method. */
function fakeContext(isLocalChain: boolean, start: number, step: number) {
  let now = start;
  const sent: string[] = [];
  const provider = {
    getBlock: async () => {
      const b = { timestamp: now };
      now += step;
      return b;
    },
    send: async (method: string, params: unknown[]) => {
      sent.push(method);
      if (method === "evm_setNextBlockTimestamp") now = params[0] as number;
      return null;
    },
  };
  let notes = "";
  const io = {
    stdout: () => undefined,
    stderr: (t: string) => (notes += t),
    env: {},
    cwd: "/",
    root: "/",
    interactive: false,
  };
  const ctx = {
    isLocalChain,
    provider: provider as unknown as JsonRpcApiProvider,
    out: new Output(io, false),
    rpc: <T>(_label: string, fn: () => Promise<T>) => fn(),
  } as unknown as CliContext;
  return { ctx, sent, notes: () => notes };
}

describe("clai · chain time", function () {
  it("fast-forwards only a local chain (31337)", async function () {
    const local = fakeContext(true, 1_000, 0);
    expect(await waitForTime(local.ctx, 5_000, { label: "voting" })).to.equal(5_000);
    expect(local.sent).to.deep.equal(["evm_setNextBlockTimestamp", "evm_mine"]);
    expect(local.notes()).to.contain("fast-forwarding 4000 s");
  });

  it("waits by polling blocks anywhere else, never touching time", async function () {
    const remote = fakeContext(false, 1_000, 1);
    const reached = await waitForTime(remote.ctx, 1_003, { label: "voting", pollSeconds: 0.01 });
    expect(reached).to.be.at.least(1_003);
    expect(remote.sent).to.deep.equal([]);
    expect(remote.notes()).to.contain("waiting 3s (chain time) for voting");
  });

  it("returns at once when the time has come", async function () {
    const remote = fakeContext(false, 2_000, 0);
    expect(await waitForTime(remote.ctx, 1_500, { label: "x" })).to.equal(2_000);
    expect(remote.sent).to.deep.equal([]);
  });

  it("formats durations and timestamps", function () {
    expect([59, 60, 61, 3_600, 3_660, 86_400, 90_000].map(formatDuration)).to.deep.equal([
      "59s",
      "1m",
      "1m 1s",
      "1h",
      "1h 1m",
      "1d",
      "1d 1h",
    ]);
    expect(formatTimestamp(0, 5)).to.equal("-");
    expect(formatTimestamp(1_700_000_100, 1_700_000_000)).to.equal("2023-11-14T22:15:00Z (in 1m 40s)");
    expect(formatTimestamp(1_700_000_000, 1_700_000_100)).to.equal("2023-11-14T22:13:20Z (1m 40s ago)");
  });
});
