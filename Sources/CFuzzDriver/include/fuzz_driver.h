#include <stddef.h>
#include <stdint.h>

typedef int (*sb_fuzz_callback)(const uint8_t *data, size_t size);

/// Whether libFuzzer is linked in (a `make fuzz` build).
int sb_has_fuzz_driver(void);
/// Runs libFuzzer's driver with the program's arguments; -1 when libFuzzer is not linked in.
int sb_fuzz_driver(int *argc, char ***argv, sb_fuzz_callback callback);
