/*
 * cdrgen - deterministic synthetic call detail records and IP logs.
 *
 * Writes CSV to standard output for cdrsift's tests, benchmarks and demo:
 * the same options give the same bytes on every machine (own PRNG, no
 * time(), no libm transcendental functions, integer formatting). It
 * streams: memory grows with --subscribers and --cells, never with --rows.
 *
 * MODEL
 *
 *   Population (world.c; depends only on --seed, --subscribers, --cells
 *   and --country, so CDR and IP files of one seed share it):
 *   - Cells: 3-sector sites spread over a 0.3 x 0.3 degree region around
 *     the country's main city (Kuala Lumpur: 3.0-3.3 N, 101.5-101.8 E),
 *     denser in the centre; 60% LTE, 25% UMTS, 15% GSM; each site belongs
 *     to one of four operators (MNC). CGI = MCC-MNC-LAC-CI with LAC from a
 *     4x4 grid per operator and radio, CI unique over the whole table
 *     (GSM CI < 65536, UMTS RNC*65536+CID, LTE ECI = eNB*256+sector).
 *     Six far-away cities (Malaysia: George Town, Johor Bahru, Kota Bharu,
 *     Kuching, Kota Kinabalu, Alor Setar) get one LTE cell per operator;
 *     only planted anomalies use them.
 *   - Subscribers: an operator by market share; MSISDN = country code +
 *     9-digit national number with the operator's prefix (60 12 xxxxxxx);
 *     IMSI = 502 + MNC (12/13/16/19) + 10 digits; IMEI = a plausible TAC
 *     + 6-digit serial + Luhn check digit; a home cell and a work cell
 *     (the same for 15%, else the most central of three draws); 3..25
 *     contacts, 60% of them other subscribers. All identities are unique.
 *   - External numbers (3 per subscriber): 55% domestic mobiles of people
 *     outside the data set, 30% fixed lines (03 xxxx xxxx), 15% abroad.
 *   - Activity: subscribers are ranked in random order and drawn with
 *     Zipf-Mandelbrot weights (rank + 10)^-1.1 from a cumulative table by
 *     binary search; external numbers likewise.
 *
 *   Time: civil (local) time of the country, --start 00:00 for --days
 *   days. The generator walks the span minute by minute. Each minute has
 *   a weight from a daily cycle (quiet 01:00-05:00, a late-morning peak
 *   near 11:00 and an evening peak near 20:00; weekends start later),
 *   interpolated linearly within the hour. The rows of a minute are a
 *   binomial draw from the rows still unassigned with probability
 *   weight / remaining weight (a sequential multinomial), so the file has
 *   exactly --rows data rows, and rows come out in non-decreasing start
 *   time without buffering: each minute's rows get seconds from a
 *   60-bucket histogram, read back in order.
 *
 *   Position: a pure function of (subscriber, hour) - a hash picks the
 *   work cell (85%) on weekdays 09:00-17:00, the home cell (92%) before
 *   07:00 and from 20:00, a mix of home, work and random cells of the
 *   operator at other times. Every row of that hour agrees.
 *
 *   CDR rows: 75% of events start at a subscriber A (drawn by activity):
 *   voice 70%, SMS 25%, data 4%, USSD ("other") 1%; the callee is one of
 *   A's contacts (85%) or an external number. A writes an MO row; when the
 *   callee is a subscriber B and the call did not fail, B writes an MT row
 *   with the same start (dialects without MT legs skip it). The other 25%
 *   are calls from external numbers to a subscriber: an MT row only.
 *   Voice: 85% answered with log-normal talk time (median 60 s, sigma 1,
 *   1 s .. 2 h), 9% no answer, 4% busy, 2% failed (0 s). SMS: 0 s, 97%
 *   delivered. Data sessions: median 300 s, no callee. USSD: *100# etc.
 *
 *   IP rows (--kind ip): one flow per event for a subscriber drawn by
 *   activity: destination from a weighted host table (web, video, chat,
 *   DNS to 8.8.8.8/1.1.1.1, STUN 3478, SIP 5060 on the ims APN, NTP, DoT),
 *   private source address per subscriber and day (10.0.0.0/10 or
 *   100.64.0.0/10 by operator, unique per day), source port 32768-60999,
 *   public address and port from a per-day port block (203.0.113.0/24,
 *   198.51.100.0/24; unique per subscriber and day while subscribers <=
 *   blocks), log-normal durations and byte counts.
 *
 * DIALECTS (--dialect; timestamps are local time unless stated)
 *
 *   canonical  (CDR, default) comma, LF, header exactly
 *      id,type,direction,caller,callee,start,end,duration,imsi,imei,cell,
 *      lac,lat,lon,operator,status
 *      type voice|sms|data|other, direction mo|mt, numbers international
 *      without '+', start/end 2025-01-03T08:00:00 (no zone), duration =
 *      end - start in whole seconds (talk time), cell = CI, lat/lon %.6f,
 *      operator = MCC MNC (50216), status answered|no_answer|busy|failed|
 *      delivered|completed; callee empty for data.
 *   opa  (CDR) semicolon, LF, header
 *      RECORD_ID;CALL_TYPE;A_NUMBER;B_NUMBER;CALL_DATE;CALL_TIME;
 *      CALL_DURATION;SERVED_IMSI;SERVED_IMEI;CGI;STATUS
 *      RECORD_ID 10 digits, CALL_TYPE MOC|MTC|SMS-MO|SMS-MT (GPRS, USSD
 *      for the rare data and USSD rows), A = caller, B = callee, numbers
 *      national with trunk 0 (0123456789) or +60123456789 at random,
 *      abroad as 00CC... or +CC..., CALL_DATE DD/MM/YYYY, CALL_TIME and
 *      CALL_DURATION HH:MM:SS, CGI 502-16-LAC-CI, STATUS ANSWERED|NOT
 *      ANSWERED|BUSY|FAILED|DELIVERED|COMPLETED.
 *   opb  (CDR) pipe, LF, header
 *      msisdn|other_party|direction|service|start_time|end_time|imei|imsi|
 *      cell_id|latitude|longitude
 *      msisdn = served party, direction IN|OUT, service VOICE|SMS|DATA|
 *      USSD, start/end Unix epoch seconds (UTC, from local time minus the
 *      country's offset), no duration column, other_party international,
 *      half of the time with a 00 prefix, cell_id a CGI.
 *   opc  (CDR) TAB, CRLF, header
 *      Calling Number<TAB>Called Number<TAB>Call Type<TAB>Start Time<TAB>
 *      Duration (s)<TAB>IMEI<TAB>IMSI<TAB>Cell ID<TAB>LAC<TAB>Remarks
 *      voice calls only; Call Type 1 (MO) or 2 (MT); Start Time
 *      2025-01-03T08:00:00+08:00; Remarks mostly empty, 3% free text that
 *      is quoted RFC 4180 style when it holds a comma, tab or quote.
 *   asterisk  (CDR) Asterisk cdr_csv Master.csv: no header; 17 fields
 *      accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,
 *      lastdata,start,answer,end,duration,billsec,disposition,amaflags,
 *      uniqueid - strings and times double-quoted (inner quotes doubled),
 *      integers bare, answer an empty unquoted field when not answered;
 *      times "YYYY-MM-DD HH:MM:SS"; duration = end - start (ring + talk),
 *      billsec = talk; disposition ANSWERED|NO ANSWER|BUSY|FAILED; voice
 *      only, one row per call (no MT leg), dcontext from-internal for
 *      calls by a subscriber, from-trunk for calls to one.
 *   ipdr  (IP, default for --kind ip) comma, LF, header
 *      subscriber,imsi,imei,start,end,duration,src_ip,src_port,public_ip,
 *      public_port,dst_ip,dst_port,protocol,bytes_up,bytes_down,apn,host,
 *      cell
 *      times as canonical, protocol tcp|udp, apn internet|ims, host empty
 *      when no name was seen, cell = CI.
 *   cgnat  (IP) comma, LF, header
 *      Timestamp,Event,Private IP,Public IP,Port Start,Port End,Subscriber
 *      bulk port allocation: Timestamp UTC (2025-01-03T00:00:00Z), Event
 *      allocate|release, blocks of 64..4096 ports (one size per public
 *      address) that never overlap while open. A subscriber holds at most
 *      8 blocks (the one due first is released early for a ninth, as is
 *      the pool's next-due block when the pool is full); sessions are
 *      log-normal (median 30 min, 1 min .. 12 h) and end by the last
 *      second of the span. Each allocation and its release are two rows
 *      of --rows; with an odd --rows the last allocation has no release.
 *
 * BAD ROWS (--bad-rate R): each row that is not a planted anomaly is,
 *   with probability R, written damaged in a way its dialect can show:
 *   field_count (one field short or one extra; Asterisk: three short),
 *   bad_timestamp (a digit of the start time replaced by 'x'),
 *   impossible_date (start on 30 February), bad_latitude (91.000000;
 *   canonical and opb), unterminated_quote (a quote opened in field 3 and
 *   closed on the next physical line, leaving a 4-field record: the only
 *   bad row that spans two lines), bad_duration (a digit of the duration
 *   replaced). The truth file lists each as bad_row,LINE,,,KIND with LINE
 *   the row's first physical line, line 1 being the header (the first
 *   row for Asterisk, which has none).
 *
 * ANOMALIES (--anomalies; each with a truth line kind,entity,start,end,
 *   detail in local time; entity an MSISDN unless stated):
 *   gap        no rows at all from 09:00 to 14:00 on day 3 (the last day
 *              if shorter); entity "all".
 *   travel     two dedicated subscribers: one makes two rows at its home
 *              cell, then two at Kota Kinabalu (~1600 km) 7 minutes later;
 *              the other two at George Town, then two at Johor Bahru
 *              (~570 km) 20 minutes later; start/end = the last row
 *              before and the first row after the jump. Dialects with
 *              cells only.
 *   simbox     one dedicated subscriber: rows/50 (300..3000) MO voice
 *              calls, 08:00-22:00 over the first three days, each to a
 *              different number never seen elsewhere, short (median
 *              25 s), all from its home cell, and no MT at all. CDR only.
 *   imei       one handset (entity = IMEI) used by 10 dedicated SIMs,
 *              4-6 rows each. Dialects with an IMEI only.
 *   night      one dedicated subscriber with 8-14 rows every night
 *              00:00-05:00 and 0-2 by day.
 *   spike      the normal subscriber whose expected daily count is
 *              nearest 4 gets 19x that again (at least 20 rows, at most
 *              rows/20) on day 5 (or the last day; never the gap day);
 *              start/end = that day; the detail gives the baseline.
 *   duration   three normal subscribers each make one answered call of
 *              26-40 hours. CDR only.
 *   duplicate  each background row is, with probability 1/1000, written
 *              twice in a row; entity = served MSISDN, start = end = the
 *              row's start, detail names both lines.
 *   confounder rows that look like anomalies and must raise no flag (truth
 *              kind "confounder"; dedicated subscribers):
 *              a domestic flight: two rows at the home cell (Kuala
 *              Lumpur) 40 and 15 minutes before take-off, 2 h 30 min in
 *              the air, two at Kota Kinabalu (~1600 km) 10 and 60 minutes
 *              after landing (~560 km/h between the rows; dialects with
 *              cells); dual SIM: two SIMs in one handset, 4 rows each
 *              (entity the IMEI); an IMEISV update: 6 SMS of one SIM, the
 *              first three with IMEISV version 01, the rest 02, the same
 *              14 digits (dialects with an IMEI); a call centre: 150 MO
 *              calls to distinct numbers from one cell, but 30 MT calls
 *              and 10 MO SMS (CDR only). The two legs of a call between
 *              subscribers (MO and MT rows, each with its own operator)
 *              are the confounder of duplicate when split by operator.
 *   Planted rows count towards --rows and are never made bad rows;
 *   --anomalies needs --rows of at least twice the planted rows.
 *
 * HOLIDAY (--holiday D): every minute of day D (1 = the first) weighs
 *   three times its usual weight, so all traffic of that day triples
 *   against the others (--rows stays exact: the other days give up what
 *   it gains); with --truth, a line spike,*,start,end of that day (the
 *   dataset-level flag of `cdrsift anomalies`). With --anomalies too, the
 *   planted rows are not tripled.
 *
 * --cells-out FILE writes the cell table as OpenCellID CSV (radio,mcc,
 * net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,
 * averageSignal; lon before lat), far cells included.
 */
#include "dialect.h"
#include "event.h"
#include "genout.h"
#include "genrand.h"
#include "ipnat.h"
#include "plan.h"
#include "world.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/banned.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define VERSION "1.0"
#define MAX_SUBSCRIBERS 2000000
#define MAX_CELLS 100000
#define MAX_DAYS 3660

enum {
	STREAM_ROWS = 0x10,
	STREAM_BAD = 0x20,
	STREAM_DUP = 0x30,
	STREAM_CELLS_OUT = 0x40
};

struct options {
	const char *kind;          /* "cdr", "ip" or NULL: from the dialect */
	const char *dialect;       /* NULL: the kind's default */
	uint64_t rows;
	uint64_t seed;
	uint64_t subscribers;
	uint64_t cells;
	int64_t start_day;         /* days since 1970-01-01 */
	uint64_t days;
	double bad_rate;
	int anomalies;
	const char *truth;         /* path or NULL */
	const char *cells_out;     /* path or NULL */
	uint64_t country;
	uint64_t holiday;          /* --holiday: day from 1; 0 none */
};

struct gen {
	struct gen_env env;        /* world, dialect, day bindings, span */
	struct world world;
	struct nat nat;
	struct plan plan;
	struct out out;            /* standard output */
	struct out truth;          /* truth file, if 'has_truth' */
	int has_truth;
	struct rng rng;            /* background events */
	struct rng bad_rng;        /* which rows are bad, and how */
	struct rng dup_rng;        /* which rows are duplicated */
	double bad_rate;
	int bad_kinds[BAD_KINDS];
	int n_bad_kinds;
	int anomalies;
	uint64_t free_rows;        /* rows not yet promised to any minute */
	uint64_t slots;            /* rows promised to the current minute */
	uint64_t emitted;          /* data rows written */
	uint64_t line;             /* physical lines written */
	uint64_t next_id;          /* last record id given */
	int32_t counts[60];        /* seconds histogram of the current minute */
	int second;                /* read position in 'counts' */
	struct row row;
};

static const char usage_text[] =
"usage: cdrgen [--kind cdr|ip] [--rows N] [--seed S] [--subscribers N]\n"
"              [--cells N] [--start YYYY-MM-DD] [--days D] [--dialect NAME]\n"
"              [--bad-rate R] [--anomalies] [--truth FILE]\n"
"              [--cells-out FILE] [--country CC]\n"
"\n"
"Write deterministic synthetic call detail records (or IP logs) as CSV to\n"
"standard output, in time order. The same options give the same bytes.\n"
"\n"
"  --kind cdr|ip        record kind (default: cdr, or the dialect's kind)\n"
"  --dialect NAME       cdr: canonical (default), opa, opb, opc, asterisk\n"
"                       ip:  ipdr (default), cgnat\n"
"  --rows N             data rows to write, exactly (default 10000)\n"
"  --seed S             random seed (default 1)\n"
"  --subscribers N      subscribers (default 1000, at most 2000000)\n"
"  --cells N            cells in the region (default 200)\n"
"  --start YYYY-MM-DD   first day, local time (default 2025-01-01)\n"
"  --days D             days covered (default 7)\n"
"  --country CC         calling code: 60 (MY, default), 65 (SG), 62 (ID),\n"
"                       66 (TH), 63 (PH), 44 (GB)\n"
"  --bad-rate R         fraction 0..1 of rows written damaged (default 0)\n"
"  --holiday D          all traffic of day D (from 1) three times as heavy\n"
"  --anomalies          plant anomalies: gap, travel, simbox, imei, night,\n"
"                       spike, duration, duplicate; and confounders that\n"
"                       must raise no flag (truth kind confounder)\n"
"  --truth FILE         write ground truth (kind,entity,start,end,detail),\n"
"                       bad rows as bad_row,LINE,,,KIND (line 1 = header)\n"
"  --cells-out FILE     write the cell table as OpenCellID CSV\n"
"  -h, --help           show this help;  --version  show the version\n"
"\n"
"Examples:\n"
"  cdrgen --rows 1000000 | gzip > cdr.csv.gz\n"
"  cdrgen --dialect opa --anomalies --truth truth.csv --seed 7 > opa.csv\n"
"  cdrgen --kind ip --dialect cgnat --rows 50000 > nat.csv\n";

static _Noreturn void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cdrgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\ntry 'cdrgen --help'\n", stderr);
	exit(2);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t lo,
			  uint64_t hi)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		usage_error("%s needs a non-negative integer", opt);
	v = strtoull(s, &end, 0);
	if (errno || *end || v < lo || v > hi) {
		fprintf(stderr, "cdrgen: %s must be an integer from %llu to "
			"%llu, not '%s'\n", opt, (unsigned long long)lo,
			(unsigned long long)hi, s);
		exit(2);
	}
	return v;
}

static int64_t parse_date(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int y, m, d, i, leap;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			usage_error("--start needs a date YYYY-MM-DD, not '%s'",
				    s);
	}
	if (s[10])
		usage_error("--start needs a date YYYY-MM-DD, not '%s'", s);
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap))
		usage_error("--start: no such date '%s' (1970 or later)", s);
	return days_from_civil(y, m, d);
}

static int takes_value(const char *name)
{
	static const char *const with_value[] = {
		"--kind", "--dialect", "--rows", "--seed", "--subscribers",
		"--cells", "--start", "--days", "--country", "--truth",
		"--cells-out", "--bad-rate", "--holiday",
	};
	size_t i;

	for (i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (!strcmp(name, with_value[i]))
			return 1;
	return 0;
}

static void parse_options(struct options *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->rows = 10000;
	o->seed = 1;
	o->subscribers = 1000;
	o->cells = 200;
	o->start_day = days_from_civil(2025, 1, 1);
	o->days = 7;
	o->country = 60;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char name[32];
		size_t len;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (!strcmp(a, "--version")) {
			puts("cdrgen " VERSION);
			exit(0);
		}
		if (strncmp(a, "--", 2) != 0)
			usage_error("unexpected argument '%s'", a);
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		if (len >= sizeof(name))
			usage_error("unknown option '%s'", a);
		memcpy(name, a, len);
		name[len] = '\0';
		if (!strcmp(name, "--anomalies")) {
			if (eq)
				usage_error("%s takes no value", name);
			o->anomalies = 1;
			continue;
		}
		if (!takes_value(name))
			usage_error("unknown option '%s'", name);
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				usage_error("%s needs a value", name);
			val = argv[++i];
		}
		if (!strcmp(name, "--kind"))
			o->kind = val;
		else if (!strcmp(name, "--dialect"))
			o->dialect = val;
		else if (!strcmp(name, "--rows"))
			o->rows = parse_u64(name, val, 0, UINT64_C(1) << 48);
		else if (!strcmp(name, "--seed"))
			o->seed = parse_u64(name, val, 0, UINT64_MAX);
		else if (!strcmp(name, "--subscribers"))
			o->subscribers = parse_u64(name, val, 1, MAX_SUBSCRIBERS);
		else if (!strcmp(name, "--cells"))
			o->cells = parse_u64(name, val, 1, MAX_CELLS);
		else if (!strcmp(name, "--start"))
			o->start_day = parse_date(val);
		else if (!strcmp(name, "--days"))
			o->days = parse_u64(name, val, 1, MAX_DAYS);
		else if (!strcmp(name, "--holiday"))
			o->holiday = parse_u64(name, val, 1, MAX_DAYS);
		else if (!strcmp(name, "--country"))
			o->country = parse_u64(name, val, 1, 999);
		else if (!strcmp(name, "--truth"))
			o->truth = val;
		else if (!strcmp(name, "--cells-out"))
			o->cells_out = val;
		else if (!strcmp(name, "--bad-rate")) {
			char *end;
			errno = 0;
			o->bad_rate = strtod(val, &end);
			if (errno || end == val || *end || !(o->bad_rate >= 0) ||
			    o->bad_rate > 1)
				usage_error("--bad-rate must be a number from 0 to "
					    "1, not '%s'", val);
		} else {
			usage_error("unknown option '%s'", name);
		}
	}
}

/* ---- the daily cycle ---- */

/* Relative activity per hour of the day, weekdays and weekends. */
static const uint32_t cycle[2][24] = {
	{ 10, 5, 3, 2, 2, 4, 12, 30, 55, 72, 82, 88,
	  80, 74, 70, 68, 70, 75, 80, 86, 90, 80, 55, 25 },
	{ 16, 9, 5, 3, 2, 3, 6, 14, 30, 50, 65, 75,
	  78, 76, 72, 70, 70, 72, 78, 85, 88, 82, 60, 32 },
};

/* Weight of the minute starting at civil time 't'; 0 inside the gap. */
static uint64_t minute_weight(const struct span *s, int64_t t)
{
	int64_t day = floor_div(t, 86400);
	int sec = (int)(t - day * 86400), h = sec / 3600, m = sec / 60 % 60;
	int weekend = weekday_from_days(day) >= 6;

	if (span_in_gap(s, t))
		return 0;
	return ((uint64_t)cycle[weekend][h] * (uint64_t)(60 - m) +
		(uint64_t)cycle[weekend][(h + 1) % 24] * (uint64_t)m) *
	       (t >= s->holiday_start && t < s->holiday_end ? 3 : 1);
}

/* Spread 'n' rows over the 60 seconds of a minute. */
static void seconds_fill(struct gen *g, uint64_t n)
{
	uint64_t i;

	memset(g->counts, 0, sizeof(g->counts));
	for (i = 0; i < n; i++)
		g->counts[rng_below(&g->rng, 60)]++;
	g->second = 0;
}

static int seconds_next(struct gen *g)
{
	while (g->second < 59 && g->counts[g->second] == 0)
		g->second++;
	if (g->counts[g->second] > 0)
		g->counts[g->second]--;
	return g->second;
}

/* One more row beyond the current one: from this minute, else the pool. */
static int take_extra(struct gen *g)
{
	if (g->slots > 0) {
		g->slots--;
		return 1;
	}
	if (g->free_rows > 0) {
		g->free_rows--;
		return 1;
	}
	return 0;
}

static void msisdn_text(char *buf, const struct world *w, int sub)
{
	char *p = fmt_u64(buf, (uint64_t)w->country->cc);

	p = fmt_pad(p, w->subs[sub].nsn, w->country->nsn_len);
	*p = '\0';
}

/*
 * Write 'ev' as one row: possibly as a bad row (not planted rows), and
 * with --anomalies possibly twice (background rows, budget permitting).
 */
static void emit(struct gen *g, struct event *ev)
{
	const struct dialect *d = g->env.d;
	int dup_ok = g->anomalies && !ev->planned && ev->type != EV_RELEASE;

	ev->id = ++g->next_id;
	dialect_row(d, &g->row, ev, &g->world);
	g->emitted++;
	if (g->bad_rate > 0 && !ev->planned &&
	    rng_chance(&g->bad_rng, g->bad_rate)) {
		int kind = g->bad_kinds[rng_below(&g->bad_rng,
						  (uint64_t)g->n_bad_kinds)];
		uint64_t line = g->line + 1;
		g->line += (uint64_t)row_write_bad(&g->out, d, &g->row, kind,
						   &g->bad_rng);
		if (g->has_truth) {
			char ent[24];
			fmt_u64(ent, line)[0] = '\0';
			truth_line(&g->truth, "bad_row", ent, INT64_MIN,
				   INT64_MIN, bad_kind_name(kind));
		}
		return;
	}
	row_write(&g->out, d, &g->row);
	g->line++;
	if (dup_ok && rng_chance(&g->dup_rng, 0.001)) {
		int ok = d->kind == KIND_IP && ev->type == EV_ALLOC ?
			 (g->free_rows > 0 ? (g->free_rows--, 1) : 0) :
			 take_extra(g);
		if (ok) {
			row_write(&g->out, d, &g->row);
			g->line++;
			g->emitted++;
			if (g->has_truth) {
				char ent[24], detail[80], *p;
				msisdn_text(ent, &g->world, ev->sub);
				p = fmt_str(detail, "line ");
				p = fmt_u64(p, g->line);
				p = fmt_str(p, " repeats line ");
				p = fmt_u64(p, g->line - 1);
				*p = '\0';
				truth_line(&g->truth, "duplicate", ent, ev->t,
					   ev->t, detail);
			}
		}
	}
}

/* ---- CDR and flow records ---- */

static void background_cdr(struct gen *g, int64_t t)
{
	const struct gen_env *env = &g->env;
	struct world *w = &g->world;
	struct rng *r = &g->rng;
	struct event ev, mt;
	int u = (int)rng_below(r, 1000), type;
	int v = (int)rng_below(r, 1000);

	type = v < 700 ? EV_VOICE : v < 950 ? EV_SMS : v < 990 ? EV_DATA :
	       EV_OTHER;
	if (u < 750) {
		int a = world_pick_active(w, r), b = -1;
		struct phone_number peer;
		if (type == EV_DATA || type == EV_OTHER) {
			make_call(&ev, env, r, a, DIR_MO, type, NULL, t);
			emit(g, &ev);
			return;
		}
		if (rng_chance(r, 0.85)) {
			const struct subscriber *s = &w->subs[a];
			int32_t c = w->contacts[s->contacts +
						rng_below(r, s->n_contacts)];
			if (c >= 0) {
				b = c;
				peer = world_msisdn(w, c);
			} else {
				peer = w->ext[-1 - c];
			}
		} else {
			peer = w->ext[world_pick_ext(w, r)];
		}
		make_call(&ev, env, r, a, DIR_MO, type, &peer, t);
		emit(g, &ev);
		if (b >= 0 && env->d->paired && ev.status != ST_FAILED &&
		    take_extra(g)) {
			make_mt_leg(&mt, env, r, &ev, b);
			emit(g, &mt);
		}
	} else {
		int b = world_pick_active(w, r);
		const struct phone_number *peer = &w->ext[world_pick_ext(w, r)];
		if (type == EV_DATA || type == EV_OTHER)
			type = EV_VOICE;
		make_call(&ev, env, r, b, DIR_MT, type, peer, t);
		emit(g, &ev);
	}
}

static void emit_planned_until(struct gen *g, int64_t t)
{
	struct plan *p = &g->plan;

	while (p->next < p->n && p->ev[p->next].t <= t)
		emit(g, &p->ev[p->next++]);
}

/* ---- CGNAT port blocks ---- */

static void emit_release(struct gen *g, int b, int64_t t)
{
	struct nat_block_info info;
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	nat_block(&g->nat, b, &info);
	ev.type = EV_RELEASE;
	ev.t = t;
	ev.sub = g->nat.owner[b];
	ev.src_ip = g->nat.priv[b];
	ev.pub_ip = info.pub_ip;
	ev.pub_port = info.port_lo;
	ev.pub_end = info.port_hi;
	nat_close(&g->nat, b);
	emit(g, &ev);
}

/*
 * Open a block for 'ev->sub' at 'ev->t' and write the allocation. A
 * subscriber at its limit, or a full pool, first gives back the block
 * due soonest, released now.
 */
static void emit_alloc(struct gen *g, struct event *ev, int no_release)
{
	const struct span *s = &g->env.span;
	int64_t due = INT64_MAX;
	uint32_t priv = world_private_ip(&g->world, ev->sub,
					 floor_div(ev->t, 86400));
	struct nat_block_info info;
	int b;

	if (!no_release) {
		double len = rng_lognormal(&g->rng, 1800, 1.2);
		due = ev->t + (len < 60 ? 60 : len > 43200 ? 43200 :
			       (int64_t)floor(len));
		if (due > s->end - 1)
			due = s->end - 1;
		if (span_in_gap(s, due))
			due = s->gap_end;
	}
	if (nat_sub_count(&g->nat, ev->sub) >= NAT_SUB_OPEN)
		emit_release(g, nat_sub_first(&g->nat, ev->sub), ev->t);
	b = nat_open(&g->nat, ev->sub, priv, due);
	if (b < 0) {
		emit_release(g, nat_next_due(&g->nat), ev->t);
		b = nat_open(&g->nat, ev->sub, priv, due);
	}
	nat_block(&g->nat, b, &info);
	ev->type = EV_ALLOC;
	ev->src_ip = priv;
	ev->pub_ip = info.pub_ip;
	ev->pub_port = info.port_lo;
	ev->pub_end = info.port_hi;
	emit(g, ev);
}

/* Write releases and planned allocations due by 't', in time order. */
static void cgnat_pending(struct gen *g, int64_t t)
{
	struct plan *p = &g->plan;

	for (;;) {
		int b = nat_next_due(&g->nat);
		int64_t rt = b >= 0 ? g->nat.due[b] : INT64_MAX;
		int64_t pt = p->next < p->n ? p->ev[p->next].t : INT64_MAX;
		if (rt <= t && rt != INT64_MAX && rt <= pt) {
			emit_release(g, b, rt);
		} else if (pt <= t) {
			emit_alloc(g, &p->ev[p->next++], 0);
		} else {
			break;
		}
	}
}

/* ---- the minute walk ---- */

static void run(struct gen *g)
{
	const struct span *s = &g->env.span;
	int is_cgnat = !strcmp(g->env.d->name, "cgnat");
	int64_t minutes = (s->end - s->start) / 60, m, last = -1;
	uint64_t wr = 0;

	for (m = 0; m < minutes; m++) {
		uint64_t w = minute_weight(s, s->start + m * 60);
		wr += w;
		if (w)
			last = m;
	}
	for (m = 0; m < minutes; m++) {
		int64_t t0 = s->start + m * 60;
		uint64_t w = minute_weight(s, t0), c = 0, allocs;
		if (w) {
			double p = (double)w / (double)wr;
			if (!is_cgnat)
				c = rng_binomial(&g->rng, g->free_rows, p);
			else if (m == last)
				c = g->free_rows;
			else
				c = 2 * rng_binomial(&g->rng, g->free_rows / 2, p);
			wr -= w;
		}
		g->free_rows -= c;
		if (!is_cgnat) {
			g->slots = c;
			seconds_fill(g, c);
			while (g->slots > 0) {
				int64_t t = t0 + seconds_next(g);
				emit_planned_until(g, t);
				g->slots--;
				if (g->env.d->kind == KIND_CDR) {
					background_cdr(g, t);
				} else {
					struct event ev;
					make_flow(&ev, &g->env, &g->rng,
						  world_pick_active(&g->world, &g->rng),
						  t);
					emit(g, &ev);
				}
			}
			emit_planned_until(g, t0 + 59);
			continue;
		}
		allocs = (c + 1) / 2;
		seconds_fill(g, allocs);
		while (c > 0) {
			int64_t t = t0 + seconds_next(g);
			struct event ev;
			int no_release = c == 1;
			cgnat_pending(g, t);
			memset(&ev, 0, sizeof(ev));
			ev.t = t;
			ev.sub = world_pick_active(&g->world, &g->rng);
			c -= no_release ? 1 : 2;
			emit_alloc(g, &ev, no_release);
		}
		cgnat_pending(g, t0 + 59);
	}
	if (is_cgnat)
		cgnat_pending(g, s->end - 1);
	else
		emit_planned_until(g, INT64_MAX);
}

/* ---- files ---- */

static FILE *open_out(const char *path)
{
	FILE *fp = fopen(path, "w");

	if (!fp) {
		fprintf(stderr, "cdrgen: cannot open '%s': %s\n", path,
			strerror(errno));
		exit(1);
	}
	return fp;
}

static void close_out(struct out *o, const char *path)
{
	int rc = out_release(o);

	if (o->fp != stdout && fclose(o->fp) != 0 && rc == 0) {
		rc = -1;
		o->err = errno;
	}
	if (rc) {
		fprintf(stderr, "cdrgen: cannot write '%s': %s\n", path,
			strerror(o->err));
		exit(1);
	}
}

static void write_cells(const struct world *w, const char *path,
			uint64_t seed, int64_t start_utc)
{
	static const char *const radio[] = { "GSM", "UMTS", "LTE" };
	struct out o;
	struct rng r;
	int i;

	out_init(&o, open_out(path), 1 << 16);
	rng_init(&r, seed, STREAM_CELLS_OUT);
	out_str(&o, "radio,mcc,net,area,cell,unit,lon,lat,range,samples,"
		    "changeable,created,updated,averageSignal\n");
	for (i = 0; i < w->n_cells; i++) {
		const struct cell *c = &w->cells[i];
		int64_t age_days = rng_range(&r, 30, 1500);
		int64_t created = start_utc - age_days * 86400 +
				  rng_range(&r, 0, 86399);
		int64_t updated = created + rng_range(&r, 0, start_utc - created);
		char *p = out_reserve(&o, 256);
		p = fmt_str(p, radio[c->radio]);
		*p++ = ',';
		p = fmt_u64(p, (uint64_t)w->country->mcc);
		*p++ = ',';
		p = fmt_u64(p, (uint64_t)w->country->mnc[c->op]);
		*p++ = ',';
		p = fmt_u64(p, c->lac);
		*p++ = ',';
		p = fmt_u64(p, c->ci);
		*p++ = ',';
		p = fmt_i64(p, c->unit);
		*p++ = ',';
		p = fmt_micro(p, c->lon);
		*p++ = ',';
		p = fmt_micro(p, c->lat);
		*p++ = ',';
		p = fmt_u64(p, c->range);
		*p++ = ',';
		p = fmt_u64(p, c->samples);
		p = fmt_str(p, ",1,");
		p = fmt_i64(p, created);
		*p++ = ',';
		p = fmt_i64(p, updated);
		*p++ = ',';
		p = fmt_i64(p, rng_chance(&r, 0.6) ? 0 : -rng_range(&r, 50, 110));
		*p++ = '\n';
		out_commit(&o, p);
	}
	close_out(&o, path);
}

static const struct dialect *resolve_dialect(const struct options *o)
{
	const char *name = o->dialect;
	const struct dialect *d;
	int kind = -1;

	if (o->kind) {
		if (!strcmp(o->kind, "cdr"))
			kind = KIND_CDR;
		else if (!strcmp(o->kind, "ip"))
			kind = KIND_IP;
		else
			usage_error("--kind must be cdr or ip, not '%s'", o->kind);
	}
	if (!name)
		name = kind == KIND_IP ? "ipdr" : "canonical";
	else if (kind == KIND_IP && !strcmp(name, "canonical"))
		name = "ipdr";
	d = dialect_find(name);
	if (!d)
		usage_error("unknown dialect '%s' (canonical, opa, opb, opc, "
			    "asterisk, ipdr, cgnat)", name);
	if (kind >= 0 && d->kind != kind)
		usage_error("dialect '%s' does not belong to that --kind", name);
	return d;
}

int main(int argc, char **argv)
{
	struct options o;
	struct gen *g;
	const struct country *co;
	uint64_t need = 0;

	parse_options(&o, argc, argv);
	co = country_find((int)o.country);
	if (!co) {
		fprintf(stderr, "cdrgen: unknown --country %llu (known: %s)\n",
			(unsigned long long)o.country, country_codes());
		return 2;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		fputs("cdrgen: out of memory\n", stderr);
		return 1;
	}
	g->env.d = resolve_dialect(&o);
	g->env.w = &g->world;
	g->env.nat = &g->nat;
	g->env.span.start = o.start_day * 86400;
	g->env.span.end = g->env.span.start + (int64_t)o.days * 86400;
	g->env.span.days = (int)o.days;
	if (o.anomalies) {
		int gap_day = o.days >= 3 ? 2 : (int)o.days - 1;
		g->env.span.gap_start = g->env.span.start +
					(int64_t)gap_day * 86400 + 9 * 3600;
		g->env.span.gap_end = g->env.span.gap_start + 5 * 3600;
	}
	if (o.holiday) {
		if (o.holiday > o.days)
			usage_error("--holiday %llu is after the last of %llu days",
				    (unsigned long long)o.holiday,
				    (unsigned long long)o.days);
		g->env.span.holiday_start = g->env.span.start +
					    (int64_t)(o.holiday - 1) * 86400;
		g->env.span.holiday_end = g->env.span.holiday_start + 86400;
	}
	g->bad_rate = o.bad_rate;
	g->anomalies = o.anomalies;
	g->n_bad_kinds = dialect_bad_kinds(g->env.d, g->bad_kinds);
	rng_init(&g->rng, o.seed, STREAM_ROWS);
	rng_init(&g->bad_rng, o.seed, STREAM_BAD);
	rng_init(&g->dup_rng, o.seed, STREAM_DUP);

	world_init(&g->world, co, o.seed, (int)o.subscribers, (int)o.cells);
	nat_init(&g->nat, o.seed, g->world.n_subs);
	if (o.cells_out)
		write_cells(&g->world, o.cells_out, o.seed,
			    g->env.span.start - (int64_t)co->tz_min * 60);
	if (o.truth) {
		out_init(&g->truth, open_out(o.truth), 1 << 16);
		g->has_truth = 1;
		out_str(&g->truth, "kind,entity,start,end,detail\n");
		if (o.holiday)
			truth_line(&g->truth, "spike", "*",
				   g->env.span.holiday_start,
				   g->env.span.holiday_end,
				   "holiday: all traffic of the day x3");
	}
	if (o.anomalies &&
	    plan_build(&g->plan, &g->env, o.seed, o.rows,
		       g->has_truth ? &g->truth : NULL, &need) < 0) {
		fprintf(stderr, "cdrgen: --anomalies needs --rows of at least "
			"%llu here\n", (unsigned long long)need);
		if (g->has_truth) {
			/* a truth file for rows never written would mislead */
			close_out(&g->truth, o.truth);
			remove(o.truth);
		}
		plan_release(&g->plan);
		nat_release(&g->nat);
		world_release(&g->world);
		free(g);
		return 2;
	}
	g->free_rows = o.rows - g->plan.rows;

	out_init(&g->out, stdout, 1 << 20);
	g->line = (uint64_t)dialect_header(&g->out, g->env.d);
	run(g);
	if (g->emitted != o.rows) {
		fprintf(stderr, "cdrgen: BUG: wrote %llu rows, not %llu\n",
			(unsigned long long)g->emitted,
			(unsigned long long)o.rows);
		return 4;
	}
	close_out(&g->out, "standard output");
	if (g->has_truth)
		close_out(&g->truth, o.truth);
	plan_release(&g->plan);
	nat_release(&g->nat);
	world_release(&g->world);
	free(g);
	return 0;
}
