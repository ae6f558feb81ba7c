import { expect } from "chai";
import { compareSnapshots } from "../../bench/gas/compare";

describe("gas snapshot comparison", function () {
  const committed = { a: 100_000, b: 50_000 };

  it("passes within 2 % growth and on shrinkage", function () {
    const r = compareSnapshots(committed, { a: 102_000, b: 40_000 }, 200);
    expect(r.ok).to.equal(true);
    expect(r.rows.map((x) => x.status)).to.deep.equal(["ok", "shrank"]);
  });

  it("fails when a call grows by more than 2 %", function () {
    const r = compareSnapshots(committed, { a: 102_001, b: 50_000 }, 200);
    expect(r.ok).to.equal(false);
    expect(r.rows[0].status).to.equal("grew");
  });

  it("fails when a call is added or removed without updating the snapshot", function () {
    expect(compareSnapshots(committed, { a: 100_000 }, 200).ok).to.equal(false);
    expect(compareSnapshots(committed, { ...committed, c: 1 }, 200).ok).to.equal(false);
  });
});
