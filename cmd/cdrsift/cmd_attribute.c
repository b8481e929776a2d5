/*
 * cmd_attribute.c - `cdrsift attribute` (issue 16, DESIGN section 5): who
 * held public address A, port P at time T, through the run driver
 * (run.h): any -f format, --partial and merge. The queries come from
 * --ip/--port/--at[/--proto] or from --queries FILE, any input cdrsift
 * reads (csv, gzip, ...) with an address, a port and a time column and an
 * optional id and protocol, read through the schema like every input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "cli.h"
#include "run.h"
#include "source.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

enum { O_IP = 1200, O_PORT, O_AT, O_PROTO, O_QUERIES, O_SLACK, O_MAXB,
       O_SKEW };

static const struct option attr_longopts[] = {
	{ "ip", required_argument, NULL, O_IP },
	{ "port", required_argument, NULL, O_PORT },
	{ "at", required_argument, NULL, O_AT },
	{ "proto", required_argument, NULL, O_PROTO },
	{ "queries", required_argument, NULL, O_QUERIES },
	{ "slack", required_argument, NULL, O_SLACK },
	{ "max-binding", required_argument, NULL, O_MAXB },
	{ "skew", required_argument, NULL, O_SKEW },
	{ NULL, 0, NULL, 0 },
};

struct attr_cmd {
	struct attr_opts o;
	const char *ip, *port, *at, *proto, *queries;
	struct attr_query *q;
	size_t nq, qalloc;
};

/*
 * A span: a number with a unit (ms, s, m, h, d; none: seconds), or
 * H:MM:SS. Into milliseconds; -1 when it does not read.
 */
static int parse_span(const char *s, int64_t *out_ms)
{
	size_t n = strlen(s), i = 0;
	int64_t unit = 1000, us;

	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
		i++;
	if (i == 0)
		return -1;
	if (i < n) {
		const char *u = s + i;
		if (!strcmp(u, "ms"))
			unit = 1;
		else if (!strcmp(u, "s"))
			unit = 1000;
		else if (!strcmp(u, "m"))
			unit = 60000;
		else if (!strcmp(u, "h"))
			unit = 3600000;
		else if (!strcmp(u, "d"))
			unit = 86400000;
		else
			return dur_parse(s, n, &us) < 0 ? -1 :
			       (*out_ms = us / 1000, 0);
	}
	if (dur_parse(s, i, &us) < 0 || us / 1000000 > 10000000)
		return -1;
	/* us is the number times 10^6: its thousandths times the unit */
	*out_ms = us / 1000 * unit / 1000;
	return 0;
}

static int attr_option(void *ctx, int c, const char *arg)
{
	struct attr_cmd *a = ctx;
	int64_t ms;

	switch (c) {
	case O_IP:
		a->ip = arg;
		return 0;
	case O_PORT:
		a->port = arg;
		return 0;
	case O_AT:
		a->at = arg;
		return 0;
	case O_PROTO:
		a->proto = arg;
		return 0;
	case O_QUERIES:
		a->queries = arg;
		return 0;
	case O_SKEW:
		if (parse_span(arg + (*arg == '-' || *arg == '+'), &ms) < 0) {
			cli_error("attribute: --skew: '%s' is not a span of "
				  "time (-30s, 2, +1m)", arg);
			return -1;
		}
		a->o.skew_ms = *arg == '-' ? -ms : ms;
		return 0;
	case O_SLACK:
	case O_MAXB:
		if (parse_span(arg, &ms) < 0) {
			cli_error("attribute: %s: '%s' is not a span of time "
				  "(2, 2s, 500ms, 5m, 24h, 1d, 0:00:02)",
				  c == O_SLACK ? "--slack" : "--max-binding",
				  arg);
			return -1;
		}
		if (c == O_SLACK)
			a->o.slack_ms = ms;
		else
			a->o.max_binding_ms = ms;
		return 0;
	}
	return -1;
}

static const char attr_usage[] =
"Who held public address A, port P at time T: every binding of a CGNAT\n"
"log (sessions, or port-block allocate/release events) covering each\n"
"query, one row each: id, ip, port, time, subscriber, imsi, imei,\n"
"private_ip, binding_start, binding_end, match (exact, slack, open,\n"
"ambiguous; none: no binding) and evidence (input:line of the records).\n"
"      --ip ADDR --port P --at TIME   one query (TIME in --tz unless it\n"
"                             carries a zone)\n"
"      --proto tcp|udp        the query's protocol (compared where the\n"
"                             log carries one)\n"
"      --queries FILE         many queries: a file with ip, port, time and\n"
"                             optional id and protocol columns\n"
"      --slack SPAN           widen every binding by this at both ends [2s]\n"
"      --max-binding SPAN     an allocation with no release holds this\n"
"                             long at most [24h]\n"
"      --skew SPAN            the second hop's clock (session logs: no\n"
"                             public address) minus the NAT log's [0]\n"
"With --partial FILE, writes the exact state there instead (cdrsift merge).\n";

static void push(struct attr_cmd *a, const struct attr_query *q)
{
	VEC_GROW(a->q, a->nq + 1, a->qalloc);
	a->q[a->nq] = *q;
	a->q[a->nq].seq = a->nq;
	a->nq++;
}

static int parse_port(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;

	if (!len || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*out = v;
	return 0;
}

static int one_query(struct attr_cmd *a, const struct cli *cli)
{
	struct attr_query q;

	memset(&q, 0, sizeof(q));
	if (!a->ip || !a->port || !a->at) {
		cli_error("attribute: a query needs --ip, --port and --at (or "
			  "--queries FILE)");
		return -1;
	}
	if (ip_parse(a->ip, strlen(a->ip), &q.ip) < 0) {
		cli_error("attribute: --ip: '%s' is not an IPv4 or IPv6 "
			  "address", a->ip);
		return -1;
	}
	if (parse_port(a->port, strlen(a->port), &q.port) < 0) {
		cli_error("attribute: --port: '%s' is not a port (0-65535)",
			  a->port);
		return -1;
	}
	if (ts_parse(a->at, strlen(a->at), cli->tz, &q.t) < 0) {
		cli_error("attribute: --at: '%s' is not a timestamp", a->at);
		return -1;
	}
	if (a->proto) {
		attr_proto_norm(a->proto, strlen(a->proto), q.proto);
		if (!q.proto[0]) {
			cli_error("attribute: --proto: '%s' is not a protocol",
				  a->proto);
			return -1;
		}
	}
	push(a, &q);
	return 0;
}

/* The raw column of the first of 'names' the header has, or -1. */
static int raw_col(const struct schema *s, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		int c = schema_column_index(s, names[i], strlen(names[i]));
		if (c >= 0)
			return c;
	}
	return -1;
}

/* 0, -1 (a usage error: exit 2) or -EXIT_INPUT (unreadable: exit 3). */
static int file_queries(struct attr_cmd *a, const struct cli *cli)
{
	static const char *const port_names[] = { "port", "publicport",
		"srcport", NULL };
	static const char *const id_names[] = { "id", "queryid", "query",
		"ref", "reference", "caseid", "case", "requestid", NULL };
	struct schema_opts so;
	struct csvrow_opts co;
	struct source src;
	struct record rec;
	int rc = 0, port_col, id_col, ipf, portf;
	const char *path = a->queries;

	memset(&so, 0, sizeof(so));
	memset(&co, 0, sizeof(co));
	so.kind = KIND_IP;
	so.tz = cli->tz;
	if (source_open(&src, path, &so, &co,
			FIELD_BIT(F_PUBLIC_IP) | FIELD_BIT(F_SRC_IP) |
			FIELD_BIT(F_PUBLIC_PORT) | FIELD_BIT(F_SRC_PORT) |
			FIELD_BIT(F_START) | FIELD_BIT(F_PROTOCOL)) < 0) {
		int open_failed = src.open_failed || src.foreign;

		cli_error("attribute: --queries: %s: %s", path,
			  buf_cstr(&src.problem));
		source_release(&src);
		return open_failed ? -EXIT_INPUT : -1;
	}
	ipf = src.schema->column_of[F_PUBLIC_IP] >= 0 ? F_PUBLIC_IP :
	      src.schema->column_of[F_SRC_IP] >= 0 ? F_SRC_IP : -1;
	portf = src.schema->column_of[F_PUBLIC_PORT] >= 0 ? F_PUBLIC_PORT :
		src.schema->column_of[F_SRC_PORT] >= 0 ? F_SRC_PORT : -1;
	port_col = portf < 0 ? raw_col(src.schema, port_names) : -1;
	id_col = raw_col(src.schema, id_names);
	if (ipf < 0 || (portf < 0 && port_col < 0) ||
	    src.schema->column_of[F_START] < 0) {
		cli_error("attribute: --queries: %s: needs an address (ip, "
			  "public_ip), a port (port, public_port) and a time "
			  "(time, timestamp, start) column", path);
		source_release(&src);
		return -1;
	}
	record_init(&rec);
	for (;;) {
		int ev = source_next(&src, &rec);
		struct attr_query q;
		struct strv v;

		if (ev == SRC_EOF)
			break;
		if (ev == SRC_REJECT) {
			cli_error("%s:%llu: %s", path,
				  (unsigned long long)src.last_line,
				  src.last_reason);
			rc = -1;
			break;
		}
		memset(&q, 0, sizeof(q));
		if (!record_has(&rec, (enum field_id)ipf) ||
		    !record_has(&rec, F_START)) {
			cli_error("%s:%llu: a query needs an address and a "
				  "time", path, (unsigned long long)rec.line);
			rc = -1;
			break;
		}
		q.ip = rec.v[ipf].ip;
		q.t = rec.v[F_START].i;
		if (portf >= 0 && record_has(&rec, (enum field_id)portf) &&
		    rec.v[portf].i >= 0 && rec.v[portf].i <= 65535) {
			q.port = (uint32_t)rec.v[portf].i;
		} else if (portf >= 0 ||
			   record_raw(&rec, (size_t)port_col, &v) < 0 ||
			   parse_port(v.s, v.len, &q.port) < 0) {
			cli_error("%s:%llu: a query needs a port (0-65535)",
				  path, (unsigned long long)rec.line);
			rc = -1;
			break;
		}
		if (record_has(&rec, F_PROTOCOL))
			attr_proto_norm(rec.v[F_PROTOCOL].s.s,
					rec.v[F_PROTOCOL].s.len, q.proto);
		if (id_col >= 0 && record_raw(&rec, (size_t)id_col, &v) == 0)
			q.id = xstrndup(v.s, v.len);
		push(a, &q);
	}
	if (!rc && src.open_failed + src.damaged + src.read_failed) {
		cli_error("attribute: --queries: %s: %s", path,
			  buf_cstr(&src.problem));
		rc = -EXIT_INPUT;
	}
	record_release(&rec);
	source_release(&src);
	return rc;
}

/* An input with neither side of a binding cannot answer anything. */
static void attr_input_start(void *ctx, struct pipe_input *pin)
{
	const struct schema *sc = pin->src.schema;

	(void)ctx;
	if (pin->usable && sc && sc->column_of[F_PUBLIC_IP] < 0 &&
	    sc->column_of[F_PUBLIC_PREFIX] < 0 &&
	    sc->column_of[F_SRC_IP] < 0)
		cli_error("%s: no public_ip or src_ip column: no binding "
			  "can come from it", pin->name);
}

static void free_queries(struct attr_cmd *a)
{
	for (size_t i = 0; i < a->nq; i++)
		free(a->q[i].id);
	free(a->q);
}

int cmd_attribute(int argc, char **argv)
{
	struct cli cli;
	struct attr_cmd a;
	struct cmd_opts co = { attr_longopts, attr_option, &a, attr_usage };
	struct run r;
	int rc;

	memset(&a, 0, sizeof(a));
	attr_opts_init(&a.o);
	rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	if (a.queries && (a.ip || a.port || a.at || a.proto)) {
		cli_error("attribute: --queries FILE and --ip/--port/--at/"
			  "--proto are one or the other");
		rc = -1;
	} else {
		rc = a.queries ? file_queries(&a, &cli) : one_query(&a, &cli);
	}
	if (rc < 0) {
		free_queries(&a);
		cli_status(&cli, rc == -EXIT_INPUT ? EXIT_INPUT : EXIT_USAGE);
		return cli_finish(&cli);
	}
	a.o.q = a.q;
	a.o.nq = a.nq;
	cli_require(&cli, FIELD_BIT(F_START), "attribute");
	rc = cli_setup(&cli, KIND_IP);
	if (rc) {
		free_queries(&a);
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	}
	run_init(&r, &cli, &attribute_analysis, &a.o);
	r.input_start = attr_input_start;
	run_inputs(&r);
	run_output(&r);
	run_release(&r);
	free_queries(&a);
	return cli_finish(&cli);
}
