// sim/run/checkpoint: a replicate's checkpoint restores the model and the progress it saved, and a
// checkpoint written by another model version, build or scenario is refused with a message that
// names the file, what differs and the way out. (The whole kill-and-resume cycle of `innosim run`
// is tests/e2e/checkpoint_resume.sh.)
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "sim/core/binary_io.hpp"
#include "sim/model.hpp"
#include "sim/output/output_file.hpp"
#include "sim/run/checkpoint.hpp"
#include "sim/scenario/input_error.hpp"
#include "tests/support/scratch_directory.hpp"

namespace {

// One number of state; nothing runs.
class CounterModel final : public sim::Model {
 public:
  void step(std::int64_t /*step*/) override { ++count; }
  [[nodiscard]] std::vector<sim::MetricInfo> metrics() const override { return {}; }
  void measure(std::span<double> /*values*/) const override {}
  [[nodiscard]] std::vector<const sim::Population*> populations() const override { return {}; }
  void check_invariants(std::int64_t /*step*/, const std::string& /*phase*/) const override {}
  [[nodiscard]] const sim::Scheduler& scheduler() const override { return scheduler_; }
  [[nodiscard]] std::size_t agent_count() const override { return 1; }
  void save_state(std::ostream& out) const override { sim::binary::write(out, count); }
  void restore_state(std::istream& in) override { count = sim::binary::read<std::int64_t>(in, "count"); }
  std::int64_t count = 0;

 private:
  sim::RandomStreams streams_{1, 0};
  sim::Scheduler scheduler_{streams_};
};

const sim::CheckpointIdentity kWriter{"1.0.0", "abc123", "counter 1.0", "5ca1ab1e"};

// A folder with replicate 0's checkpoint at step 7 (count 41), written under `kWriter`.
// A scratch folder of its own: ctest runs these cases in parallel.
struct SavedRun {
  test_support::ScratchDirectory scratch{"innosim-test-checkpoint"};
  std::filesystem::path folder = scratch.path;
  std::filesystem::path output = folder / "run.h5";
  SavedRun() {
    const sim::CheckpointStore store(output, kWriter, false, false);
    CounterModel model;
    model.count = 41;
    sim::ReplicateProgress progress;
    progress.step = 7;
    progress.series = {{1.0, 2.0, 3.0}};
    progress.spool_bytes = 12;
    store.save(0, progress, model);
  }
  SavedRun(const SavedRun&) = delete;
  SavedRun& operator=(const SavedRun&) = delete;

  // The message of resuming replicate 0 under `reader`, or "" when it resumed.
  [[nodiscard]] std::string refusal(const sim::CheckpointIdentity& reader) const {
    const sim::CheckpointStore store(output, reader, true, false);
    CounterModel model;
    try {
      static_cast<void>(store.resume(0, model));
    } catch (const sim::InputError& error) {
      return error.what();
    }
    return "";
  }
};

}  // namespace

TEST_CASE("a checkpoint restores the model and the progress it saved") {
  const SavedRun run;
  const sim::CheckpointStore store(run.output, kWriter, true, false);
  CounterModel model;
  const auto progress = store.resume(0, model);
  REQUIRE(progress.has_value());
  CHECK(model.count == 41);
  CHECK(progress->step == 7);
  CHECK(progress->series == std::vector<std::vector<double>>{{1.0, 2.0, 3.0}});
  CHECK(progress->spool_bytes == 12);
  CHECK_FALSE(store.resume(1, model).has_value());  // a replicate without a checkpoint starts at step 0
}

TEST_CASE("a checkpoint of another scenario is refused naming the file and both hashes") {
  const SavedRun run;
  sim::CheckpointIdentity reader = kWriter;
  reader.scenario_sha256 = "0ddba11";
  const std::string message = run.refusal(reader);
  CHECK(message.find((run.folder / "run.h5.checkpoint" / "replicate-0.checkpoint").string() +
                     ": this checkpoint belongs to another scenario (resolved scenario sha256 5ca1ab1e, this "
                     "run's is 0ddba11)") == 0);
}

TEST_CASE("a checkpoint of another model version or build is refused with the way out") {
  const SavedRun run;
  sim::CheckpointIdentity other_model = kWriter;
  other_model.model_version = "counter 2.0";
  CHECK(run.refusal(other_model)
            .find("this checkpoint was written by model 'counter 1.0', but this innosim "
                  "runs 'counter 2.0'; finish the run with the innosim that started it "
                  "(commit abc123), or start the run over with --force") != std::string::npos);
  sim::CheckpointIdentity other_build = kWriter;
  other_build.git_commit = "def456";
  CHECK(run.refusal(other_build)
            .find("this checkpoint was written by innosim 1.0.0 (commit abc123), this is "
                  "innosim 1.0.0 (commit def456)") != std::string::npos);
  CHECK(run.refusal(kWriter).empty());
}

TEST_CASE("a run without resume refuses to replace a killed run's checkpoints unless forced") {
  const SavedRun run;
  CHECK_THROWS_AS(sim::CheckpointStore(run.output, kWriter, false, false), sim::OutputError);
  const sim::CheckpointStore fresh(run.output, kWriter, false, true);
  CounterModel model;
  CHECK_FALSE(fresh.resume(0, model).has_value());
}
