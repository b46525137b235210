// The dialect moved to the folder of the backend contract; this name keeps programs compiling.
#include <ar/backend/dialect.hpp>  // IWYU pragma: export
