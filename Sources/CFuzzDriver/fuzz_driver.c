// libFuzzer's driver, referenced weakly: present in the fuzzer build (linked with
// -sanitize=fuzzer and -u LLVMFuzzerRunDriver), absent (NULL) in a normal build.
#include "fuzz_driver.h"

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t)) __attribute__((weak));

int sb_has_fuzz_driver(void) { return LLVMFuzzerRunDriver != NULL; }

int sb_fuzz_driver(int *argc, char ***argv, sb_fuzz_callback callback) {
    return LLVMFuzzerRunDriver ? LLVMFuzzerRunDriver(argc, argv, callback) : -1;
}
