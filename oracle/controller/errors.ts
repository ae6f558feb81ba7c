/** Thrown when controller or publish parameters are out of their domain; names the parameter and the value. */
export class ControllerParamsError extends Error {
  override name = "ControllerParamsError";
  constructor(
    readonly parameter: string,
    readonly reason: string,
  ) {
    super(`invalid ${parameter}: ${reason}`);
  }
}
