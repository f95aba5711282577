#include "sim/core/population.hpp"  // allowed: the probe mechanism itself works
