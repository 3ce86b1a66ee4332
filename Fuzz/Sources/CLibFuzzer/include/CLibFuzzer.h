#ifndef C_LIB_FUZZER_H
#define C_LIB_FUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt's FuzzerInterface.h), linked in by -sanitize=fuzzer: it parses
/// libFuzzer's flags and runs `callback` on every input. The fuzz targets call it from their own
/// entry point, because SwiftPM renames an executable's `main` (to `<module>_main`, so tests can
/// link executables) and the `main` libFuzzer brings would then never be the one that runs.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
