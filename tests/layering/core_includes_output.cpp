#include "sim/output/output_file.hpp"  // forbidden: core/ includes no other subsystem
