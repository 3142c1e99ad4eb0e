/*
 * layout.h - the on-disk layout of an index directory (see schema/schema.h).
 */
#ifndef QUIRE_LAYOUT_H
#define QUIRE_LAYOUT_H

/* The stub file naming the shards of an index directory. */
#define QUIREI_STUB_FILE "XAPIANDB"
/* The file a writer flock()s for the whole index. */
#define QUIREI_LOCK_FILE "writer.lock"

#endif
