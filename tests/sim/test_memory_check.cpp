// sim/memory_check: sizes that cannot fit are refused at the size parameter's file:line:column,
// with the memory they would need; parallel replicates are capped to what fits.
#include <doctest/doctest.h>

#include "sim/model.hpp"
#include "sim/run/memory_check.hpp"
#include "sim/scenario/input_error.hpp"

namespace {

// A model whose replicates need 1 KiB per agent.
sim::ModelDefinition kibibyte_per_agent_model() {
  sim::ModelDefinition model;
  model.name = "toy";
  model.declare_parameters = [](sim::ObjectSpec& section) {
    section.integer("agents", "agents", "Number of agents").default_value(10).at_least(1);
  };
  model.estimate_memory_bytes = [](const sim::Config& config) {
    return static_cast<std::uint64_t>(config.integer("toy.agents")) * 1024;
  };
  model.size_parameter = "toy.agents";
  return model;
}

sim::Config load(const sim::ModelDefinition& model, const std::string& text) {
  return sim::load_scenario_text(text, "toy.yaml", sim::build_schema({model}));
}

const sim::AvailableMemory kOneMebibyte{1024 * 1024, "this machine has {} available"};

}  // namespace

TEST_SUITE("memory_check") {
  TEST_CASE("a size that cannot fit is refused at its key with the memory it needs") {
    const auto model = kibibyte_per_agent_model();
    const sim::Config config = load(model, "model: toy\ntoy:\n  agents: 4096\n");
    try {
      (void)sim::replicates_that_fit(model, config, 1, kOneMebibyte);
      FAIL("expected an InputError");
    } catch (const sim::InputError& error) {
      REQUIRE(error.problems().size() == 1);
      CHECK(error.problems().front().to_string() ==
            "toy.yaml:3:11: toy.agents = 4096 would need about 4 MiB of memory; this machine has 1 MiB "
            "available");
    }
  }

  TEST_CASE("a size from --set is reported at the option") {
    const auto model = kibibyte_per_agent_model();
    const sim::Config config =
        sim::load_scenario_text("model: toy\n", "toy.yaml", sim::build_schema({model}), {"toy.agents=2048"});
    CHECK_THROWS_WITH_AS((void)sim::replicates_that_fit(model, config, 1, kOneMebibyte),
                         "--set toy.agents=2048: toy.agents = 2048 would need about 2 MiB of memory; this "
                         "machine has 1 MiB available",
                         sim::InputError);
  }

  TEST_CASE("no more replicates run at once than fit, and at least one") {
    const auto model = kibibyte_per_agent_model();
    CHECK(sim::replicates_that_fit(model, load(model, "model: toy\ntoy: {agents: 300}\n"), 8, kOneMebibyte) ==
          3);
    CHECK(sim::replicates_that_fit(model, load(model, "model: toy\ntoy: {agents: 1}\n"), 8, kOneMebibyte) ==
          8);
    CHECK(sim::replicates_that_fit(model, load(model, "model: toy\ntoy: {agents: 1000}\n"), 0,
                                   kOneMebibyte) == 1);
  }

  TEST_CASE("a model without an estimate always fits") {
    auto model = kibibyte_per_agent_model();
    model.estimate_memory_bytes = nullptr;
    CHECK(sim::replicates_that_fit(model, load(model, "model: toy\ntoy: {agents: 100000}\n"), 4,
                                   sim::AvailableMemory{1, "this machine has {} available"}) == 4);
  }

  TEST_CASE("available memory is positive and amounts read as people write them") {
    CHECK(sim::available_memory().bytes > 0);
    CHECK(sim::format_bytes(96ull << 30) == "96 GiB");
    CHECK(sim::format_bytes(1536ull << 20) == "1.5 GiB");
    CHECK(sim::format_bytes(512ull << 20) == "512 MiB");
  }
}
