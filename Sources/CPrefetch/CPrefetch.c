// The module is header-only (see include/CPrefetch.h); SwiftPM needs one C file.
#include "CPrefetch.h"
