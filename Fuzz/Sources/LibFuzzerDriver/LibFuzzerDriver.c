// Declarations only (include/LibFuzzerDriver.h); SwiftPM wants one source file per C target.
#include "LibFuzzerDriver.h"
