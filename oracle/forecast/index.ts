/** Demand forecasting for the oracle: models, baselines, metrics, refit schedule, backtest. */
export * from "./errors";
export type { Forecaster, ForecasterFactory } from "./forecaster";
export { smape, mae, mase, seasonalNaiveScale } from "./metrics";
export { LastValueForecaster, SeasonalNaiveForecaster, dailyNaive, weeklyNaive } from "./baselines";
export { loadAugursMstl, type AugursMstl } from "./augurs";
export { MstlEtsForecaster, type MstlOptions } from "./mstl";
export { MeanCombination, WeightedCombination } from "./combination";
export { TemporalAggregationForecaster, aggregateMeans } from "./aggregation";
export { demandModelMembers } from "./demand-model";
export { RefittingForecaster, type RefitOptions } from "./refitting";
export { ResourceDemandForecasts } from "./resource-forecasts";
export * from "./backtest";
export * from "./report";
