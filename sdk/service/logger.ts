/**
 * Structured logs for every CloudAI service (agent, matcher, oracle node, indexer tooling): one JSON object
 * per line on stderr, `{ts, level, service, msg, ...fields}`. bigint fields are written as decimal strings.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines also carry `fields`. */
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  /** Lowest level written (default: `CLOUDAI_LOG_LEVEL` or `info`). */
  level?: LogLevel;
  /** Where lines go (default: stderr). */
  write?: (line: string) => void;
}

function parseLevel(value: string | undefined): LogLevel {
  return value !== undefined && value in LEVELS ? (value as LogLevel) : "info";
}

function serialise(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** A JSON-lines logger for `service`. */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? parseLevel(process.env.CLOUDAI_LOG_LEVEL)];
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const make = (base: Record<string, unknown>): Logger => {
    const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
      if (LEVELS[level] < min) return;
      const record = { ts: new Date().toISOString(), level, service, msg, ...base, ...fields };
      write(JSON.stringify(record, (_k, v: unknown) => serialise(v)));
    };
    return {
      debug: (m, f) => log("debug", m, f),
      info: (m, f) => log("info", m, f),
      warn: (m, f) => log("warn", m, f),
      error: (m, f) => log("error", m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}

/** A logger that drops everything (tests that assert on behaviour, not logs). */
export const silentLogger: Logger = createLogger("silent", { write: () => undefined });
