/**
 * HTTP API: GraphQL at `/graphql` (and `/`), SQL over HTTP at `/sql/*` (Ponder's `client()` middleware,
 * read-only queries, used by `@ponder/client`). Ponder itself serves `/health`, `/ready`, `/status` and
 * `/metrics`.
 *
 * GraphQL responses are cached per indexed checkpoint: the tables change only when Ponder commits a new
 * checkpoint (data and checkpoint in one transaction), so a response computed at checkpoint C is valid for
 * every request that finds C current. Each request reads the checkpoint *after* it arrived (concurrent
 * requests share one read scheduled after all of them), so a hit is never older than the state at arrival.
 * Dashboards repeat the same few queries; this turns them into a map lookup. `Cache-Control: no-cache`
 * bypasses the cache; `x-cache: hit|miss` tells which path served a response.
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { client, graphql, sql } from "ponder";

const app = new Hono();

/** Responses of the current checkpoint, by request body; bounded, oldest dropped first. */
const cache = new Map<string, string>();
const MAX_ENTRIES = 1_000;
let cachedAt = "";

async function readCheckpoint(): Promise<string> {
  const result = await db.execute(sql`select max(latest_checkpoint) as c from _ponder_checkpoint`);
  const rows = (result as unknown as { rows: { c: string | null }[] }).rows;
  return rows[0]?.c ?? "";
}

let scheduled: Promise<string> | undefined;
/** A checkpoint read that starts after the caller arrived (shared by everyone who arrived before it starts). */
function freshCheckpoint(): Promise<string> {
  scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
    scheduled = undefined;
    return readCheckpoint();
  });
  return scheduled;
}

const gql = graphql({ db, schema });

app.use("/graphql", async (c, next) => {
  if (c.req.method !== "POST" || (c.req.header("cache-control") ?? "").includes("no-cache")) {
    return gql(c, next);
  }
  const [body, checkpoint] = await Promise.all([c.req.raw.clone().text(), freshCheckpoint()]);
  if (checkpoint !== cachedAt) {
    cache.clear();
    cachedAt = checkpoint;
  }
  const hit = cache.get(body);
  if (hit !== undefined) {
    return c.body(hit, 200, { "content-type": "application/json; charset=utf-8", "x-cache": "hit" });
  }
  const res = await gql(c, next);
  const response = res ?? c.res;
  if (response.status === 200 && checkpoint === cachedAt) {
    const text = await response.clone().text();
    if (!text.includes('"errors"')) {
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(body, text);
    }
  }
  response.headers.set("x-cache", "miss");
  return response;
});
app.use("/sql/*", client({ db, schema }));
app.use("/", graphql({ db, schema }));

export default app;
