#ifndef SERVICEBOOK_RENAME_SWAP_H
#define SERVICEBOOK_RENAME_SWAP_H

/// Atomically exchanges two paths (both must exist). Returns 0, or -1 with errno set.
int servicebook_rename_exchange(const char *a, const char *b);

#endif
