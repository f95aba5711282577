#include "models/registry.hpp"  // forbidden: the engine never includes a model
