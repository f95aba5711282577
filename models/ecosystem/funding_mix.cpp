#include "models/ecosystem/funding_mix.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "sim/scenario/schema_format.hpp"

namespace models::ecosystem {

namespace {

constexpr double kNotInMix = -1.0;

bool is_mixed(const PolicySpec& policy) { return policy.mix_share != kNotInMix; }

}  // namespace

void apply_funding_mix(double total_yuan, const sim::Config& config, std::vector<PolicySpec>& policies,
                       std::vector<sim::InputProblem>& problems) {
  const std::size_t before = problems.size();
  const auto where = [&](std::size_t i, const char* key) {
    return config.location(fmt::format("ecosystem.policies.{}.{}", i, key));
  };
  const auto label = [&](std::size_t i) { return fmt::format("ecosystem.policies[{}]", policies[i].name); };
  const sim::SourceLocation total_where = config.location("ecosystem.mix_total_budget_yuan");
  const auto number = [](double value) { return sim::schema_format::format_number(value); };

  double sum = 0.0;
  std::string shares;  // "'vouchers' 0.5 (file:12:7), ..." for the message on the sum
  std::size_t mixed = 0;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const PolicySpec& policy = policies[i];
    if (!is_mixed(policy)) continue;
    ++mixed;
    if (policy.mix_share < 0.0) {
      problems.push_back({where(i, "mix_share"),
                          fmt::format("'{}.mix_share' must be a share from 0 to 1, or -1 (the default) for a "
                                      "policy outside the funding mix, got {}",
                                      label(i), number(policy.mix_share))});
      continue;
    }
    if (total_yuan == 0.0) {
      problems.push_back({where(i, "mix_share"),
                          fmt::format("'{}.mix_share' is {}, but there is no funding mix "
                                      "('ecosystem.mix_total_budget_yuan' is 0): set the mix's total, or "
                                      "leave mix_share out",
                                      label(i), number(policy.mix_share))});
    }
    if (policy.budget_yuan != 0.0) {
      problems.push_back({where(i, "budget_yuan"),
                          fmt::format("'{}' gives both budget_yuan ({}) and mix_share ({}): a policy in the "
                                      "funding mix is given mix_share × ecosystem.mix_total_budget_yuan; set "
                                      "its budget_yuan to 0, or leave it out of the mix (mix_share -1)",
                                      label(i), number(policy.budget_yuan), number(policy.mix_share))});
    }
    sum += policy.mix_share;
    shares += fmt::format("{}'{}' {} ({})", shares.empty() ? "" : ", ", policy.name, number(policy.mix_share),
                          where(i, "mix_share").to_string());
  }
  if (total_yuan == 0.0 || problems.size() != before) return;  // the sum of wrong shares says nothing
  if (mixed == 0) {
    problems.push_back(
        {total_where, fmt::format("'ecosystem.mix_total_budget_yuan' is {} yuan, but no policy "
                                  "has a mix_share: give each policy of the mix its share",
                                  number(total_yuan))});
    return;
  }
  if (std::fabs(sum - 1.0) > kMixShareSumTolerance) {
    problems.push_back(
        {total_where,
         fmt::format("the funding mix's shares (mix_share) must sum to 1 (within {}), got {:.10g}: {}",
                     number(kMixShareSumTolerance), sum, shares)});
  }
  if (problems.size() != before) return;
  for (PolicySpec& policy : policies) {
    if (is_mixed(policy)) policy.budget_yuan = policy.mix_share * total_yuan;
  }
}

}  // namespace models::ecosystem
