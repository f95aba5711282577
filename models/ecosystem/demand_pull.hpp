#pragma once
// Demand-pull research (issue 16 item 3; docs/MODEL.md section 3, "Demand-pull research"): firms
// post needs and problems (需求包, seed 004; 企业出题, seed 001) with a reward they pay from their
// own cash into escrow; labs revise their field towards fields where posted demand and funding per
// lab are high; a lab's new result that answers a posted need goes first to the posting firm (an
// assignment, the reward paid). The default posts nothing and revises no topic: the phases are not
// even scheduled, so a scenario without ecosystem.demand_pull draws and computes exactly as before.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/philox_stream.hpp"  // sim::AgentId
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"

namespace models::ecosystem {

// ecosystem.demand_pull as the scenario gives it; defaults and sources in declare_demand_pull.
struct DemandPullSpec {
  // Per field (scenario order): share of a firm's spare cash it commits to a posted need in a
  // quarter; 0 (the default) posts nothing.
  std::vector<double> posting_share;
  double reward_cap_yuan = 0;       // the most one posted need commits, in prices of step 0
  double topic_revision_rate = 0;   // probability per quarter that a lab reconsiders its field
  double topic_switching_cost = 0;  // logit units a lab gives up by leaving its own field

  [[nodiscard]] bool posts_needs() const {
    for (const double share : posting_share)
      if (share > 0) return true;
    return false;
  }
  [[nodiscard]] bool is_active() const { return posts_needs() || topic_revision_rate > 0; }
};

// Declares ecosystem.demand_pull in the scenario schema.
void declare_demand_pull(sim::ObjectSpec& section);
// Reads ecosystem.demand_pull for the named fields; an unknown or repeated field is a problem at
// its file:line:column.
DemandPullSpec read_demand_pull(const sim::Config& config, const std::vector<std::string>& field_names,
                                std::vector<sim::InputProblem>& problems);

// A need a firm has posted and not yet seen answered: its reward sits in the posted-needs escrow
// account until a lab's result answers it, or goes back to the firm's owners when the firm exits.
struct PostedNeed {
  sim::AgentId firm = 0;
  std::int32_t field = 0;
  double reward_yuan = 0;
};

// The open needs in posting order (the order they are answered in, per field). A firm has at most
// one open need.
struct PostedNeeds {
  std::vector<PostedNeed> open;
  // Σ reward_yuan of the open needs per field.
  [[nodiscard]] std::vector<double> pool_by_field(std::size_t fields) const {
    std::vector<double> pool(fields, 0.0);
    for (const PostedNeed& need : open) pool[static_cast<std::size_t>(need.field)] += need.reward_yuan;
    return pool;
  }
};

}  // namespace models::ecosystem
