#pragma once
// A funding mix: one total budget (ecosystem.mix_total_budget_yuan) shared among named
// instruments (each policy's mix_share), so variants that differ only in their shares spend the
// same money by construction (issue 17, item 3). A policy with mix_share -1 (the default) is not
// in the mix and keeps its own budget_yuan; a mixed policy's budget is mix_share × the total.
#include <vector>

#include "models/ecosystem/parameters.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario.hpp"

namespace models::ecosystem {

// The shares of a mix must sum to 1 within this (a simplex design's shares i/m, each rounded to the
// nearest double, sum to 1 within a few 1e-16).
inline constexpr double kMixShareSumTolerance = 1e-9;

// Sets each mixed policy's budget_yuan to its share of `total_yuan` (the policies read from
// `config`, in its order). Adds a problem, with the file:line:column of the values involved, for a
// share outside [0, 1] other than -1, a mixed policy that also gives budget_yuan, shares without a
// total or a total without shares, and shares that do not sum to 1; budgets are then unchanged.
void apply_funding_mix(double total_yuan, const sim::Config& config, std::vector<PolicySpec>& policies,
                       std::vector<sim::InputProblem>& problems);

}  // namespace models::ecosystem
