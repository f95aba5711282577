// sim/runner with --check-invariants: a model whose invariant breaks stops the run with a message
// naming the step and the phase, and leaves no output file. (`innosim` turns the exception into
// exit status 4.) The model here is test-only and broken on purpose: real models must not be.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "sim/model.hpp"
#include "sim/run/runner.hpp"

namespace {

// Two phases over one stock that must stay at 100: "spend" takes 1 from it at step 3 and
// "refill" puts it back, so the stock is wrong only between the two phases of step 3.
class LeakyModel final : public sim::Model {
 public:
  explicit LeakyModel(const sim::ReplicateContext& context)
      : streams_(context.seed, context.replicate), scheduler_(streams_) {
    scheduler_.add_phase("spend", [this](const sim::PhaseContext& c) {
      if (c.step == 3) stock_ -= 1;
    });
    scheduler_.add_phase("refill", [this](const sim::PhaseContext& c) {
      if (c.step == 3) stock_ += 1;
    });
    if (context.check_invariants_every_phase) {
      scheduler_.set_invariant_check(
          [this](std::int64_t step, const std::string& phase) { check_invariants(step, phase); });
    }
  }
  void step(std::int64_t step) override { scheduler_.run_step(step); }
  [[nodiscard]] std::vector<sim::MetricInfo> metrics() const override {
    return {{"stock", "units", "The stock"}};
  }
  void measure(std::span<double> values) const override { values[0] = static_cast<double>(stock_); }
  [[nodiscard]] std::vector<const sim::Population*> populations() const override { return {}; }
  void check_invariants(std::int64_t step, const std::string& phase) const override {
    if (stock_ != 100) {
      throw std::logic_error(
          fmt::format("step {}, phase {}: stock is {} units, expected 100", step, phase, stock_));
    }
  }
  [[nodiscard]] const sim::Scheduler& scheduler() const override { return scheduler_; }
  [[nodiscard]] std::size_t agent_count() const override { return 1; }

 private:
  sim::RandomStreams streams_;
  sim::Scheduler scheduler_;
  std::int64_t stock_ = 100;
};

sim::ModelDefinition leaky_model() {
  sim::ModelDefinition model;
  model.name = "leaky";
  model.declare_parameters = [](sim::ObjectSpec&) {};
  model.create = [](const sim::Config&, const sim::ReplicateContext& context) -> std::unique_ptr<sim::Model> {
    return std::make_unique<LeakyModel>(context);
  };
  return model;
}

}  // namespace

TEST_SUITE("runner") {
  TEST_CASE("a broken invariant stops the run naming step and phase, and writes nothing") {
    const sim::ModelDefinition model = leaky_model();
    const std::filesystem::path output = std::filesystem::temp_directory_path() / "innosim_test_leaky.h5";
    std::filesystem::remove(output);
    sim::RunRequest request;
    request.model = &model;
    request.config = sim::load_scenario_text("model: leaky\nsteps: 5\nreplicates: 2\n", "leaky.yaml",
                                             sim::build_schema({model}));
    request.output = output;
    request.threads = 2;
    request.check_invariants = true;
    CHECK_THROWS_WITH_AS(sim::run_scenario(request), "step 3, phase spend: stock is 99 units, expected 100",
                         std::logic_error);
    CHECK_FALSE(std::filesystem::exists(output));
    CHECK_FALSE(std::filesystem::exists(output.string() + ".partial"));
  }

#ifdef NDEBUG  // debug builds check after every phase whatever the request says
  TEST_CASE("without --check-invariants a release build checks only at the end of each step") {
    const sim::ModelDefinition model = leaky_model();
    sim::RunRequest request;
    request.model = &model;
    request.config = sim::load_scenario_text("model: leaky\nsteps: 5\nreplicates: 1\n", "leaky.yaml",
                                             sim::build_schema({model}));
    request.threads = 1;
    CHECK_NOTHROW(sim::run_scenario(request));
  }
#endif
}
