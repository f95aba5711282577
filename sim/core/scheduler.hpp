#pragma once
// A step is an ordered list of named phases. Each phase reads the state the previous phases
// left and writes its own agents' fields or proposals; the order is the model's description
// (docs/MODEL.md names the same phases). The scheduler times each phase (for --profile) and
// runs an invariant check after each one when asked to.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/core/philox_stream.hpp"

namespace sim {

// What a phase body knows about where it runs.
struct PhaseContext {
  std::int64_t step;
  std::uint64_t purpose;  // purpose_id(phase name): the default purpose of this phase's draws
  const RandomStreams* streams;

  // The random stream of one agent for this step and phase.
  [[nodiscard]] PhiloxStream rng(AgentId agent) const {
    return streams->stream(static_cast<std::uint64_t>(step), purpose, agent);
  }
  // A stream for a named purpose within the phase (several independent kinds of draws per agent).
  [[nodiscard]] PhiloxStream rng(AgentId agent, std::uint64_t other_purpose) const {
    return streams->stream(static_cast<std::uint64_t>(step), other_purpose, agent);
  }
};

using PhaseBody = std::function<void(const PhaseContext&)>;

struct PhaseTiming {
  std::string name;
  double seconds = 0.0;  // accumulated over all steps run
  std::int64_t calls = 0;
};

class Scheduler {
 public:
  explicit Scheduler(const RandomStreams& streams) : streams_(&streams) {}

  // The phase's draws use purpose_id(name).
  void add_phase(std::string name, PhaseBody body);
  // The same with an explicit purpose for the phase's draws, so that renaming a phase changes no
  // draw (a model names its purposes as constants, e.g. purpose_id("apply_policies")).
  void add_phase(std::string name, std::uint64_t purpose, PhaseBody body);

  // Runs every phase in order for `step`. If an invariant check is set, it runs after each phase
  // with the phase's name; it throws to stop the run.
  void run_step(std::int64_t step);

  void set_invariant_check(std::function<void(std::int64_t step, const std::string& phase)> check) {
    invariant_check_ = std::move(check);
  }

  [[nodiscard]] const std::vector<PhaseTiming>& timings() const { return timings_; }
  [[nodiscard]] std::vector<std::string> phase_names() const;

 private:
  struct Phase {
    std::string name;
    std::uint64_t purpose;
    PhaseBody body;
  };
  const RandomStreams* streams_;
  std::vector<Phase> phases_;
  std::vector<PhaseTiming> timings_;
  std::function<void(std::int64_t, const std::string&)> invariant_check_;
};

}  // namespace sim
