/**
 * `clai price [class]`: the latest answer of each resource class's price feed, its round, age and whether
 * the market would consider it stale (`maxPriceAge`).
 */
import { Command } from "commander";
import { CliError, openContext } from "../context";
import { chainTime, formatClai, formatDuration } from "../lib/chain";
import { resolveClass, resourceClasses, type ResourceClass } from "../lib/classes";

export interface FeedReading {
  class: string;
  classId: number;
  feed: string | null;
  description: string | null;
  /** CLAI wei per unit (null before the first round). */
  answer: bigint | null;
  roundId: bigint | null;
  updatedAt: number | null;
  ageSeconds: number | null;
  stale: boolean;
}

export function priceCommand(): Command {
  return new Command("price")
    .description("show the latest price feed answer per resource class: price, round, age, staleness")
    .argument("[class]", "resource class name (CPU, GPU, …) or id; all classes when omitted")
    .addHelpText("after", "\nExamples:\n  $ clai price\n  $ clai price GPU --json")
    .action(async (classArg: string | undefined, _opts: unknown, cmd: Command) => {
      const ctx = await openContext(cmd);
      const classes: ResourceClass[] = classArg
        ? [await resolveClass(ctx, classArg)]
        : await resourceClasses(ctx);
      const [now, config] = await Promise.all([
        chainTime(ctx),
        ctx.rpc("config", () => ctx.contracts.market.config()),
      ]);
      const maxPriceAge = Number(config.maxPriceAge);
      const feeds: FeedReading[] = [];
      for (const c of classes) {
        if (!c.feed) {
          feeds.push({
            class: c.name,
            classId: c.id,
            feed: null,
            description: null,
            answer: null,
            roundId: null,
            updatedAt: null,
            ageSeconds: null,
            stale: true,
          });
          continue;
        }
        const feed = c.feed;
        const description = await ctx.rpc("description", () => feed.description());
        let round: { answer: bigint; roundId: bigint; updatedAt: bigint } | null = null;
        try {
          round = await ctx.rpc("latestRoundData", () => feed.latestRoundData());
        } catch (err) {
          if (!(err instanceof CliError && err.revertName === "PriceFeed__NoDataPresent")) throw err;
        }
        const updatedAt = round ? Number(round.updatedAt) : null;
        const ageSeconds = updatedAt === null ? null : now - updatedAt;
        feeds.push({
          class: c.name,
          classId: c.id,
          feed: await feed.getAddress(),
          description,
          answer: round ? round.answer : null,
          roundId: round ? round.roundId : null,
          updatedAt,
          ageSeconds,
          stale: ageSeconds === null || ageSeconds > maxPriceAge,
        });
      }
      ctx.out.result(
        { chainId: ctx.chainId, chainTime: now, maxPriceAgeSeconds: maxPriceAge, feeds },
        (r) => {
          if (r.feeds.length === 0) {
            ctx.out.line("no price feeds registered in the market");
            return;
          }
          ctx.out.table(
            ["class", "id", "price/unit", "round", "age", "state"],
            r.feeds.map((f) => [
              f.class,
              f.classId,
              f.answer === null ? "-" : formatClai(f.answer),
              f.roundId,
              f.ageSeconds === null ? "-" : formatDuration(f.ageSeconds),
              f.answer === null ? "no data" : f.stale ? "STALE" : "fresh",
            ]),
          );
          ctx.out.line(
            `(stale after ${formatDuration(r.maxPriceAgeSeconds)}; market-price tasks need a fresh answer)`,
          );
        },
      );
    });
}
