// libFuzzer target for the scenario loader: any bytes given to sim::load_scenario_text with the
// real schema (every model's section) must either load or raise sim::InputError whose problems
// all say where they are. Anything else is a finding: a crash, a sanitizer report, another
// exception type escaping (libFuzzer reports it as a deadly signal via std::terminate), or a
// loaded scenario whose resolved YAML (what the output manifest stores) does not load back to
// itself.
//
//   build-fuzz/fuzz_scenario -max_total_time=60 -dict=fuzz/scenario.dict CORPUS scenarios tests/bad_inputs
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "models/registry.hpp"
#include "sim/model.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario.hpp"

namespace {

[[noreturn]] void finding(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_scenario: %s\n%s\n", what.c_str(), detail.c_str());
  std::abort();
}

// The name scenarios are given in messages; `base:` paths resolve against the working directory.
constexpr const char* kOrigin = "fuzz.yaml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sim::Schema schema = sim::build_schema(models::all_models());
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string resolved;
  try {
    resolved = sim::load_scenario_text(text, kOrigin, schema).to_yaml();
  } catch (const sim::InputError& error) {
    if (error.problems().empty()) finding("InputError without problems", text);
    for (const sim::InputProblem& problem : error.problems()) {
      if (problem.message.empty()) finding("problem without a message", problem.to_string());
      // Every problem in the fuzzed text itself points at a line and column.
      if (problem.where.origin == kOrigin && (problem.where.line < 1 || problem.where.column < 1))
        finding("problem in the text without line:column", problem.to_string());
    }
    return 0;
  }
  // The manifest stores `resolved` and promises it runs the same scenario again.
  std::string reloaded;
  try {
    reloaded = sim::load_scenario_text(resolved, "resolved.yaml", schema).to_yaml();
  } catch (const sim::InputError& error) {
    finding("resolved scenario does not load back", resolved + "\n--- problems:\n" + error.what());
  }
  if (reloaded != resolved)
    finding("resolved scenario changes when loaded again", resolved + "\n---\n" + reloaded);
  return 0;
}
