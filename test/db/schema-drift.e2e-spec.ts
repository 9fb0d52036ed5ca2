// Proves, offline, that prisma/migrations builds exactly the database prisma/schema.prisma describes.
// Prisma's own drift check (`prisma migrate diff`) needs the native schema engine, which cannot be downloaded on
// our build machines, so this reads the schema's DMMF (WebAssembly, no engine) and compares it with the catalog
// of a freshly migrated database: tables, columns (type, nullability, default), primary keys, unique indexes,
// indexes and foreign keys, each with the constraint name Prisma would generate.
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDMMF } from '@prisma/internals';
import { Client } from 'pg';
import {
  createTestDatabase,
  dropDatabase,
  migrate,
  testServerUrl,
  uniqueDatabaseName,
  type TestDatabase,
} from '../support/test-database';

type Datamodel = Awaited<ReturnType<typeof getDMMF>>['datamodel'];
type Model = Datamodel['models'][number];
type Field = Model['fields'][number];

const ROOT = join(__dirname, '..', '..');
const SCHEMA_PATH = join(ROOT, 'prisma', 'schema.prisma');
const MIGRATIONS_DIR = join(ROOT, 'prisma', 'migrations');
const PRISMA_TABLE = '_prisma_migrations';

interface DbColumn {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
  default: string | null;
}
interface DbIndex {
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  method: string;
  columns: string[];
  partialOrExpression: boolean;
}
interface DbForeignKey {
  table: string;
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}
interface Catalog {
  tables: string[];
  columns: DbColumn[];
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
}

async function readCatalog(client: Client): Promise<Catalog> {
  const tables = await client.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
  );
  const columns = await client.query<DbColumn>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
  );
  const indexes = await client.query<DbIndex>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            am.amname AS method, x.indpred IS NOT NULL OR x.indexprs IS NOT NULL AS "partialOrExpression",
            -- key columns only: INCLUDE columns (a covering index) are invisible to Prisma's schema
            ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                  WHERE k.ord <= x.indnkeyatts ORDER BY k.ord) AS columns
     FROM pg_index x
     JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_class i ON i.oid = x.indexrelid
     JOIN pg_am am ON am.oid = i.relam
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND t.relname <> '${PRISMA_TABLE}'
     ORDER BY 1, 2`,
  );
  const foreignKeys = await client.query<DbForeignKey>(
    `SELECT t.relname AS table, con.conname AS name, r.relname AS "refTable",
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)
              AS "refColumns",
            con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate"
     FROM pg_constraint con
     JOIN pg_class t ON t.oid = con.conrelid
     JOIN pg_class r ON r.oid = con.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND con.contype = 'f'
     ORDER BY 1, 2`,
  );
  return {
    tables: tables.rows.map((row) => row.table),
    columns: columns.rows,
    indexes: indexes.rows,
    foreignKeys: foreignKeys.rows.map((fk) => ({
      ...fk,
      onDelete: FK_ACTIONS[fk.onDelete] ?? fk.onDelete,
      onUpdate: FK_ACTIONS[fk.onUpdate] ?? fk.onUpdate,
    })),
  };
}

/** pg_constraint.confdeltype / confupdtype codes, spelled as Prisma's referential actions. */
const FK_ACTIONS: Record<string, string> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

/** What format_type() prints for a Prisma native type (@db.X(args)). */
const NATIVE_TYPES: Record<string, (args: readonly string[]) => string> = {
  Uuid: () => 'uuid',
  Text: () => 'text',
  VarChar: ([n]) => (n ? `character varying(${n})` : 'character varying'),
  Char: ([n]) => `character(${n ?? 1})`,
  Inet: () => 'inet',
  JsonB: () => 'jsonb',
  Json: () => 'json',
  Boolean: () => 'boolean',
  SmallInt: () => 'smallint',
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  DoublePrecision: () => 'double precision',
  Decimal: ([p, s]) => (p ? `numeric(${p},${s ?? 0})` : 'numeric'),
  Date: () => 'date',
  Timestamptz: ([p]) => `timestamp(${p ?? 6}) with time zone`,
  Timestamp: ([p]) => `timestamp(${p ?? 6}) without time zone`,
  ByteA: () => 'bytea',
};
/** The column type Prisma Migrate picks for a scalar without @db.X. */
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

function expectedType(field: Field): string {
  let base: string | undefined;
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    base = NATIVE_TYPES[name]?.(args);
    if (!base) return `<@db.${name} is not mapped in schema-drift.e2e-spec.ts: extend NATIVE_TYPES>`;
  } else {
    base = DEFAULT_TYPES[field.type];
    if (!base) return `<${field.type} is not mapped in schema-drift.e2e-spec.ts: extend DEFAULT_TYPES>`;
  }
  return field.isList ? `${base}[]` : base;
}

/** The column default Prisma Migrate writes (pg_get_expr form); client-side generators have none. */
function expectedDefault(field: Field): string | null {
  const value = field.default;
  if (value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  // Postgres shows a text literal's cast without the column's length: 'webhook'::character varying.
  if (typeof value === 'string')
    return `'${value.replace(/'/g, "''")}'::${expectedType(field).replace(/\(\d+\)$/, '')}`;
  if (Array.isArray(value) && value.length === 0) {
    // Prisma Migrate writes ARRAY[]::<type>[]; Postgres shows a type with a modifier (varchar(32)) cast twice.
    const type = expectedType(field);
    const unmodified = type.replace(/\(\d+(?:,\s*\d+)?\)/, '');
    return unmodified === type ? `ARRAY[]::${type}` : `(ARRAY[]::${unmodified})::${type}`;
  }
  if (Array.isArray(value)) return `<list default: extend expectedDefault in schema-drift.e2e-spec.ts>`;
  const { name, args } = value as { name: string; args: readonly (string | number)[] };
  if (name === 'now') return 'CURRENT_TIMESTAMP';
  if (['uuid', 'cuid', 'nanoid', 'ulid'].includes(name)) return null;
  if (name === 'dbgenerated') return String(args[0]);
  return `<@default(${name}()): extend expectedDefault in schema-drift.e2e-spec.ts>`;
}

/** Prisma's default constraint name: <table>[_<columns>]_<suffix>, the base cut so the whole fits in 63 bytes. */
function prismaName(table: string, columns: readonly string[], suffix: string): string {
  const base = [table, ...columns].join('_');
  return `${base.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

const tableOf = (model: Model): string => model.dbName ?? model.name;
const columnOf = (field: Field): string => field.dbName ?? field.name;
const list = (columns: readonly string[]): string => `(${columns.join(', ')})`;

describe('database built by prisma/migrations matches prisma/schema.prisma', () => {
  let db: TestDatabase;
  let client: Client;
  let datamodel: Datamodel;
  let catalog: Catalog;

  const modelByName = (name: string): Model => {
    const model = datamodel.models.find((candidate) => candidate.name === name);
    if (!model) throw new Error(`model ${name} is not in the DMMF`);
    return model;
  };
  const columnsOf = (model: Model, fieldNames: readonly string[]): string[] =>
    fieldNames.map((name) => {
      const field = model.fields.find((candidate) => candidate.name === name);
      if (!field) throw new Error(`${model.name}.${name} is not in the DMMF`);
      return columnOf(field);
    });

  beforeAll(async () => {
    const [dmmf, database] = await Promise.all([
      getDMMF({ datamodel: readFileSync(SCHEMA_PATH, 'utf8') }),
      createTestDatabase('schema_drift'),
    ]);
    datamodel = dmmf.datamodel;
    db = database;
    client = new Client({ connectionString: db.url });
    await client.connect();
    catalog = await readCatalog(client);
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('uses only features this test knows how to compare', () => {
    expect(datamodel.models.length).toBeGreaterThan(0);
    const unsupported = [
      ...datamodel.enums.map((e) => `enum ${e.name}: extend the drift test to compare enum types`),
      ...datamodel.types.map((t) => `composite type ${t.name}: not supported on PostgreSQL`),
      ...datamodel.models
        .filter((model) => model.schema !== null && model.schema !== 'public')
        .map((model) => `model ${model.name} lives in schema ${model.schema}: extend the drift test`),
      ...datamodel.models.flatMap((model) =>
        model.fields
          .filter((field) => field.kind === 'enum' || field.kind === 'unsupported')
          .map((field) => `${model.name}.${field.name} is of kind ${field.kind}: extend the drift test`),
      ),
    ];
    expect(unsupported).toEqual([]);
  });

  it('has a table for every model and no other tables', () => {
    const expected = datamodel.models.map(tableOf);
    const problems = [
      ...expected.filter((table) => !catalog.tables.includes(table)).map((table) => `missing table ${table}`),
      ...catalog.tables
        .filter((table) => table !== PRISMA_TABLE && !expected.includes(table))
        .map((table) => `table ${table} is not in schema.prisma`),
    ];
    expect(problems).toEqual([]);
  });

  it('has every scalar field as a column with the same type, nullability and default, and no other columns', () => {
    const problems: string[] = [];
    for (const model of datamodel.models) {
      const table = tableOf(model);
      const fields = model.fields.filter((field) => field.kind === 'scalar');
      const dbColumns = catalog.columns.filter((column) => column.table === table);
      for (const field of fields) {
        const name = `${table}.${columnOf(field)}`;
        const column = dbColumns.find((candidate) => candidate.column === columnOf(field));
        if (!column) {
          problems.push(`${name}: missing column (field ${model.name}.${field.name})`);
          continue;
        }
        const type = expectedType(field);
        if (column.type !== type) problems.push(`${name}: type is ${column.type}, schema says ${type}`);
        // Prisma Migrate creates scalar-list columns without NOT NULL even though the field is required.
        const nullable = field.isList || !field.isRequired;
        if (column.nullable !== nullable) {
          problems.push(`${name}: ${column.nullable ? 'nullable' : 'NOT NULL'}, schema says the opposite`);
        }
        const defaultValue = expectedDefault(field);
        if (column.default !== defaultValue) {
          problems.push(
            `${name}: default is ${column.default ?? 'none'}, schema says ${defaultValue ?? 'none'}`,
          );
        }
      }
      for (const column of dbColumns) {
        if (!fields.some((field) => columnOf(field) === column.column)) {
          problems.push(`${table}.${column.column}: column is not in schema.prisma (model ${model.name})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('has the primary keys, unique indexes and indexes of the schema, under Prisma names, and no others', () => {
    const problems: string[] = [];
    const matched = new Set<DbIndex>();
    for (const index of datamodel.indexes) {
      const model = modelByName(index.model);
      const table = tableOf(model);
      const columns = columnsOf(
        model,
        index.fields.map((field) => field.name),
      );
      const kind = { id: 'primary key', unique: 'unique index', normal: 'index', fulltext: 'fulltext index' }[
        index.type
      ];
      const suffix = { id: 'pkey', unique: 'key', normal: 'idx', fulltext: 'idx' }[index.type];
      const name =
        index.dbName ??
        (index.type === 'id' ? prismaName(table, [], suffix) : prismaName(table, columns, suffix));
      const label = `${table} ${kind} ${list(columns)}`;
      const found = catalog.indexes.find(
        (candidate) =>
          candidate.table === table &&
          candidate.primary === (index.type === 'id') &&
          candidate.unique === (index.type !== 'normal' && index.type !== 'fulltext') &&
          candidate.columns.join() === columns.join() &&
          !matched.has(candidate),
      );
      if (!found) {
        problems.push(`${label}: missing`);
        continue;
      }
      matched.add(found);
      if (found.name !== name) problems.push(`${label}: named ${found.name}, Prisma would name it ${name}`);
      const method = (index.algorithm ?? 'BTree').toLowerCase();
      if (found.method !== method) problems.push(`${label}: uses ${found.method}, schema says ${method}`);
      if (found.partialOrExpression)
        problems.push(`${label}: is partial or on expressions, schema says neither`);
      const sorted = index.fields.filter((field) => field.sortOrder === 'desc' || field.length !== undefined);
      if (sorted.length)
        problems.push(`${label}: sort order/length options are not compared: extend the test`);
    }
    for (const index of catalog.indexes) {
      if (!matched.has(index)) {
        const kind = index.primary ? 'primary key' : index.unique ? 'unique index' : 'index';
        problems.push(`${index.table} ${kind} ${index.name} ${list(index.columns)}: not in schema.prisma`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has a foreign key for every relation, with its columns, target and referential actions, and no others', () => {
    const problems: string[] = [];
    const matched = new Set<DbForeignKey>();
    for (const model of datamodel.models) {
      const table = tableOf(model);
      for (const field of model.fields) {
        if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
        const target = modelByName(field.type);
        const columns = columnsOf(model, field.relationFromFields);
        const refColumns = columnsOf(target, field.relationToFields ?? []);
        const label = `${table}${list(columns)} -> ${tableOf(target)}${list(refColumns)} (${model.name}.${field.name})`;
        const found = catalog.foreignKeys.find(
          (fk) => fk.table === table && fk.columns.join() === columns.join() && !matched.has(fk),
        );
        if (!found) {
          problems.push(`${label}: missing foreign key`);
          continue;
        }
        matched.add(found);
        const requiredColumns = field.relationFromFields.every(
          (name) => model.fields.find((candidate) => candidate.name === name)?.isRequired,
        );
        const expected = {
          name: prismaName(table, columns, 'fkey'),
          refTable: tableOf(target),
          refColumns: refColumns.join(),
          onDelete: field.relationOnDelete ?? (requiredColumns ? 'Restrict' : 'SetNull'),
          onUpdate: field.relationOnUpdate ?? 'Cascade',
        };
        const actual = { ...found, refColumns: found.refColumns.join() };
        for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
          if (actual[key] !== expected[key]) {
            problems.push(`${label}: ${key} is ${actual[key]}, schema says ${expected[key]}`);
          }
        }
      }
    }
    for (const fk of catalog.foreignKeys) {
      if (!matched.has(fk)) {
        problems.push(
          `${fk.table}${list(fk.columns)} -> ${fk.refTable}: foreign key ${fk.name} is not in schema.prisma`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  describe('db:migrate bookkeeping', () => {
    const migrationNames = (): string[] =>
      readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();

    it('applies nothing on a second run and records each migration as Prisma does', async () => {
      await expect(migrate({ databaseUrl: db.url })).resolves.toEqual([]);
      const { rows } = await client.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        rolled_back_at: Date | null;
        applied_steps_count: number;
      }>(`SELECT * FROM "${PRISMA_TABLE}" ORDER BY migration_name`);
      const expected = migrationNames().map((name) => ({
        migration_name: name,
        checksum: createHash('sha256')
          .update(readFileSync(join(MIGRATIONS_DIR, name, 'migration.sql')))
          .digest('hex'),
        finished_at: expect.any(Date),
        rolled_back_at: null,
        applied_steps_count: 1,
      }));
      expect(expected.length).toBeGreaterThan(0);
      expect(rows).toEqual(expected.map((row) => expect.objectContaining(row)));
    });

    describe('with a copy of the migrations directory', () => {
      let dir: string;
      beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'journey-migrations-'));
        cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      });
      afterEach(() => rmSync(dir, { recursive: true, force: true }));

      it('refuses to run when an applied migration file changed', async () => {
        const [first] = migrationNames();
        appendFileSync(join(dir, first, 'migration.sql'), '\n-- edited after it was applied\n');
        await expect(migrate({ databaseUrl: db.url, migrationsDir: dir })).rejects.toThrow(
          new RegExp(`migration ${first} was modified after it was applied`),
        );
      });

      it('accepts a CRLF checkout of an applied migration, as Prisma does', async () => {
        const [first] = migrationNames();
        const file = join(dir, first, 'migration.sql');
        writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
        await expect(migrate({ databaseUrl: db.url, migrationsDir: dir })).resolves.toEqual([]);
      });

      it('rolls a failing migration back completely and records nothing', async () => {
        const name = '29991231000000_broken';
        mkdirSync(join(dir, name));
        writeFileSync(
          join(dir, name, 'migration.sql'),
          'CREATE TABLE "drift_probe" ("id" INTEGER);\nSELECT 1 / 0;\n',
        );
        await expect(migrate({ databaseUrl: db.url, migrationsDir: dir })).rejects.toThrow(
          /migration 29991231000000_broken failed and was rolled back: division by zero/,
        );
        const probe = await client.query(`SELECT to_regclass('public.drift_probe') AS t`);
        expect(probe.rows[0].t).toBeNull();
        const rows = await client.query(`SELECT 1 FROM "${PRISMA_TABLE}" WHERE migration_name = $1`, [name]);
        expect(rows.rowCount).toBe(0);
      });
    });

    it('refuses to run while an earlier attempt is recorded as failed', async () => {
      const name = '29991231000001_failed_elsewhere';
      await client.query(
        `INSERT INTO "${PRISMA_TABLE}" (id, checksum, migration_name, applied_steps_count)
         VALUES (gen_random_uuid(), repeat('0', 64), $1, 0)`,
        [name],
      );
      try {
        await expect(migrate({ databaseUrl: db.url })).rejects.toThrow(
          new RegExp(`migration ${name} failed in an earlier attempt`),
        );
      } finally {
        await client.query(`DELETE FROM "${PRISMA_TABLE}" WHERE migration_name = $1`, [name]);
      }
    });

    it('creates a missing database once when two processes migrate it at the same time', async () => {
      const name = uniqueDatabaseName('race');
      const databaseUrl = testServerUrl(name);
      try {
        const results = await Promise.all([migrate({ databaseUrl }), migrate({ databaseUrl })]);
        expect(results.map((applied) => applied.length).sort()).toEqual([0, migrationNames().length]);
      } finally {
        await dropDatabase(name);
      }
    });
  });
});
