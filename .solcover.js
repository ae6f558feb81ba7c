// solidity-coverage settings. Mocks and generated verifiers are excluded from the floor.
module.exports = {
  skipFiles: ["mocks/", "verifiers/generated/"],
  istanbulReporter: ["html", "json-summary", "text-summary", "lcov"],
  mocha: { timeout: 300000 },
};
