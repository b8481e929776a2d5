// tests/bench/peers.mjs - the ClickHouse (chdb), Polars (nodejs-polars) and
// DuckDB (@duckdb/node-api) peers of `cdrsift volume --by caller --top 10`,
// run by tests/bench/run.sh from tests/bench/node_modules.
//   node peers.mjs ENGINE QUERY FILE.csv.gz...
// ENGINE: chdb, polars, duckdb. QUERY: sum (caller,records,duration_total)
// or full (caller,records,duration_total,duration_max,distinct_peers,
// distinct_cells,first_seen,last_seen), top 10 by records, ties by caller.
// Definitions from the man page (volume columns): durations over records
// that are not SMS and have one; peer of --by caller is the callee (an
// empty callee is no peer); a cell is the full key (operator, lac, cell);
// first/last seen the earliest/latest start, printed with Z (the input's
// stamps have no zone and the default zone is UTC). Prints CSV, no header.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const [engine, q, ...files] = process.argv.slice(2);
const threads = process.env.THREADS || '2';
const full = q === 'full';
const sq = (s) => `'${s.replaceAll("'", "''")}'`;
const cols = 'id,type,direction,caller,callee,start,end,duration,imsi,imei,cell,lac,lat,lon,operator,status'.split(',');
const dur = "if(type != 'sms' AND duration != '', toInt64(duration), NULL)";
function sqlFor(from, dialect) {
	const d = dialect === 'ch' ? dur
		: "CASE WHEN type <> 'sms' AND duration <> '' THEN CAST(duration AS BIGINT) END";
	const cell = dialect === 'ch'
		? "if(cell != '', concat(operator, '/', lac, '/', cell), NULL)"
		: "CASE WHEN cell <> '' THEN operator || '/' || lac || '/' || cell END";
	const peer = dialect === 'ch' ? "if(callee != '', callee, NULL)"
		: "CASE WHEN callee <> '' THEN callee END";
	const u = (e) => dialect === 'ch' ? `uniqExact(${e})` : `count(DISTINCT ${e})`;
	let sel = `caller, count(*) AS n, sum(${d}) AS dt`;
	if (full) sel += `, max(${d}), ${u(peer)}, ${u(cell)}, min(nullif(start, '')), max(nullif(start, ''))`;
	return `SELECT ${sel} FROM ${from} GROUP BY caller ORDER BY n DESC, caller LIMIT 10`;
}
function out(rows) {
	for (const r of rows) {
		const v = r.map((x) => x === null || x === undefined ? '' : String(x));
		if (full) { v[6] = v[6] && v[6] + 'Z'; v[7] = v[7] && v[7] + 'Z'; }
		console.log(v.join(','));
	}
}
if (engine === 'chdb') {
	const { query } = require('chdb');
	const st = cols.map((c) => `${c} String`).join(', ');
	const from = files.length === 1
		? `file(${sq(files[0])}, 'CSVWithNames', ${sq(st)})`
		: `merge(${files.map((f) => `file(${sq(f)}, 'CSVWithNames', ${sq(st)})`).join(' UNION ALL ')})`;
	const res = query(sqlFor(from, 'ch') + ` SETTINGS max_threads = ${threads}`, 'JSONCompact');
	out(JSON.parse(res).data);
} else if (engine === 'duckdb') {
	const { DuckDBInstance } = await import('@duckdb/node-api');
	const db = await DuckDBInstance.create(':memory:', { threads });
	const con = await db.connect();
	const from = `read_csv([${files.map(sq).join(', ')}], header = true, all_varchar = true)`;
	const r = await con.runAndReadAll(sqlFor(from, 'duck'));
	out(r.getRows());
} else if (engine === 'polars') {
	process.env.POLARS_MAX_THREADS = threads;
	const pl = require('nodejs-polars');
	const zlib = require('node:zlib');
	const fs = require('node:fs');
	const schema = Object.fromEntries(cols.map((c) => [c, pl.Utf8]));
	let df = null;
	for (const f of files) {
		const part = pl.readCSV(zlib.gunzipSync(fs.readFileSync(f)),
			{ hasHeader: true, schema });
		df = df ? df.vstack(part) : part;
	}
	const c = (n) => pl.col(n);
	const d = pl.when(c('type').neq(pl.lit('sms')).and(c('duration').neq(pl.lit(''))))
		.then(c('duration').cast(pl.Int64)).otherwise(pl.lit(null));
	const aggs = [pl.len().alias('n'), d.sum().alias('dt')];
	if (full) aggs.push(d.max().alias('dm'),
		pl.when(c('callee').neq(pl.lit(''))).then(c('callee')).otherwise(pl.lit(null)).dropNulls().nUnique().alias('np'),
		pl.when(c('cell').neq(pl.lit(''))).then(pl.concatString([c('operator'), c('lac'), c('cell')], '/')).otherwise(pl.lit(null)).dropNulls().nUnique().alias('nc'),
		c('start').min().alias('fs'), c('start').max().alias('ls'));
	const g = df.lazy().groupBy('caller').agg(...aggs)
		.sort(['n', 'caller'], [true, false]).head(10).collectSync();
	out(g.rows());
} else {
	console.error(`peers.mjs: unknown engine ${engine}`); process.exit(2);
}
