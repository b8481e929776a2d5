/*
 * world.h - the synthetic population behind cdrgen: a country, its cell
 * sites, subscribers with their identities, contacts and whereabouts, and
 * the external numbers they call. Built once from the seed; it does not
 * depend on how many rows are generated, so files made with one seed
 * (CDR and IP, any dialect) share subscribers, handsets and cells.
 */
#ifndef CDRGEN_WORLD_H
#define CDRGEN_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "genrand.h"

#define WORLD_OPS 4        /* operators (MNCs) per country */
#define WORLD_FAR 6        /* far-away cities with cells for planted travel */
#define WORLD_IMEI_GROUP 10 /* SIMs that share one handset (--anomalies) */
#define WORLD_CONFOUND 5   /* dedicated confounder subscribers (--anomalies) */
#define WORLD_REGION 150000 /* half-width of the region, micro-degrees */

struct far_city {
	const char *name;
	int32_t lat, lon;          /* micro-degrees */
};

struct country {
	int cc;                    /* country calling code */
	const char *iso;           /* ISO 3166-1 alpha-2 */
	const char *region;        /* the city the regional cells cover */
	int mcc;                   /* mobile country code */
	int mnc[WORLD_OPS];        /* two-digit mobile network codes */
	const char *mob_prefix[WORLD_OPS]; /* leading NSN digits per operator */
	int share[WORLD_OPS];      /* subscriber share per operator, percent */
	int nsn_len;               /* national significant number length */
	const char *fixed_prefix;  /* leading NSN digits of fixed lines */
	int32_t lat, lon;          /* region centre, micro-degrees */
	int tz_min;                /* UTC offset of local time, minutes */
	const struct far_city *far; /* WORLD_FAR cities, or NULL: offsets */
};

enum radio { RADIO_GSM, RADIO_UMTS, RADIO_LTE };

struct cell {
	int32_t lat, lon;          /* micro-degrees */
	uint32_t ci;               /* GSM CI, UMTS RNC*65536+CID, LTE ECI */
	uint16_t lac;              /* LAC (2G/3G) or TAC (LTE) */
	uint16_t range;            /* coverage radius, metres */
	int16_t unit;              /* PSC (UMTS), PCI (LTE), -1 (GSM) */
	uint16_t samples;          /* OpenCellID measurement count */
	uint8_t op;                /* operator index, < WORLD_OPS */
	uint8_t radio;             /* enum radio */
	int8_t far;                /* -1 in the region, else far city index */
};

enum num_kind { NUM_NONE, NUM_MOBILE, NUM_FIXED, NUM_SERVICE };

struct phone_number {
	uint64_t nsn;              /* digits after the country code */
	uint16_t cc;               /* country calling code; 0 with NUM_NONE */
	uint8_t len;               /* digits in 'nsn' (leading zeros kept) */
	uint8_t kind;              /* enum num_kind; NUM_SERVICE: USSD code */
};

enum sub_role {
	ROLE_NORMAL, ROLE_SIMBOX, ROLE_NIGHT, ROLE_TRAVEL, ROLE_IMEI_GROUP
};

struct subscriber {
	uint64_t nsn;              /* MSISDN without the country code */
	uint64_t imsi;             /* 15 digits: MCC MNC MSIN */
	uint64_t imei;             /* 15 digits, Luhn check digit last */
	int32_t home, work;        /* cell indices; equal for 15% of people */
	uint32_t contacts;         /* first entry in world.contacts */
	uint16_t n_contacts;       /* entries from 'contacts' on */
	uint8_t op;                /* operator index */
	uint8_t role;              /* enum sub_role */
};

/* Walker/Vose alias table: O(1) draws from a fixed discrete distribution. */
struct alias_table {
	uint64_t *keep;            /* 53-bit threshold: keep i below it */
	int32_t *other;            /* else take this index */
	int n;
};

struct u64set {
	uint64_t *keys;            /* 0 marks an empty slot */
	size_t mask;               /* capacity - 1, capacity a power of two */
	size_t n;                  /* keys stored */
};

struct world {
	const struct country *country;
	uint64_t seed;
	struct cell *cells;        /* regional cells, then far cells */
	int n_cells;               /* all cells */
	int n_regional;            /* cells [0, n_regional) are regional */
	int *op_cells;             /* regional cell indices grouped by operator */
	int op_first[WORLD_OPS + 1]; /* operator k: op_cells[op_first[k]..[k+1]) */
	struct subscriber *subs;   /* normal subscribers, then dedicated ones */
	int n_subs;                /* all subscribers */
	int n_normal;              /* subscribers [0, n_normal) are normal */
	int32_t *contacts;         /* >= 0: subscriber; < 0: external -1-index */
	struct phone_number *ext;  /* numbers outside the subscriber base */
	int n_ext;
	double *act_cum;           /* cumulative Zipf weight by activity rank */
	int *act_sub;              /* activity rank -> subscriber index */
	struct alias_table act;    /* draws activity ranks */
	struct alias_table ext_pick; /* draws 'ext' indices */
	struct u64set numbers;     /* every number handed out (number_key) */
	int simbox, night;         /* dedicated subscriber indices */
	int travel[2];
	int imei_group[WORLD_IMEI_GROUP];
	uint64_t shared_imei;      /* the handset of the IMEI group */
	/* confounders: must raise no flag */
	int flyer;                 /* a domestic flight */
	int dual[2];               /* two SIMs in one dual-SIM handset */
	uint64_t dual_imei;        /* their handset */
	int svup;                  /* an IMEISV software update */
	int callcentre;            /* many short outgoing calls, not a simbox */
};

const struct country *country_find(int cc);
/* Space-separated list of the calling codes country_find() knows. */
const char *country_codes(void);

/*
 * Build the population for 'seed': 'n_cells' regional cells plus
 * WORLD_OPS far cells per far city, 'n_subs' normal subscribers plus the
 * dedicated anomaly subscribers. Exits on out of memory.
 */
void world_init(struct world *w, const struct country *c, uint64_t seed,
		int n_subs, int n_cells);
void world_release(struct world *w);

/* A normal subscriber drawn by activity (Zipf, s = 1.1). */
int world_pick_active(const struct world *w, struct rng *r);
/* An external number index drawn by popularity (Zipf). */
int world_pick_ext(const struct world *w, struct rng *r);
/* The cell subscriber 'sub' uses at civil time 't' (see cdrgen.c). */
int world_cell_at(const struct world *w, int sub, int64_t t);
/* The regional cell index of far city 'city' for operator 'op'. */
int world_far_cell(const struct world *w, int city, int op);
struct phone_number world_msisdn(const struct world *w, int sub);
/* A domestic mobile number never handed out before; remembers it. */
struct phone_number world_fresh_mobile(struct world *w, struct rng *r);
/* Private (CGNAT inside) IPv4 address of 'sub' on day 'day'. */
uint32_t world_private_ip(const struct world *w, int sub, int64_t day);
/* Great-circle distance in whole kilometres (equirectangular). */
int world_distance_km(const struct cell *a, const struct cell *b);

/* The 15-digit IMEI for a 14-digit body: append the Luhn check digit. */
uint64_t imei_with_check(uint64_t body14);

#endif
