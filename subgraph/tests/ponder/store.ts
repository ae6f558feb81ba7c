/**
 * Ponder's indexing store API (`context.db`: find, insert…onConflictDoUpdate, update…set, sql) over an
 * in-memory PGlite database with the indexer's tables, enough to run the indexer's handlers unchanged.
 */
import { PGlite } from "@electric-sql/pglite";
import { eq, getTableColumns, is } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";

type Row = Record<string, unknown>;
type Patch = Row | ((row: Row) => Row);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTable = any;

export interface PonderStore {
  db: unknown;
  tables: Record<string, AnyTable>;
  dump(): Promise<Record<string, Row[]>>;
}

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function createStore(schema: Record<string, unknown>): Promise<PonderStore> {
  const client = new PGlite();
  const sql = drizzle(client);
  const tables: Record<string, AnyTable> = {};
  for (const [name, value] of Object.entries(schema)) {
    if (!is(value, PgTable)) continue;
    tables[name] = value;
    const config = getTableConfig(value);
    const cols = config.columns.map(
      (c) =>
        `${q(c.name)} ${c.getSQLType()}${c.notNull ? " NOT NULL" : ""}${c.primary ? " PRIMARY KEY" : ""}`,
    );
    await client.exec(`CREATE TABLE ${q(config.name)} (${cols.join(", ")})`);
  }

  const find = async (table: AnyTable, key: { id: string }): Promise<Row | null> => {
    const rows = await sql.select().from(table).where(eq(table.id, key.id)).limit(1);
    return (rows[0] as Row | undefined) ?? null;
  };
  const update = (table: AnyTable, key: { id: string }) => ({
    async set(patch: Patch): Promise<Row> {
      const row = await find(table, key);
      if (!row)
        throw new Error(`No existing record found in table ${getTableConfig(table).name} for ${key.id}`);
      const changes = typeof patch === "function" ? patch(row) : patch;
      if (Object.keys(changes).length > 0) await sql.update(table).set(changes).where(eq(table.id, key.id));
      return { ...row, ...changes };
    },
  });
  const insert = (table: AnyTable) => ({
    values(row: Row) {
      const plain = () => sql.insert(table).values(row);
      return {
        then<T>(ok: (v: unknown) => T, err?: (e: unknown) => T) {
          return plain().then(ok, err);
        },
        async onConflictDoNothing() {
          if (!(await find(table, { id: String(row.id) }))) await plain();
        },
        async onConflictDoUpdate(patch: Patch) {
          const existing = await find(table, { id: String(row.id) });
          if (!existing) return plain();
          return update(table, { id: String(row.id) }).set(patch);
        },
      };
    },
  });
  const db = { find, insert, update, sql };

  async function dump(): Promise<Record<string, Row[]>> {
    const out: Record<string, Row[]> = {};
    for (const [name, table] of Object.entries(tables)) {
      const keys = Object.keys(getTableColumns(table));
      const rows = (await sql.select().from(table)) as Row[];
      out[name] = rows
        .map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null])))
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    }
    return out;
  }
  return { db, tables, dump };
}
