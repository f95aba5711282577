#pragma once
// What the engine needs from a model. A model is a folder under models/ that defines its agent
// kinds (Populations), its phases (a Scheduler), its metrics and its schema section; the engine
// runs it, measures it every step and writes what it reports. One Model object is one replicate.
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "sim/core/philox_stream.hpp"
#include "sim/core/population.hpp"
#include "sim/core/scheduler.hpp"
#include "sim/core/table.hpp"
#include "sim/scenario/scenario.hpp"

namespace sim {

class Model {
 public:
  virtual ~Model() = default;

  // Advances the state from step-1 to `step` (steps count from 1; step 0 is the initial state).
  virtual void step(std::int64_t step) = 0;

  // Metric definitions, in a fixed order; measure() fills values in the same order.
  [[nodiscard]] virtual std::vector<MetricInfo> metrics() const = 0;
  virtual void measure(std::span<double> values) const = 0;

  // Populations written as panels at snapshot steps.
  [[nodiscard]] virtual std::vector<const Population*> populations() const = 0;
  // Event rows produced since the last call, as (group kind, rows); written to /events/<kind>/.
  virtual std::vector<std::pair<std::string, TableRows>> take_events() { return {}; }

  // Model-level invariants (e.g. conservation of a stock); throws with step and phase named.
  virtual void check_invariants(std::int64_t step, const std::string& phase) const = 0;

  [[nodiscard]] virtual const Scheduler& scheduler() const = 0;
  // Number of agents that acted in the last step (for agent-steps/s in summaries).
  [[nodiscard]] virtual std::size_t agent_count() const = 0;

  // Checkpoints (innosim run --checkpoint-every): everything that carries over from one step to the
  // next, written after a step (events already taken) and read into a model that `create` just
  // built from the same scenario, seed and replicate. A resumed run must continue bit for bit as
  // the uninterrupted one would, so per-step scratch that a step rebuilds before reading may be
  // left out, but nothing a later step reads. Population and Ledger have their own save_state and
  // restore_state. The defaults refuse: a model supports checkpoints when it says so.
  virtual void save_state(std::ostream& out) const;
  virtual void restore_state(std::istream& in);
};

struct ReplicateContext {
  std::uint64_t seed = 0;
  std::uint64_t replicate = 0;
  bool check_invariants_every_phase = false;  // --check-invariants, or a debug build
};

struct ModelDefinition {
  std::string name;     // the scenario's `model:` value and its schema section
  std::string summary;  // one line for --help and the schema reference
  // The model's own version ("ecosystem 2.0"), written in every output's manifest. Raise it with
  // any change that moves the model's results for the same scenario and seed, so `reproduce` can
  // tell a changed model from a changed file. Each model declares it as a constant, kVersion.
  std::string version;
  std::function<void(ObjectSpec& section)> declare_parameters;
  std::function<std::unique_ptr<Model>(const Config& config, const ReplicateContext& context)> create;
  // A one-paragraph reading of the results for the end-of-run summary: given metric names and
  // their replicate-mean series. Optional.
  std::function<std::string(const std::vector<MetricInfo>&, const std::vector<std::vector<double>>&)>
      describe_findings;
  // Bytes one replicate will hold at its largest, for refusing sizes that cannot fit before
  // allocating (sim/run/memory_check.hpp); a rough upper estimate is enough. Optional.
  std::function<std::uint64_t(const Config& config)> estimate_memory_bytes;
  // The integer parameter that sets the model's size ("boltzmann.agents"), named with its
  // file:line:column when the estimate does not fit.
  std::string size_parameter;
};

// The schema of the engine plus every model section.
Schema build_schema(const std::vector<ModelDefinition>& models);
const ModelDefinition* find_model(const std::vector<ModelDefinition>& models, const std::string& name);

}  // namespace sim
