/*
 * damage.h - what quire-serve knows of damage to the index it serves
 * (issue 16), shared by every HTTP thread.
 *
 * The index is marked damaged when a read of it finds damage
 * (QUIRE_ECORRUPT) or when the supervisor restarted the worker after a
 * crash inside the search engine (supervisor.h passes the mark in the
 * environment). While marked, /api/health answers 503 "damaged" and every
 * request that needs the index 503 index_unavailable, with the reason. The
 * mark is cleared when the index changes on disk (its fingerprint,
 * quire_index_fingerprint(), looked at no more than once a second): a
 * restore or a rebuild is served again without a restart.
 */
#ifndef QUIRE_SERVE_DAMAGE_H
#define QUIRE_SERVE_DAMAGE_H

#include <stddef.h>

/* The environment variables a restarted worker reads its mark from. */
#define DAMAGE_ENV_REASON "QUIRE_SERVE_DAMAGED"
#define DAMAGE_ENV_FINGERPRINT "QUIRE_SERVE_DAMAGED_FP"

/* Before serving: the index path, and the supervisor's mark if any. */
void damage_init(const char *db);

/* A read of the index found it damaged: mark it, with the reason. */
void damage_mark(const char *reason);

/* 1 with the reason copied to reason[0..len) while the index is marked
 * damaged and unchanged since; 0 otherwise. */
int damage_current(char *reason, size_t len);

#endif
