// innosim: the command-line front end. Subcommands: run, check, schema, inspect, sweep, design, reproduce,
// analysis.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "analysis_command.hpp"
#include "design_command.hpp"
#include "models/registry.hpp"
#include "sim/core/ledger.hpp"
#include "sim/output/atomic_text_file.hpp"
#include "sim/output/hdf5/library.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/output_inspect.hpp"
#include "sim/run/build_info.hpp"
#include "sim/run/memory_check.hpp"
#include "sim/run/progress.hpp"
#include "sim/run/reproduce.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/sweep/mpi_sweep.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "usage_errors.hpp"

namespace {

// Exit statuses, documented in --help.
constexpr int kExitInputError = 2;
constexpr int kExitOutputError = 3;
constexpr int kExitRunFailed = 4;
constexpr int kExitNotReproduced = 5;

struct SweepCommandOptions {
  std::string sweep_file;
  std::string output;
  std::string shard;  // "i/N"
  std::size_t threads = 0;
  bool force = false;
  bool quiet = false;
  bool plan_only = false;
  std::int64_t checkpoint_every = 0;
};

// "--shard 2/8" -> (2, 8); a bad value is an input error naming the option.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  std::size_t index = 0;
  std::size_t count = 0;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t used = 0;
    index = std::stoul(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    count = std::stoul(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    throw sim::InputError({"--shard", 0, 0},
                          "expected i/N with 0 <= i < N (e.g. --shard 0/4), got '" + text + "'");
  }
  if (count == 0 || index >= count) {
    throw sim::InputError({"--shard", 0, 0},
                          "expected i/N with 0 <= i < N (e.g. --shard 0/4), got '" + text + "'");
  }
  return {index, count};
}

int sweep_command(const SweepCommandOptions& options, const std::string& command_line) {
  const sim::SweepPlan plan = sim::plan_sweep(options.sweep_file, models::all_models());
  if (options.plan_only) {
    std::cout << sim::format_sweep_plan(plan);
    return 0;
  }
  if (options.output.empty()) {
    throw sim::InputError(
        {"-o", 0, 0}, "innosim sweep needs an output folder: -o DIR (or --plan to only print the design)");
  }
  sim::SweepOptions sweep;
  sweep.directory = options.output;
  sweep.threads = options.threads;
  sweep.force = options.force;
  sweep.show_progress = !options.quiet && sim::Progress::stderr_is_terminal();
  sweep.command_line = command_line;
  sweep.checkpoint_every = options.checkpoint_every;
  if (!options.shard.empty()) std::tie(sweep.shard_index, sweep.shard_count) = parse_shard(options.shard);
  if (!sim::built_with_mpi() && sim::launcher_world_size() > 1) {
    // Every rank would run the whole sweep into the same folder and trip over the others' files.
    throw sim::InputError(
        {"mpirun", 0, 0},
        "this innosim was built without MPI, so its ranks cannot share a sweep; rebuild with "
        "-DINNOSIM_MPI=ON, or run shards without mpirun (--shard i/N)");
  }
  if (sim::launched_by_mpirun()) {
    const sim::MpiSweepResult result = sim::run_sweep_mpi(plan, sweep, models::all_models());
    if (result.is_root && !options.quiet)
      std::cout << sim::format_sweep_summary(plan, sweep, result.summary) << "\n";
    return 0;
  }
  const sim::SweepSummary summary = sim::run_sweep(plan, sweep, models::all_models());
  if (!options.quiet) std::cout << sim::format_sweep_summary(plan, sweep, summary) << "\n";
  return 0;
}

int reproduce_command(const sim::ReproduceRequest& request) {
  const sim::ReproduceReport report = sim::reproduce_run(request, models::all_models());
  std::cout << sim::format_reproduce_report(request, report);
  return report.reproduced() ? 0 : kExitNotReproduced;
}

struct RunOptions {
  std::string scenario;
  std::string output;
  std::vector<std::string> overrides;
  std::int64_t seed = -1;
  std::int64_t replicates = 0;
  std::size_t threads = 0;
  bool force = false;
  bool quiet = false;
  bool no_output = false;
  bool profile = false;
  std::string profile_json;  // --profile-json FILE; empty: none
  bool check_invariants = false;
  std::int64_t checkpoint_every = 0;
  bool resume = false;
};

std::string join_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += argv[i];
  }
  return line;
}

// results/<scenario name>-<UTC date-time>.h5: a fresh name per run, so a default never
// collides with (or replaces) an earlier result.
std::filesystem::path default_output_path(const std::string& scenario) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &utc);
  return std::filesystem::path("results") /
         (std::filesystem::path(scenario).stem().string() + "-" + stamp + ".h5");
}

sim::Config load(const std::string& scenario, std::vector<std::string> overrides, const RunOptions* run) {
  if (run != nullptr) {
    if (run->seed >= 0) overrides.push_back("seed=" + std::to_string(run->seed));
    if (run->replicates > 0) overrides.push_back("replicates=" + std::to_string(run->replicates));
  }
  const auto schema = sim::build_schema(models::all_models());
  return sim::load_scenario(scenario, schema, overrides);
}

int run_command(const RunOptions& options, const std::string& command_line) {
  sim::RunRequest request;
  request.config = load(options.scenario, options.overrides, &options);
  request.model = sim::find_model(models::all_models(), request.config.text("model"));
  if (!options.no_output) {
    request.output = options.output.empty() ? default_output_path(options.scenario)
                                            : std::filesystem::path(options.output);
  }
  request.overwrite = options.force;
  request.threads = options.threads;
  request.check_invariants = options.check_invariants;
  request.show_progress = !options.quiet && sim::Progress::stderr_is_terminal();
  request.command_line = command_line;
  if (options.checkpoint_every > 0 && options.no_output) {
    throw sim::InputError({"--checkpoint-every", 0, 0},
                          "checkpoints belong to an output file: drop --no-output, or --checkpoint-every");
  }
  if (options.resume && options.checkpoint_every <= 0) {
    throw sim::InputError({"--resume", 0, 0},
                          "--resume continues a run started with --checkpoint-every K: give the same command "
                          "again, --checkpoint-every included, with --resume added");
  }
  request.checkpoint_every = options.checkpoint_every;
  request.resume = options.resume;
  const sim::RunResult result = sim::run_scenario(request);
  if (!options.quiet) std::cout << sim::format_run_summary(request, result) << "\n";
  if (options.profile)
    std::cout << "\nTime per phase (all replicates):\n" << sim::format_phase_profile(result);
  if (!options.profile_json.empty())
    sim::write_text_file_atomically(options.profile_json, sim::format_phase_profile_json(request, result));
  return 0;
}

int check_command(const std::string& scenario, const std::vector<std::string>& overrides, bool resolved) {
  const sim::Config config = load(scenario, overrides, nullptr);
  // A size that cannot fit in memory fails `check` as it would fail `run`.
  sim::replicates_that_fit(*sim::find_model(models::all_models(), config.text("model")), config, 1,
                           sim::available_memory());
  std::cout << fmt::format("{}: OK: model '{}', {} steps, {} replicate(s), seed {}\n", scenario,
                           config.text("model"), config.integer("steps"), config.integer("replicates"),
                           config.integer("seed"));
  if (resolved) std::cout << config.to_resolved_yaml();
  return 0;
}

int schema_command(bool json) {
  const auto schema = sim::build_schema(models::all_models());
  std::cout << (json ? schema.to_json_schema() : schema.to_markdown());
  return 0;
}

std::string model_list() {
  std::string text;
  for (const auto& model : models::all_models())
    text += fmt::format("\n  {:<12} {}", model.name, model.summary);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  sim::hdf5::skip_library_teardown_at_exit();  // must be the first HDF5 call; see library.hpp
  CLI::App app{fmt::format(
      "innosim {}: agent-based simulation of the innovation ecosystem.\n"
      "Scenarios are YAML files (see `innosim schema` for every parameter with unit, default and range).\n"
      "Same scenario + seed gives bit-identical results on any number of threads.\n"
      "Models:{}\n\n"
      "Examples:\n"
      "  innosim run scenarios/boltzmann.yaml -o results/b.h5\n"
      "  innosim run scenarios/boltzmann.yaml --set boltzmann.agents=100000 --replicates 4 --threads 2\n"
      "  innosim check scenarios/boltzmann.yaml\n"
      "  innosim inspect results/b.h5\n"
      "  innosim sweep scenarios/sweeps/boltzmann_sobol.yaml -o results/sweep   (see docs/experiments.md)\n"
      "  innosim design sobol --parameters 3 --points 1024   (the unit-cube rows a sweep runs)\n"
      "  innosim reproduce results/b.h5\n"
      "  innosim run scenarios/nansha.yaml -o results/n.h5 --checkpoint-every 10   (after a kill: the same "
      "command with --resume)\n"
      "  innosim analysis summary results/b.h5   (the Python analysis package, from any folder)\n\n"
      "Outputs (-o): missing folders are created; an existing file is never replaced without --force.\n"
      "Exit status: 0 success, 2 bad input (scenario, --set, a missing file, an unknown command or\n"
      "option), 3 output problem, 4 the run stopped on a failed check, 5 `reproduce` found differences.",
      sim::innosim_version(), model_list())};
  app.name("innosim");
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("innosim {} ({} build, commit {}{})", sim::innosim_version(),
                                                sim::build_type(), sim::git_commit(),
                                                sim::built_with_mpi() ? ", with MPI" : ""));

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and write its results to an HDF5 file");
  run_cmd->add_option("scenario", run.scenario, "Scenario YAML file")
      ->required()
      ->check(innosim_app::existing_file_with_suggestion());
  run_cmd->add_option(
      "-o,--output", run.output,
      "Output HDF5 file (default: results/<scenario>-<UTC time>.h5; missing folders are created); "
      "never replaced without --force");
  run_cmd->add_option("--seed", run.seed, "Master seed (overrides the scenario's `seed`)")
      ->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--replicates", run.replicates, "Number of replicates (overrides `replicates`)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--threads", run.threads,
                      "Worker threads (default: all cores); results do not depend on it");
  run_cmd->add_option("--set", run.overrides,
                      "Override a parameter: --set boltzmann.agents=1000 (repeatable). One element of a list "
                      "of named elements by its name in brackets (spaces and dots allowed, quote the "
                      "option): --set 'ecosystem.policies[risk pool].budget_yuan=1e8'");
  run_cmd->add_flag("--force", run.force, "Replace an existing output file");
  run_cmd->add_flag("-q,--quiet", run.quiet, "No progress bar and no summary");
  run_cmd->add_flag("--no-output", run.no_output, "Run without writing a file (timing, checks)");
  run_cmd->add_flag("--profile", run.profile, "Print the time spent in each phase of a step");
  run_cmd
      ->add_option("--profile-json", run.profile_json,
                   "Write the time per phase (seconds, share, ms per step), output and wall seconds, "
                   "agent-steps/s and agent counts as JSON to FILE (replaced atomically; for "
                   "bench/run_suite.sh)")
      ->type_name("FILE");
  run_cmd->add_flag("--check-invariants", run.check_invariants,
                    "Check the model's invariants after every phase, not only after every step");
  run_cmd
      ->add_option("--checkpoint-every", run.checkpoint_every,
                   "Save every replicate's whole state every K steps (and at its last) in "
                   "<output>.checkpoint/, replaced atomically; removed when the output is written")
      ->type_name("K")
      ->check(CLI::PositiveNumber);
  run_cmd->add_flag("--resume", run.resume,
                    "Continue a killed run from its latest checkpoints: repeat its command with --resume "
                    "added (a run with no checkpoints yet starts at step 0). The output equals an "
                    "uninterrupted run's, bit for bit; checkpoints of another scenario or build are refused");

  std::string check_scenario;
  std::vector<std::string> check_overrides;
  bool check_resolved = false;
  auto* check_cmd =
      app.add_subcommand("check", "Validate a scenario without running it; report every problem");
  check_cmd->add_option("scenario", check_scenario, "Scenario YAML file")
      ->required()
      ->check(innosim_app::existing_file_with_suggestion());
  check_cmd->add_option("--set", check_overrides, "Override a parameter, as for run");
  check_cmd->add_flag("--resolved", check_resolved,
                      "Also print the resolved scenario (base files merged, --set applied, defaults filled), "
                      "each list element preceded by '# from FILE:LINE' where it was first given");

  bool json = false;
  auto* schema_cmd =
      app.add_subcommand("schema", "Print the reference of every scenario parameter (Markdown)");
  schema_cmd->add_flag("--json", json, "Print a JSON Schema instead (for editors and validators)");

  std::string inspect_path;
  auto* inspect_cmd =
      app.add_subcommand("inspect", "Describe an innosim output file: manifest, metrics, tables");
  inspect_cmd->add_option("file", inspect_path, "Output HDF5 file")->required();

  SweepCommandOptions sweep;
  auto* sweep_cmd =
      app.add_subcommand("sweep",
                         "Run a parameter sweep (grid, lhs, sobol, morris, simplex, list): one run "
                         "file per design point and DIR/sweep.h5; "
                         "re-running the same command finishes only missing points");
  sweep_cmd->add_option("sweep_file", sweep.sweep_file, "Sweep YAML file")
      ->required()
      ->check(innosim_app::existing_file_with_suggestion());
  sweep_cmd->add_option("-o,--output", sweep.output,
                        "Output folder (created if missing, with its parents); required unless --plan");
  sweep_cmd->add_option("--threads", sweep.threads, "Worker threads per process (default: all cores)");
  sweep_cmd->add_option("--shard", sweep.shard,
                        "Run only points p with p % N == i (i/N, for batch job arrays); the last shard to "
                        "finish writes sweep.h5");
  sweep_cmd->add_flag(
      "--force", sweep.force,
      "Accept a folder holding another sweep: keep points that still match, re-run the others");
  sweep_cmd
      ->add_option(
          "--checkpoint-every", sweep.checkpoint_every,
          "Each point's run saves its state every K steps (as `run --checkpoint-every`); running the "
          "sweep again resumes a killed point from its latest checkpoint, bit for bit")
      ->type_name("K")
      ->check(CLI::PositiveNumber);
  sweep_cmd->add_flag("-q,--quiet", sweep.quiet, "No progress line and no summary");
  sweep_cmd->add_flag("--plan", sweep.plan_only,
                      "Validate the sweep and print its design points; run nothing");
  sweep_cmd->footer(
      sim::built_with_mpi()
          ? "Distributed: mpirun -n K innosim sweep SWEEP.yaml -o DIR (rank 0 hands out points)."
          : "This build has no MPI; configure with -DINNOSIM_MPI=ON for mpirun, or use --shard.");

  innosim_app::DesignCommandOptions design;
  auto* design_cmd = innosim_app::add_design_command(app, design);

  sim::ReproduceRequest reproduce;
  std::string reproduce_file;
  std::string reproduce_output;
  auto* reproduce_cmd = app.add_subcommand(
      "reproduce", "Run a result file again from its manifest and compare every dataset bit for bit");
  reproduce_cmd->add_option("file", reproduce_file, "Run file written by `innosim run` or `innosim sweep`")
      ->required();
  reproduce_cmd->add_option("-o,--output", reproduce_output,
                            "Keep the re-run here (default: a temporary file; missing folders are created)");
  bool reproduce_quiet = false;
  bool reproduce_all = false;
  reproduce_cmd->add_flag("-q,--quiet", reproduce_quiet,
                          "Print only the verdict (the exit status says it too)");
  reproduce_cmd->add_flag("--all", reproduce_all, "List every dataset compared, identical ones too");
  reproduce_cmd->add_option("--threads", reproduce.threads, "Worker threads (results do not depend on it)");

  auto* analysis_cmd = innosim_app::add_analysis_command(app);

  // Usage errors are bad input like any other (exit 2, not CLI11's own codes 105, 106, ...).
  if (const auto unknown = innosim_app::unknown_subcommand(app, argc, argv)) {
    std::cerr << "innosim: " << *unknown << "\n";
    return kExitInputError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& done) {
    return app.exit(done);  // --help, --version
  } catch (const CLI::ParseError& error) {
    app.exit(error);  // the message and "Run with --help for more information."
    return kExitInputError;
  }

  try {
    if (*run_cmd) return run_command(run, join_command_line(argc, argv));
    if (*check_cmd) return check_command(check_scenario, check_overrides, check_resolved);
    if (*schema_cmd) return schema_command(json);
    if (*sweep_cmd) return sweep_command(sweep, join_command_line(argc, argv));
    if (*design_cmd) return innosim_app::design_command(design);
    if (*reproduce_cmd) {
      reproduce.original = reproduce_file;
      reproduce.rerun_output = reproduce_output;
      reproduce.show_progress = sim::Progress::stderr_is_terminal();
      reproduce.command_line = join_command_line(argc, argv);
      reproduce.detail = reproduce_quiet ? sim::ReproduceRequest::Detail::quiet
                         : reproduce_all ? sim::ReproduceRequest::Detail::all
                                         : sim::ReproduceRequest::Detail::concise;
      return reproduce_command(reproduce);
    }
    if (*analysis_cmd) return innosim_app::analysis_command(analysis_cmd->remaining());
    if (*inspect_cmd) {
      std::cout << sim::describe_output(inspect_path);
      return 0;
    }
  } catch (const sim::InputError& error) {
    std::cerr << error.what() << "\n";
    return kExitInputError;
  } catch (const sim::OutputError& error) {
    // Under MPI, an empty message is another rank's echo of the error rank 0 reports.
    if (*error.what() != '\0') std::cerr << "innosim: " << error.what() << "\n";
    return kExitOutputError;
  } catch (const sim::LedgerError& error) {
    std::cerr << "innosim: run stopped: " << error.what() << "\n";
    return kExitRunFailed;
  } catch (const std::exception& error) {
    std::cerr << "innosim: run stopped: " << error.what() << "\n";
    return kExitRunFailed;
  }
  return 0;
}
