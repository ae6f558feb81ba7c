/**
 * Prints the tables and enums of a Ponder schema file as JSON, read from the drizzle objects Ponder itself
 * builds (`getTableConfig` / `getTableColumns`). Runs under vite-node, the loader Ponder uses for its
 * own TypeScript files:
 *
 *   node_modules/.bin/vite-node subgraph/scripts/ponder-tables.ts -- indexer/ponder.schema.ts
 *
 * Output: {@link PonderSchemaJson} (see subgraph/scripts/schema-parity.ts).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { getTableColumns, is } from "drizzle-orm";
import { getTableConfig, PgTable, PgView, type PgColumn } from "drizzle-orm/pg-core";

interface ColumnJson {
  key: string;
  sqlName: string;
  columnType: string;
  /** Element column type of an array column. */
  elementType?: string;
  /** Enum name of an enum column (or array element). */
  enumName?: string;
  notNull: boolean;
  primary: boolean;
}

function describe(key: string, column: PgColumn): ColumnJson {
  const c = column as PgColumn & { baseColumn?: PgColumn; enum?: { enumName: string } };
  const base = c.baseColumn as (PgColumn & { enum?: { enumName: string } }) | undefined;
  const enumName = (base ?? c).enum?.enumName;
  return {
    key,
    sqlName: c.name,
    columnType: c.columnType,
    ...(base ? { elementType: base.columnType } : {}),
    ...(enumName ? { enumName } : {}),
    notNull: c.notNull,
    primary: c.primary,
  };
}

async function main(file: string): Promise<void> {
  const mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  const tables: unknown[] = [];
  const enums: unknown[] = [];
  const unsupported: string[] = [];
  for (const [exportName, value] of Object.entries(mod)) {
    if (is(value, PgTable)) {
      const config = getTableConfig(value);
      tables.push({
        exportName,
        sqlName: config.name,
        columns: Object.entries(getTableColumns(value)).map(([key, col]) => describe(key, col)),
        compositePrimaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
      });
    } else if (is(value, PgView)) {
      unsupported.push(`${exportName} (view)`);
    } else if (typeof value === "function" && "enumName" in value && "enumValues" in value) {
      const e = value as unknown as { enumName: string; enumValues: string[] };
      enums.push({ exportName, enumName: e.enumName, values: [...e.enumValues] });
    }
  }
  process.stdout.write(JSON.stringify({ tables, enums, unsupported }) + "\n");
}

const file = process.argv.slice(2).find((a) => a !== "--");
if (!file) {
  console.error("usage: vite-node subgraph/scripts/ponder-tables.ts -- <ponder.schema.ts>");
  process.exitCode = 2;
} else {
  main(file).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
