// OpenBLAS's CBLAS interface and the LAPACKE C interface to LAPACK (Debian:
// libopenblas-dev puts cblas.h under the multiarch include dir, liblapacke-dev
// puts lapacke.h in /usr/include).
#include <cblas.h>
#include <lapacke.h>
// Not declared in cblas.h on every OpenBLAS build; we set threads ourselves.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
