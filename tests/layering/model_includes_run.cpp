#include "sim/run/runner.hpp"  // forbidden: a model sees sim/model.hpp, core/ and scenario/ only
