/**
 * The shape of a CloudAI service process: start, run until SIGINT/SIGTERM or a fatal error, shut down
 * cleanly, exit 0 on a requested stop and non-zero on a fatal error (logged, without a stack trace for
 * configuration mistakes).
 */
import type { Logger } from "./logger";

/** A running service: `stop()` asks it to finish its current step and resolves once it has. */
export interface ServiceHandle {
  stop(): Promise<void>;
  /** Resolves when the service ends by itself (rejects on a fatal error). */
  readonly done: Promise<void>;
}

/** Errors whose message is the whole story (bad config, missing key): logged without a stack. */
export function isUserError(err: unknown): boolean {
  return (
    err instanceof Error &&
    [
      "KeyConfigError",
      "DeploymentError",
      "ConfigError",
      "StateFileError",
      "OfferBoardError",
      "ChainMismatchError",
    ].includes(err.name)
  );
}

/** Runs `start()` as the process's service, wiring signals and exit codes. */
export async function runService(logger: Logger, start: () => Promise<ServiceHandle>): Promise<void> {
  let handle: ServiceHandle;
  try {
    handle = await start();
  } catch (err) {
    logger.error("fatal: could not start", { error: err instanceof Error ? err.message : String(err) });
    if (!isUserError(err) && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
    process.exit(1);
  }
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    handle.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error("fatal: error while stopping", { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  try {
    await handle.done;
    logger.info("stopped");
    process.exit(0);
  } catch (err) {
    logger.error("fatal", { error: err instanceof Error ? err.message : String(err) });
    if (!isUserError(err) && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
    process.exit(1);
  }
}
