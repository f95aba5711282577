// libFuzzer target for the sweep loader: any bytes, written as a sweep file next to a small base
// scenario (`scenario: boltzmann.yaml` finds it), given to sim::plan_sweep with every model must
// either give a plan or raise sim::InputError whose problems all say where they are. Anything
// else is a finding (crash, sanitizer report, another exception type escaping).
//
//   build-fuzz/fuzz_sweep -max_total_time=60 -dict=fuzz/sweep.dict CORPUS scenarios/sweeps
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "models/registry.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace {

[[noreturn]] void finding(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_sweep: %s\n%s\n", what.c_str(), detail.c_str());
  std::abort();
}

void write_file(const std::filesystem::path& path, const char* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data, static_cast<std::streamsize>(size));
  if (!out) finding("cannot write " + path.string(), "");
}

// A folder of our own (removed at exit) holding the base scenario and the fuzzed sweep file.
const std::filesystem::path& work_folder() {
  static const std::filesystem::path folder = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "fuzz_sweep.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) finding("mkdtemp failed", pattern);
    const std::filesystem::path path(pattern);
    static const char kBase[] =
        "model: boltzmann\nseed: 1\nreplicates: 1\nsteps: 5\n"
        "boltzmann:\n  agents: 100\n  width: 10\n  height: 10\n";
    write_file(path / "boltzmann.yaml", kBase, sizeof(kBase) - 1);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(work_folder(), ignored);
    });
    return path;
  }();
  return folder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path file = work_folder() / "sweep.yaml";
  write_file(file, reinterpret_cast<const char*>(data), size);
  try {
    const sim::SweepPlan plan = sim::plan_sweep(file, models::all_models());
    if (plan.point_scenarios.size() != plan.point_count()) finding("a point without its scenario", "");
  } catch (const sim::InputError& error) {
    if (error.problems().empty()) finding("InputError without problems", "");
    for (const sim::InputProblem& problem : error.problems()) {
      if (problem.message.empty()) finding("problem without a message", problem.to_string());
      if (problem.where.origin == file.string() && (problem.where.line < 1 || problem.where.column < 1))
        finding("problem in the sweep file without line:column", problem.to_string());
    }
  }
  return 0;
}
