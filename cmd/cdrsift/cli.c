/*
 * cli.c - common options, their checks and the output set-up, and the end
 * of a run (cli_finish). The input loop with its accounting, reject
 * reports and progress is in cli_rows.c, the JSON meta and value
 * formatting in cli_meta.c, the analysis run driver in run.c. Everything
 * here may print and decide exit statuses; nothing here analyses records.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cells.h"
#include "expr.h"
#include "timeparse.h"
#include "analysis.h"
#include "runfacts.h"
#include "suggest.h"
#include "xalloc.h"
#include "banned.h"

enum {
	O_KIND = 256, O_MAP, O_DELIM, O_NO_HEADER, O_TZ, O_CELLS, O_REJECTS,
	O_PROGRESS, O_NO_PROGRESS, O_VERSION, O_COUNTRY, O_DIALECT, O_NULL,
	O_FIELD_CAP, O_VERBOSE, O_DUMP_EXPR, O_MAX_REJECT_MSGS,
	O_AUDIT, O_PROVENANCE, O_MANIFEST,
	O_DECIMAL_COMMA, O_PARTIAL, O_DATE_ORDER, O_SUBSCRIBER, O_CELLS_MAP,
	/* privacy (issue 17, privacy.c) */
	O_PSEUDONYMIZE, O_PSEUDONYMIZE_IPS, O_REJECTS_RAW, O_SUPPRESS_BELOW,
};

static const struct option common_opts[] = {
	{ "where", required_argument, NULL, 'w' },
	{ "kind", required_argument, NULL, O_KIND },
	{ "map", required_argument, NULL, O_MAP },
	{ "delimiter", required_argument, NULL, O_DELIM },
	{ "no-header", no_argument, NULL, O_NO_HEADER },
	{ "decimal-comma", no_argument, NULL, O_DECIMAL_COMMA },
	{ "date-order", required_argument, NULL, O_DATE_ORDER },
	{ "tz", required_argument, NULL, O_TZ },
	{ "cells", required_argument, NULL, O_CELLS },
	{ "cells-map", required_argument, NULL, O_CELLS_MAP },
	{ "subscriber", required_argument, NULL, O_SUBSCRIBER },
	{ "country", required_argument, NULL, O_COUNTRY },
	{ "dialect", required_argument, NULL, O_DIALECT },
	{ "null", required_argument, NULL, O_NULL },
	{ "field-cap", required_argument, NULL, O_FIELD_CAP },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "threads", required_argument, NULL, 'j' },
	{ "rejects", required_argument, NULL, O_REJECTS },
	{ "max-reject-messages", required_argument, NULL, O_MAX_REJECT_MSGS },
	{ "partial", required_argument, NULL, O_PARTIAL },
	{ "audit", required_argument, NULL, O_AUDIT },
	{ "provenance", required_argument, NULL, O_PROVENANCE },
	{ "manifest", required_argument, NULL, O_MANIFEST },
	/* privacy (issue 17, privacy.c) */
	{ "pseudonymize", required_argument, NULL, O_PSEUDONYMIZE },
	{ "pseudonymize-ips", required_argument, NULL, O_PSEUDONYMIZE_IPS },
	{ "rejects-raw", no_argument, NULL, O_REJECTS_RAW },
	{ "suppress-below", required_argument, NULL, O_SUPPRESS_BELOW },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "no-progress", no_argument, NULL, O_NO_PROGRESS },
	{ "verbose", no_argument, NULL, O_VERBOSE },
	{ "debug-dump-expr", no_argument, NULL, O_DUMP_EXPR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
};

static const char common_usage[] =
"Common options:\n"
"  -w, --where EXPR       keep only records for which EXPR is true\n"
"      --kind cdr|ip      record kind (default: from the header)\n"
"      --map F=COL,...    map columns (name or 1-based number) to fields\n"
"      --delimiter C      field delimiter: , ; | tab (default: sniffed)\n"
"      --no-header        the first line is data; map with --map F=N\n"
"      --decimal-comma    lat/lon may be written with a decimal comma (3,139)\n"
"      --dialect NAME     asterisk, asterisk-custom, freeswitch (header-less\n"
"                         Master.csv), none or auto\n"
"      --null LIST        values that mean missing (-,(empty),NULL,\\N,n/a)\n"
"      --tz ZONE          zone of stamps without one (+08:00, Asia/Kuala_Lumpur)\n"
"      --date-order dmy|mdy  day or month first in 3/4/2025 (default dmy)\n"
"      --country CC       calling code for numbers with a trunk 0 (e.g. 60)\n"
"      --cells FILE       cell-site table (OpenCellID CSV or cell,lat,lon)\n"
"      --cells-map cell=COL,lat=COL,lon=COL[,range=COL]  its column names\n"
"      --subscriber N     every record is N's (one target, no served column)\n"
"      --field-cap N      longest field in bytes (default 1048576)\n"
"  -f, --format F         table, csv, tsv, json, ndjson\n"
"  -o, --output FILE      write there instead of standard output\n"
"  -j, --threads N        threads: readers, parsers (default: all cores)\n"
"      --rejects FILE     write every rejected row there (CSV)\n"
"      --max-reject-messages N  rejects reported per input on stderr (10)\n"
"      --manifest FILE    check the inputs against a sha256sum manifest first\n"
"      --provenance FILE  write the run's json meta there\n"
"      --audit FILE       append a hash-chained record of the run there\n"
"      --pseudonymize KEYFILE  identifiers as keyed tokens (cdrsift keygen)\n"
"      --pseudonymize-ips subscriber|all  which addresses (default subscriber)\n"
"      --rejects-raw      keep raw rows in --rejects under --pseudonymize\n"
"      --suppress-below N hide groups of fewer than N distinct subscribers\n"
"      --partial FILE     write the exact state there for 'cdrsift merge'\n"
"                         (stats only in this version)\n"
"      --progress, --no-progress, --verbose, -h/--help, --version\n";

static int late_options(struct cli *cli);

/*
 * Every message goes through here: formatted first, then written with its
 * control bytes escaped (\x1b), since file names and values in messages
 * come from the evidence and must never drive the terminal.
 */
void cli_error(const char *fmt, ...)
{
	va_list ap;
	struct buf msg = BUF_INIT, out = BUF_INIT;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	privacy_scrub_msg(&msg); /* issue 17: --pseudonymize's safety net */
	for (size_t i = 0; i < msg.len; i++) {
		unsigned char c = (unsigned char)msg.data[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			buf_addf(&out, "\\x%02x", c);
		else
			buf_addch(&out, c);
	}
	fprintf(stderr, "cdrsift: %s\n", buf_cstr(&out));
	buf_release(&msg);
	buf_release(&out);
}

volatile sig_atomic_t cli_sigpipe;

int cli_out_closed(struct cli *cli)
{
	if (!cli->out_closed && cli->out && ferror(cli->out) && cli_sigpipe) {
		cli->out_closed = 1;
		__atomic_store_n(&cli->cancel, 1, __ATOMIC_RELEASE);
	}
	return cli->out_closed;
}

void cli_status(struct cli *cli, enum exit_status s)
{
	if (s > cli->status)
		cli->status = s;
}

/*
 * "--map: unknown field" with the field an alias names (msisdn: the
 * subscriber) or the nearest field name when it looks like a slip.
 */
static void map_refused(const char *name)
{
	const char *cands[F_COUNT + 1];
	size_t n = 0, len = strlen(name);
	char norm[80];
	size_t nl = suggest_norm(name, len, norm, sizeof(norm));
	struct buf h = BUF_INIT;
	for (int f = 0; f < F_COUNT; f++) {
		if (field_table[f].kinds & KB_DERIVED)
			continue;
		if (nl && !h.len &&
		    suggest_alias_has(field_table[f].aliases, norm))
			buf_addf(&h, " (did you mean '%s'?)",
				 field_table[f].name);
		cands[n++] = field_table[f].name;
	}
	cands[n] = NULL;
	if (!h.len)
		suggest_append(&h, name, len, cands);
	cli_error("--map: unknown field '%s'%s", name, buf_cstr(&h));
	buf_release(&h);
}

static int parse_map(struct cli *cli, const char *arg)
{
	char *text = xstrdup(arg), *p = text;
	size_t n = 0, alloc = 0;
	free(cli->map_text);
	free(cli->map);
	cli->map = NULL;
	cli->map_text = text;
	while (p && *p) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		char *eq = strchr(p, '=');
		if (!eq || eq == p || !eq[1]) {
			cli_error("--map: expected FIELD=COLUMN, found '%s'", p);
			return -1;
		}
		*eq = '\0';
		int f = field_by_name(p, strlen(p));
		if (f < 0 || (field_table[f].kinds & KB_DERIVED)) {
			map_refused(p);
			return -1;
		}
		VEC_GROW(cli->map, n + 1, alloc);
		cli->map[n].field = f;
		cli->map[n].column = eq + 1;
		cli->map[n].position = 0;
		char *end;
		long pos = strtol(eq + 1, &end, 10);
		if (*end == '\0' && pos > 0 && pos < 100000)
			cli->map[n].position = (int)pos;
		n++;
		p = comma ? comma + 1 : NULL;
	}
	cli->so.map = cli->map;
	cli->so.nmap = n;
	return 0;
}

static int parse_delim(struct cli *cli, const char *arg)
{
	if (!strcmp(arg, "tab") || !strcmp(arg, "\\t"))
		cli->co.delimiter = '\t';
	else if (strlen(arg) == 1 && strchr(",;|\t:", arg[0]))
		cli->co.delimiter = arg[0];
	else if (!strcmp(arg, "comma"))
		cli->co.delimiter = ',';
	else if (!strcmp(arg, "semicolon"))
		cli->co.delimiter = ';';
	else if (!strcmp(arg, "pipe"))
		cli->co.delimiter = '|';
	else {
		cli_error("--delimiter: expected , ; | : or tab, found '%s'", arg);
		return -1;
	}
	return 0;
}

static int parse_count(const char *opt, const char *arg, long lo, long hi,
		       long *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < lo || v > hi) {
		cli_error("%s: expected a number from %ld to %ld, found '%s'",
			  opt, lo, hi, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static void usage(const struct cli *cli, const struct cmd_opts *co, FILE *fp)
{
	fprintf(fp, "usage: cdrsift %s [OPTIONS] [FILE...]\n%s\n%s",
		cli->cmd, co && co->usage ? co->usage : "", common_usage);
}

static int parse_args(struct cli *cli, int argc, char **argv,
		      const struct cmd_opts *co)
{
	struct option opts[64];
	size_t n = 0;
	long v;

	memset(cli, 0, sizeof(*cli));
	cli->cmd = argv[0];
	cli->argc = argc;
	cli->argv = argv;
	cli->format = -1;
	cli->progress = -1;
	cli->max_reject_messages = 10;
	for (size_t i = 0; i < sizeof(common_opts) / sizeof(common_opts[0]); i++)
		opts[n++] = common_opts[i];
	for (size_t i = 0; co && co->longopts && co->longopts[i].name; i++)
		if (n + 1 < sizeof(opts) / sizeof(opts[0]))
			opts[n++] = co->longopts[i];
	memset(&opts[n], 0, sizeof(opts[n]));

	optind = 1;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":w:f:o:j:h", opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'w':
			cli->where = optarg;
			break;
		case O_KIND:
			if (!strcmp(optarg, "cdr"))
				cli->so.kind = KIND_CDR;
			else if (!strcmp(optarg, "ip"))
				cli->so.kind = KIND_IP;
			else {
				cli_error("--kind: expected cdr or ip, found '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case O_MAP:
			if (parse_map(cli, optarg) < 0)
				return EXIT_USAGE;
			break;
		case O_DELIM:
			if (parse_delim(cli, optarg) < 0)
				return EXIT_USAGE;
			break;
		case O_NO_HEADER:
			cli->so.no_header = 1;
			break;
		case O_DECIMAL_COMMA:
			cli->so.decimal_comma = 1;
			break;
		case O_DATE_ORDER:
			if (!strcmp(optarg, "dmy"))
				cli->so.date_order = DATE_DMY;
			else if (!strcmp(optarg, "mdy"))
				cli->so.date_order = DATE_MDY;
			else {
				cli_error("--date-order: expected dmy or mdy, "
					  "found '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case O_TZ: {
			struct diag d = DIAG_INIT;
			tz_free(cli->tz);
			cli->tz = NULL;
			if (tz_load(&cli->tz, optarg, &d) < 0) {
				cli_error("--tz: %s", buf_cstr(&d.msg));
				diag_release(&d);
				return EXIT_USAGE;
			}
			diag_release(&d);
			cli->so.tz = cli->tz;
			break;
		}
		case O_CELLS:
			cli->cells_path = optarg;
			break;
		case O_CELLS_MAP:
			cli->cells_map = optarg;
			break;
		case O_SUBSCRIBER:
			cli->subscriber_arg = optarg;
			break;
		case O_COUNTRY:
			if (!*optarg || strspn(optarg, "0123456789") != strlen(optarg) ||
			    strlen(optarg) > 4) {
				cli_error("--country: expected a calling code "
					  "such as 60, found '%s'", optarg);
				return EXIT_USAGE;
			}
			cli->so.country = optarg;
			break;
		case O_NULL: {
			size_t items = 1;
			int empty = !*optarg || optarg[0] == ',' ||
				    optarg[strlen(optarg) - 1] == ',' ||
				    strstr(optarg, ",,");
			for (const char *q = optarg; *q; q++)
				items += *q == ',';
			if (empty || items > 12) {
				cli_error("--null: expected 1 to 12 comma-separated "
					  "markers such as -,NULL, found '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			cli->so.nulls = optarg;
			break;
		}
		case O_DIALECT:
			if (!strcmp(optarg, "asterisk"))
				cli->so.dialect = DIALECT_ASTERISK;
			else if (!strcmp(optarg, "asterisk-custom"))
				cli->so.dialect = DIALECT_ASTERISK_CUSTOM;
			else if (!strcmp(optarg, "freeswitch"))
				cli->so.dialect = DIALECT_FREESWITCH;
			else if (!strcmp(optarg, "none"))
				cli->so.dialect = DIALECT_NONE;
			else if (!strcmp(optarg, "auto"))
				cli->so.dialect = DIALECT_AUTO;
			else {
				cli_error("--dialect: expected asterisk, "
					  "asterisk-custom, freeswitch, none or "
					  "auto, found '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case O_FIELD_CAP:
			if (parse_count("--field-cap", optarg, 16, 1L << 30, &v) < 0)
				return EXIT_USAGE;
			cli->co.field_cap = (size_t)v;
			break;
		case 'f':
			cli->format = out_format_by_name(optarg);
			if (cli->format < 0) {
				cli_error("--format: expected table, csv, tsv, json "
					  "or ndjson, found '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			cli->output = optarg;
			break;
		case 'j':
			if (parse_count("--threads", optarg, 0, 1024, &v) < 0)
				return EXIT_USAGE;
			cli->threads = (int)v;
			break;
		case O_REJECTS:
			cli->rejects_path = optarg;
			break;
		case O_MAX_REJECT_MSGS:
			if (parse_count("--max-reject-messages", optarg, 0,
					1000000, &v) < 0)
				return EXIT_USAGE;
			cli->max_reject_messages = (int)v;
			break;
		case O_AUDIT:
			cli->ev.audit_path = optarg;
			break;
		case O_PROVENANCE:
			cli->ev.provenance_path = optarg;
			break;
		case O_MANIFEST:
			cli->ev.manifest_path = optarg;
			break;
		/* privacy (issue 17, privacy.c) */
		case O_PSEUDONYMIZE:
			cli->priv.key_path = optarg;
			break;
		case O_PSEUDONYMIZE_IPS:
			if (strcmp(optarg, "subscriber") && strcmp(optarg, "all")) {
				cli_error("--pseudonymize-ips: expected subscriber "
					  "or all, found '%s'", optarg);
				return EXIT_USAGE;
			}
			cli->priv.ips = optarg;
			break;
		case O_REJECTS_RAW:
			cli->priv.rejects_raw = 1;
			break;
		case O_SUPPRESS_BELOW:
			if (parse_count("--suppress-below", optarg, 2, 1000000000L,
					&v) < 0)
				return EXIT_USAGE;
			cli->priv.suppress_below = (uint64_t)v;
			break;
		case O_PROGRESS:
			cli->progress = 1;
			break;
		case O_NO_PROGRESS:
			cli->progress = 0;
			break;
		case O_VERBOSE:
			cli->verbose = 1;
			break;
		case O_DUMP_EXPR:
			cli->debug_dump_expr = 1;
			break;
		case O_PARTIAL:
			/* the commands of the analyses table, and merge */
			if (!analysis_by_name(cli->cmd) &&
			    strcmp(cli->cmd, "merge")) {
				cli_error("--partial: '%s' cannot write a partial "
					  "in this version (stats can)", cli->cmd);
				return EXIT_USAGE;
			}
			cli->partial_path = optarg;
			break;
		case 'h':
			usage(cli, co, stdout);
			return -1;
		case O_VERSION:
			printf("cdrsift %s\n", CDRSIFT_VERSION);
			printf("inflate: %s\n", input_inflate_backend());
			return -1;
		case ':':
			cli_error("option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		case '?':
			cli_error("unknown option '%s' (see 'cdrsift %s --help')",
				  argv[optind - 1], cli->cmd);
			return EXIT_USAGE;
		default:
			if (co && co->handle && co->handle(co->ctx, c, optarg) == 0)
				break;
			return EXIT_USAGE;
		}
	}
	cli->files = argv + optind;
	cli->nfiles = argc - optind;
	return late_options(cli);
}

/* 0 once cli_setup sent the output to a file: the terminal is not its width */
static int output_is_stdout = 1;

/*
 * The options that depend on others, whatever their order: --subscriber
 * is normalised with --country, and the --cells table read with
 * --cells-map.
 */
static int late_options(struct cli *cli)
{
	int prc = privacy_setup(cli);
	if (prc)
		return prc;
	if (cli->subscriber_arg) {
		const char *a = cli->subscriber_arg;
		int n = phone_normalise(a, strlen(a), cli->so.country,
					cli->subscriber,
					sizeof(cli->subscriber));
		if (n <= 0) {
			struct buf shown = BUF_INIT;
			if (cli->priv.pseudo)
				pseudo_token(cli->priv.pseudo, ID_NUMBER, a,
					     strlen(a), &shown);
			else
				buf_adds(&shown, a);
			cli_error("--subscriber: expected a phone number, "
				  "found '%s'", buf_cstr(&shown));
			buf_release(&shown);
			return EXIT_USAGE;
		}
		cli->so.subscriber = cli->subscriber;
	}
	if (cli->cells_map && !cli->cells_path) {
		cli_error("--cells-map: no --cells table to read with it");
		return EXIT_USAGE;
	}
	if (cli->cells_path) {
		struct diag d = DIAG_INIT;
		int rc = cells_load_map(&cli->cells, cli->cells_path,
					cli->cells_map, &d);
		if (rc < 0) {
			cli_error("--cells%s: %s", rc == -2 ? "-map" : "",
				  buf_cstr(&d.msg));
			diag_release(&d);
			return rc == -2 ? EXIT_USAGE : EXIT_INPUT;
		}
		diag_release(&d);
		cli->so.cells = cli->cells;
		/* partials merge only over the same table */
		if (file_sha256_hex(cli->cells_path, cli->cells_sha256) < 0) {
			cli_error("--cells: cannot read '%s'", cli->cells_path);
			return EXIT_INPUT;
		}
	}
	return 0;
}

int cli_parse(struct cli *cli, int argc, char **argv, const struct cmd_opts *co)
{
	int rc = parse_args(cli, argc, argv, co);
	evidence_start(cli, rc);
	return rc;
}

int cli_term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	if (cols && *cols)
		return (int)strtol(cols, NULL, 10);
	if (output_is_stdout && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

void cli_require(struct cli *cli, uint64_t fields, const char *by)
{
	if (!fields)
		return;
	if (cli->nrequire == SOURCE_MAX_NEEDS)
		BUG("more than %d field needs", SOURCE_MAX_NEEDS);
	cli->require[cli->nrequire].fields = fields;
	cli->require[cli->nrequire++].by = by;
}

/*
 * A question the data cannot answer is an error before any row is read
 * (exit 2): every input file's header is read first and checked for the
 * fields the command cannot do without (cli->require: volume's keys, ...) and
 * those the filter names. Files are opened again for the run; standard
 * input, pipes and other inputs that are no regular file cannot be read
 * twice, so they are checked when the run reads their header (and
 * refused then, the inputs before them having been read). Inputs that
 * cannot be opened or understood are left to the run, which reports them.
 */
static int check_inputs(struct cli *cli)
{
	int bad = 0;
	if (cli->expr)
		cli_require(cli, expr_needs(cli->expr), "-w");
	if (!cli->nrequire)
		return 0;
	for (size_t i = 0; i < cli->mem->n; i++) {
		struct source src;
		struct stat st;
		const struct member_item *it = &cli->mem->item[i];
		/* only regular files can be read twice (not "-", a pipe, a
		   <(zcat ...) substitution, a device) */
		if (it->kind == MEMBER_ARCHIVE || !strcmp(it->path, "-") ||
		    stat(it->path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (source_open(&src, it->path, &cli->so, &cli->co, 0) == 0 &&
		    source_require(&src, cli->require, cli->nrequire) < 0) {
			cli_error("%s: %s", it->name, buf_cstr(&src.problem));
			bad = 1;
		}
		source_release(&src);
	}
	return bad ? EXIT_USAGE : 0;
}

static int setup_outputs(struct cli *cli, enum record_kind kind_hint)
{
	if (cli->output) {
		cli->out = fopen(cli->output, "w");
		if (!cli->out) {
			cli_error("cannot write '%s': %s", cli->output,
				  strerror(errno));
			return EXIT_INPUT;
		}
	} else {
		cli->out = stdout;
	}
	output_is_stdout = cli->out == stdout;
	cli->out_tty = isatty(fileno(cli->out));
	if (cli->format < 0)
		cli->format = cli->out_tty ? OUT_TABLE : OUT_CSV;
	if (cli->rejects_path) {
		cli->rejects = fopen(cli->rejects_path, "w");
		if (!cli->rejects) {
			cli_error("cannot write '%s': %s", cli->rejects_path,
				  strerror(errno));
			return EXIT_INPUT;
		}
		fputs("file,line,reason,detail,raw\n", cli->rejects);
	}
	if (cli->where) {
		struct diag d = DIAG_INIT;
		struct expr_opts eo;
		memset(&eo, 0, sizeof(eo));
		eo.kind = cli->so.kind != KIND_UNKNOWN ? cli->so.kind : kind_hint;
		eo.tz = cli->tz;
		eo.country = cli->so.country;
		if (getenv("CDRSIFT_NO_JIT"))
			eo.flags |= EXPR_NO_JIT;
		if (expr_compile(&cli->expr, cli->where, &eo, &d) < 0) {
			if (cli->priv.pseudo) {
				/* the diagnostic quotes the expression's
				   literals: its first line only, with what
				   it quotes withheld, and the tokenised text */
				struct buf m = BUF_INIT;
				const char *t = buf_cstr(&d.msg);
				int q = 0;
				for (; *t && *t != '\n'; t++) {
					if (*t == '\'' || *t == '"') {
						q = !q;
						if (q)
							buf_adds(&m, "'...");
						else
							buf_addch(&m, '\'');
					} else if (!q) {
						buf_addch(&m, *t);
					}
				}
				buf_adds(&m, "\n  ");
				privacy_show_expr(cli, cli->where, &m);
				buf_reset(&d.msg);
				buf_add(&d.msg, m.data, m.len);
				buf_release(&m);
			}
			fprintf(stderr, "cdrsift: %s\n", buf_cstr(&d.msg));
			diag_release(&d);
			return EXIT_USAGE;
		}
		diag_release(&d);
		if (cli->debug_dump_expr) {
			struct buf b = BUF_INIT;
			expr_dump(cli->expr, &b);
			fputs(buf_cstr(&b), stdout);
			buf_release(&b);
			return -1;
		}
		cli->expr_st = expr_state_new(cli->expr);
	}
	return check_inputs(cli);
}

/* zip and tar deliveries (issue 12): the private folder goes at exit
   whatever the path out (cli_finish removes it first). */
static struct members *mem_at_exit;

static void mem_cleanup(void)
{
	if (mem_at_exit) {
		members_release(mem_at_exit);
		free(mem_at_exit);
	}
	mem_at_exit = NULL;
}

/* Unpack the archives among the inputs (members.h), once, before the run. */
static int unpack_inputs(struct cli *cli)
{
	static const char *const stdin_only[] = { "-" };
	struct diag d = DIAG_INIT;
	const char *const *paths = cli->nfiles ?
		(const char *const *)cli->files : stdin_only;
	static int registered;
	if (!registered) {
		atexit(mem_cleanup);
		registered = 1;
	}
	mem_cleanup(); /* one run at a time */
	cli->mem = mem_at_exit = xcalloc(1, sizeof(*cli->mem));
	int rc = members_expand(cli->mem, paths,
				cli->nfiles ? (size_t)cli->nfiles : 1, &d);
	if (rc < 0) {
		cli_error("%s", buf_cstr(&d.msg));
		diag_release(&d);
		return EXIT_INPUT;
	}
	diag_release(&d);
	cli->mem_paths = xcalloc(cli->mem->n + 1, sizeof(*cli->mem_paths));
	for (size_t i = 0; i < cli->mem->n; i++)
		cli->mem_paths[i] = cli->mem->item[i].path;
	return 0;
}

/* The manifest check comes first: a refused run creates no output. */
int cli_setup(struct cli *cli, enum record_kind kind_hint)
{
	int rc = evidence_setup(cli);
	if (rc == 0)
		rc = unpack_inputs(cli);
	if (rc == 0)
		rc = setup_outputs(cli, kind_hint);
	if (rc > 0)
		cli_status(cli, (enum exit_status)rc);
	else if (rc < 0)
		cli->ev.no_run = 1;
	return rc;
}

int cli_finish(struct cli *cli)
{
	int status = cli->status;
	if (cli->out && (fflush(cli->out) != 0 || ferror(cli->out))) {
		if (!cli_out_closed(cli) && errno != EPIPE) {
			cli_error("cannot write output: %s", strerror(errno));
			status = EXIT_INPUT;
		}
	}
	if (cli->out && cli->out != stdout && fclose(cli->out) != 0) {
		cli_error("cannot write '%s': %s", cli->output, strerror(errno));
		status = EXIT_INPUT;
	}
	if (cli->rejects && fclose(cli->rejects) != 0) {
		cli_error("cannot write '%s': %s", cli->rejects_path,
			  strerror(errno));
		status = EXIT_INPUT;
	}
	status = evidence_finish(cli, status);
	privacy_release(cli);
	if (cli->expr_st)
		expr_state_free(cli->expr_st);
	if (cli->expr)
		expr_free(cli->expr);
	tz_free(cli->tz);
	cells_free(cli->cells);
	free(cli->map);
	free(cli->map_text);
	acct_release(&cli->total);
	free(cli->inputs);
	if (cli->mem && cli->mem == mem_at_exit)
		mem_cleanup();
	cli->mem = NULL;
	free(cli->mem_paths);
	cli->mem_paths = NULL;
	return status;
}

