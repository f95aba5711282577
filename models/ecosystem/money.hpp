#pragma once
// The model's currency: amounts are in yuan (double) in the model and in fen, its minor unit, in
// the ledger (whole minor units, sim/core/ledger.hpp).
#include "sim/core/ledger.hpp"

namespace models::ecosystem {

using Fen = sim::MinorUnits;
inline Fen to_fen(double yuan) { return sim::to_minor_units(yuan); }
inline double to_yuan(Fen fen) { return sim::to_units(fen); }
inline const sim::Currency kYuan{"yuan"};

}  // namespace models::ecosystem
