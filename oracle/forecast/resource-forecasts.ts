/**
 * One refitting forecaster per resource class (e.g. `"gpu-a100"`, `"cpu-8c"`), each over its own
 * demand history as reported by the indexer.
 */
import { ForecastInvalidArgumentError } from "./errors";
import type { ForecasterFactory } from "./forecaster";
import { RefittingForecaster, type RefitOptions } from "./refitting";

export class ResourceDemandForecasts<ResourceClass extends string = string> {
  private readonly byClass = new Map<ResourceClass, RefittingForecaster>();

  /**
   * @param createModel makes a fresh model for a newly seen resource class
   * @param options refit schedule shared by all classes
   */
  constructor(
    private readonly createModel: ForecasterFactory,
    private readonly options: RefitOptions,
  ) {}

  /** Resource classes seen so far, in order of first observation. */
  get classes(): ResourceClass[] {
    return [...this.byClass.keys()];
  }

  /** Appends demand observations of one class (creating its forecaster on first sight). */
  observe(resourceClass: ResourceClass, observations: readonly number[]): void {
    let forecaster = this.byClass.get(resourceClass);
    if (forecaster === undefined) {
      forecaster = new RefittingForecaster(this.createModel(), this.options);
      this.byClass.set(resourceClass, forecaster);
    }
    forecaster.append(observations);
  }

  /** The forecaster of one class; throws for a class never observed. */
  forecaster(resourceClass: ResourceClass): RefittingForecaster {
    const forecaster = this.byClass.get(resourceClass);
    if (forecaster === undefined) {
      throw new ForecastInvalidArgumentError("resourceClass", `no observations for "${resourceClass}"`);
    }
    return forecaster;
  }

  /** Forecasts `horizon` steps of demand for one class. */
  forecast(resourceClass: ResourceClass, horizon: number): number[] {
    return this.forecaster(resourceClass).forecast(horizon);
  }
}
