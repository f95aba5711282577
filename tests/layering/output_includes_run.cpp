#include "sim/run/runner.hpp"  // forbidden: output/ sits below run/
