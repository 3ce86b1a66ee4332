// Only the declaration in include/CLibFuzzer.h matters; a C target needs a source file.
#include "CLibFuzzer.h"
