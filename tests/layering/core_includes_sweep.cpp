#include "sim/sweep/sweep_plan.hpp"  // forbidden: core/ includes no other subsystem
