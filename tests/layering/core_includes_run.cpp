#include "sim/run/runner.hpp"  // forbidden: core/ includes no other subsystem
