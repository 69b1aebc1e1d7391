// The module is header-only (see include/CByteScan.h); SwiftPM needs one C file.
#include "CByteScan.h"
