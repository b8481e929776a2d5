/*
 * record.h - the canonical record that everything downstream of the schema
 * sees: typed slots for the fields of canon.def, a presence bit for each, and
 * a borrowed view of the raw CSV row it came from.
 *
 * Ownership: a record is filled by schema_map_row() and is valid until the
 * next call on the same reader. String values point into the raw row or into
 * the record's own scratch buffer; whatever an analysis keeps must be copied
 * or interned (intern.h).
 */
#ifndef CDRSIFT_RECORD_H
#define CDRSIFT_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* kinds: bit set of the kinds a field belongs to */
#define KB_CDR 1u
#define KB_IP 2u
#define KB_AUX 4u     /* helper column, builds another field, never shown */
#define KB_DERIVED 8u /* computed from other fields */

enum record_kind { KIND_UNKNOWN = 0, KIND_CDR = 1, KIND_IP = 2 };

enum field_type {
	FT_STR,   /* text: v.s (ids, IMSI, IMEI, cell, apn, ...) */
	FT_PHONE, /* a phone number, normalised to digits: v.s */
	FT_INT,   /* integer: v.i (ports, bytes, hour, dow) */
	FT_REAL,  /* decimal: v.d (lat, lon) */
	FT_TIME,  /* instant: v.i, ms since the epoch, UTC */
	FT_DUR,   /* duration: v.i, microseconds */
	FT_TYPE,  /* enum rec_type: v.i */
	FT_DIR,   /* enum rec_dir: v.i */
	FT_IP,    /* IPv4 or IPv6 address: v.ip */
	FT_DATE,  /* civil date: v.i, days since 1970-01-01 */
};

enum field_id {
#define FIELD(id, name, kinds, type, aliases) id,
#include "canon.def"
#undef FIELD
	F_COUNT
};

enum rec_type { TYPE_VOICE = 1, TYPE_SMS, TYPE_DATA, TYPE_OTHER };
enum rec_dir { DIR_MO = 1, DIR_MT, DIR_UNKNOWN };

struct field_info {
	const char *name;     /* canonical name */
	unsigned kinds;       /* KB_* bits */
	enum field_type type; /* storage and parsing */
	const char *aliases;  /* space-separated normalised header names */
};

/* The table of canon.def, indexed by enum field_id. */
extern const struct field_info field_table[F_COUNT];

/* The field named 'name' (canonical name, exact; the first of that name,
   so F_CELL, not the hidden F_CELL_ID), or -1. */
int field_by_name(const char *name, size_t len);
/* "voice", "sms", ... and "mo", "mt", "unknown"; "" for other values. */
const char *rec_type_name(int t);
const char *rec_dir_name(int d);
/* Parse an enum word as written in expressions ("voice", "mo"): or -1. */
int rec_type_from_name(const char *s, size_t len);
int rec_dir_from_name(const char *s, size_t len);

struct strv {
	const char *s; /* borrowed, not NUL-terminated */
	uint32_t len;  /* bytes */
};

struct ipaddr {
	uint8_t v6;     /* 0: IPv4 in b[0..3]; 1: IPv6 in b[0..15] */
	uint8_t b[16];  /* network byte order */
};

union rvalue {
	int64_t i;       /* FT_INT FT_TIME FT_DUR FT_TYPE FT_DIR FT_DATE */
	double d;        /* FT_REAL */
	struct strv s;   /* FT_STR FT_PHONE */
	struct ipaddr ip;/* FT_IP */
};

struct csvrow_row;
struct tz;

/* How a record's cell was written (schema_map_row counts them). */
enum cell_form {
	CELL_FORM_CGI,     /* parts in the cell text: MCC-MNC-LAC-CI, ... */
	CELL_FORM_COLUMNS, /* a bare id, with mcc, mnc or lac columns */
	CELL_FORM_ID,      /* a bare id alone */
	CELL_FORM_COUNT
};

/* What the cell keys of some records were, and what the table said. */
struct cell_use {
	uint64_t filled;     /* positions filled from the cell table */
	uint64_t disagree;   /* own lat/lon far from the table's */
	uint64_t unknown;    /* cell keys not in the table */
	uint64_t ambiguous;  /* keys the table holds at several positions */
	uint64_t form[CELL_FORM_COUNT]; /* records by how the cell was written */
};

/* Add the counts of 'b' to 'a'. */
void cell_use_add(struct cell_use *a, const struct cell_use *b);

/*
 * Null markers (--null, and a Zeek log's #unset_field and #empty_field):
 * a value equal to one of v[] is missing; one equal to 'empty' is the
 * empty text. Owned by the schema.
 */
#define NULLSET_MAX 16
struct nullset {
	size_t n;                 /* markers in v[] */
	char *v[NULLSET_MAX];     /* owned, NUL-terminated */
	size_t len[NULLSET_MAX];
	char *empty;              /* owned, or NULL */
	size_t empty_len;
};

/* 1: missing (a null marker), 2: empty (the empty marker), 0: neither. */
int nullset_match(const struct nullset *ns, const char *s, size_t len);

struct record {
	uint64_t present;             /* bit (1 << F_x) when v[F_x] is set */
	union rvalue v[F_COUNT];      /* valid where the bit is set */
	enum record_kind kind;        /* CDR or IP log */
	const struct csvrow_row *row; /* the raw row: fields by column index */
	const struct nullset *nulls;  /* the row's null markers, or NULL */
	const struct tz *tz;          /* zone for derived hour/dow/date */
	const char *file;             /* display name of the input */
	uint64_t line;                /* physical line where the row starts */
	int sub_us[2];                /* microseconds past the ms of start and
					 end (0..999), set with them: a
					 duration from end - start is exact */
	char *scratch;                /* owned: normalised strings of this row */
	size_t scratch_len;           /* bytes used in 'scratch' */
	size_t scratch_alloc;         /* bytes allocated */
	struct cell_use cell;         /* running counters kept by
					 schema_map_row for this reader (one
					 record per thread, so no locking);
					 callers read and reset them */
};

#define FIELD_BIT(f) ((uint64_t)1 << (f))

static inline int record_has(const struct record *r, enum field_id f)
{
	return (r->present & FIELD_BIT(f)) != 0;
}

void record_init(struct record *r);
void record_release(struct record *r);
/* Forget the values of the previous row; keep the scratch allocation. */
void record_clear(struct record *r);
/* Copy 'len' bytes into the scratch buffer; the view is valid until clear. */
struct strv record_keep(struct record *r, const char *s, size_t len);

/*
 * Raw column 'col' (0-based) of the row the record came from. Returns 0 and
 * sets the view, or -1 when the row has no such column or the value is a
 * null marker (r->nulls: missing); the empty marker gives the empty text.
 */
int record_raw(const struct record *r, size_t col, struct strv *out);

/*
 * Compute the derived fields named in 'need' (bits of F_SUBSCRIBER for CDRs,
 * F_PEER, F_HOUR, F_DOW, F_DATE) from the mapped ones. Called by
 * schema_map_row(); cheap when 'need' is 0.
 */
void record_derive(struct record *r, uint64_t need);

struct buf;
/*
 * Field 'f' of 'r' as text, appended to 'b': timestamps in ISO 8601 in
 * zone 'tz', durations in seconds (format_duration), positions with
 * six decimals, enum words, addresses, dates YYYY-MM-DD. Returns 1, or 0
 * (nothing appended) when the value is missing. The one formatter behind
 * every command's output, so a value reads the same everywhere.
 */
int record_format(const struct record *r, int f, const struct tz *tz,
		  struct buf *b);
/*
 * Microseconds as seconds: whole ones as an integer ("93"), else with
 * three decimals when a whole number of milliseconds ("93.500"), else
 * six ("0.000123").
 */
void format_duration(int64_t us, struct buf *b);

/* Parse an IPv4 or IPv6 address ("10.1.2.3", "2001:db8::1"). 0 or -1. */
int ip_parse(const char *s, size_t len, struct ipaddr *out);
/* Text form of an address, at least 46 bytes. Returns the length. */
size_t ip_format(const struct ipaddr *ip, char *out, size_t outlen);

#endif
