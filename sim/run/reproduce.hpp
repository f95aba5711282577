#pragma once
// `innosim reproduce RUN.h5`: runs a result again from its manifest alone (the resolved scenario
// text, which holds seed, replicates and steps, and the model) and compares every dataset of the
// new file with the old one, bit for bit. It answers "does this file still come out of this
// scenario?" for a published run, and catches files edited after the fact.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/output/output_compare.hpp"

namespace sim {

struct ReproduceRequest {
  std::filesystem::path original;
  std::filesystem::path rerun_output;  // empty: a temporary file, removed afterwards
  std::size_t threads = 0;
  bool show_progress = false;
  std::string command_line;
  // quiet: the verdict line only; concise: heading, notes, the differing datasets (a screenful at
  // most) and the verdict; all: every dataset, identical ones too.
  enum class Detail { quiet, concise, all } detail = Detail::concise;
};

struct ReproduceReport {
  std::vector<std::string> problems;  // manifest inconsistencies (each makes the run not reproduced)
  std::vector<std::string> notes;     // e.g. another innosim version or commit wrote the file
  // What differs between the code that wrote the file and this binary, one line each
  // ("model version: ecosystem 1.0 in the file, ecosystem 2.0 here"), and how to build the file's
  // commit and reproduce there; both empty when the same code wrote it.
  std::vector<std::string> version_differences;
  std::string rebuild_instructions;
  // Another model or scenario-schema version wrote the file: the re-run was not attempted, as
  // this binary computes something else by design.
  bool skipped_other_version = false;
  OutputComparison comparison;
  std::string heading;  // "results/b.h5: model boltzmann, seed 42, 2 replicates x 100 steps"
  [[nodiscard]] bool reproduced() const {
    return problems.empty() && !skipped_other_version && comparison.identical();
  }
};

// Throws OutputError when the file cannot be read or has no usable manifest, InputError when its
// scenario no longer validates against this binary's schema.
ReproduceReport reproduce_run(const ReproduceRequest& request, const std::vector<ModelDefinition>& models);

// How to build `commit` in a worktree of its own and reproduce `file` there (the steps of
// scripts/reproduce-at-commit.sh), or why the exact code cannot be checked out.
std::string rebuild_instructions(const std::filesystem::path& file, const std::string& commit);

std::string format_reproduce_report(const ReproduceRequest& request, const ReproduceReport& report);

}  // namespace sim
