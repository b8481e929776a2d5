// tests/bench/duckdb-top.mjs - the DuckDB peer of `cdrsift volume --by
// caller --top 10`: "caller,count" for the ten busiest callers (ties by
// caller), over the gzip CSV files given, on THREADS threads (default 2).
// Run by tests/bench/run.sh through DuckDB's npm package when present.
import { DuckDBInstance } from '@duckdb/node-api';

const files = process.argv.slice(2);
const threads = process.env.THREADS || '2';
const db = await DuckDBInstance.create(':memory:', { threads });
const con = await db.connect();
const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
const result = await con.runAndReadAll(
	`SELECT caller, count(*) AS n
	 FROM read_csv([${list}], header = true, all_varchar = true)
	 GROUP BY caller ORDER BY n DESC, caller LIMIT 10`);
for (const row of result.getRows())
	console.log(`${row[0]},${row[1]}`);
