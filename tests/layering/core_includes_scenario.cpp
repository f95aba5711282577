#include "sim/scenario/schema.hpp"  // forbidden: core/ includes no other subsystem
