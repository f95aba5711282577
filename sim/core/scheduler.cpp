#include "sim/core/scheduler.hpp"

#include <stdexcept>

namespace sim {

void Scheduler::add_phase(std::string name, PhaseBody body) {
  const std::uint64_t purpose = purpose_id(name);
  add_phase(std::move(name), purpose, std::move(body));
}

void Scheduler::add_phase(std::string name, std::uint64_t purpose, PhaseBody body) {
  for (const auto& phase : phases_) {
    if (phase.name == name) throw std::logic_error("scheduler: phase '" + name + "' added twice");
  }
  timings_.push_back(PhaseTiming{name, 0.0, 0});
  phases_.push_back(Phase{std::move(name), purpose, std::move(body)});
}

void Scheduler::run_step(std::int64_t step) {
  for (std::size_t p = 0; p < phases_.size(); ++p) {
    const auto& phase = phases_[p];
    const auto start = std::chrono::steady_clock::now();
    phase.body(PhaseContext{step, phase.purpose, streams_});
    const auto stop = std::chrono::steady_clock::now();
    timings_[p].seconds += std::chrono::duration<double>(stop - start).count();
    timings_[p].calls += 1;
    if (invariant_check_) invariant_check_(step, phase.name);
  }
}

std::vector<std::string> Scheduler::phase_names() const {
  std::vector<std::string> names;
  names.reserve(phases_.size());
  for (const auto& phase : phases_) names.push_back(phase.name);
  return names;
}

}  // namespace sim
