import { expect } from "chai";
import { svgLinePlot, svgStack } from "../../oracle/forecast";
import {
  TraceFormatError,
  binRequests,
  parseLlmTrace,
  pearson,
  simulationTable,
  taskUnits,
  trailingMean,
} from "../../scripts/lib/market-sim";

describe("market simulation helpers", function () {
  it("turns trace rows into tasks: one unit per 1,000 tokens, rounded up, times from the first request", function () {
    const csv = [
      "TIMESTAMP,ContextTokens,GeneratedTokens",
      "2023-11-16 18:17:04.0319600,3180,8",
      "2023-11-16 18:17:03.9799600,4808,10",
      "2023-11-16 18:18:05.5,0,0",
      "",
    ].join("\n");
    const requests = parseLlmTrace(csv);
    expect(requests.map((r) => r.units)).to.deep.equal([5, 4, 1]);
    expect(requests[0].offsetSec).to.equal(0);
    expect(requests[1].offsetSec).to.be.closeTo(0.052, 1e-9);
    expect(requests[2].offsetSec).to.be.closeTo(61.52, 1e-9);
    expect(taskUnits(1000, 0)).to.equal(1);
    expect(taskUnits(1000, 1)).to.equal(2);
    expect(binRequests(requests, 60)).to.deep.equal([
      { requests: 2, units: 9 },
      { requests: 1, units: 1 },
    ]);
  });

  it("rejects traces without the expected columns or with bad values", function () {
    expect(() => parseLlmTrace("time,a,b\n1,2,3")).to.throw(TraceFormatError, /TIMESTAMP/);
    expect(() => parseLlmTrace("TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,1,2")).to.throw(
      TraceFormatError,
    );
    expect(() => parseLlmTrace("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:04,-1,2")).to.throw(
      TraceFormatError,
    );
  });

  it("computes correlations and trailing means", function () {
    expect(pearson([1, 2, 3], [2, 4, 6])).to.be.closeTo(1, 1e-12);
    expect(pearson([1, 2, 3], [3, 2, 1])).to.be.closeTo(-1, 1e-12);
    expect(pearson([1, 1, 1], [1, 2, 3])).to.be.NaN;
    expect(trailingMean([2, 4, 6, 8], 2)).to.deep.equal([2, 3, 5, 7]);
  });

  it("renders the table and stacks plots into one SVG", function () {
    const table = simulationTable([
      {
        interval: 0,
        requests: 3,
        units: 9,
        forecast: 1.5,
        supply: 100,
        utilisation: 0.25,
        target: 1.3,
        price: 1.1,
        published: "2 (deviation)",
      },
    ]);
    expect(table.split("\n")).to.have.length(3);
    expect(table).to.contain("| 0 | 3 | 9 | 2 | 100 | 0.25 | 1.300 | 1.1000 | 2 (deviation) |");
    const plot = (h: number) =>
      svgLinePlot([{ label: "a", values: [1, 2, 3], color: "#000" }], {
        title: "t",
        stepsPerTick: 1,
        height: h,
      });
    const svg = svgStack([plot(200), plot(300)]);
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1200" height="500"/);
    expect(svg).to.contain('<svg x="0" y="200"');
    expect(svg.match(/<svg /g)).to.have.length(3);
    expect(() => svgStack([])).to.throw();
  });
});
