// sim/output/output_file.*: the layout of a run's HDF5 file, its atomic write, and its readers.
#include "sim/output/output_compare.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/output_inspect.hpp"

#include <doctest/doctest.h>

#include <hdf5.h>
#include <signal.h>
#include <sys/resource.h>
#include "tests/support/scratch_directory.hpp"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/output/hdf5/attribute.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/handle.hpp"

namespace {

namespace fs = std::filesystem;
using sim::hdf5::Handle;

using test_support::ScratchDirectory;

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

fs::path with_partial_suffix(fs::path path) {
  path += ".partial";
  return path;
}

sim::Manifest sample_manifest() {
  sim::Manifest manifest;
  manifest.scenario_yaml = "model: boltzmann\nregion: 南沙\nagents:\n  count: 10\n";
  manifest.scenario_sha256 = "0123abcd";
  manifest.seed = 42;
  manifest.replicates = 2;
  manifest.steps = 5;
  manifest.innosim_version = "0.1.0";
  manifest.git_commit = "deadbeef";
  manifest.build_type = "Debug";
  manifest.command_line = "innosim run scenarios/x.yaml -o out.h5";
  manifest.threads = 4;
  manifest.created_utc = "2026-11-23T11:12:40Z";
  manifest.hostname = "testhost";
  manifest.model = "boltzmann";
  return manifest;
}

const std::vector<sim::MetricInfo> kSampleMetrics = {
    {"total_wealth", "yuan", "Sum of all agents' wealth"},
    {"gini", "1", "Gini coefficient of wealth"},
};

// values[m][t] for metric m of replicate r: distinct, exactly representable numbers.
std::vector<std::vector<double>> sample_metric_values(std::int64_t replicate, std::int64_t steps) {
  std::vector<std::vector<double>> values(kSampleMetrics.size());
  for (std::size_t m = 0; m < values.size(); ++m) {
    for (std::int64_t t = 0; t <= steps; ++t) {
      values[m].push_back(static_cast<double>(replicate) * 1000.0 + static_cast<double>(m) * 100.0 +
                          static_cast<double>(t) + 0.25);
    }
  }
  return values;
}

sim::TableRows sample_rows(std::int64_t replicate, std::int64_t step, std::vector<std::uint64_t> ids) {
  sim::TableRows rows;
  rows.replicate = replicate;
  rows.step = step;
  std::vector<double> wealth;
  std::vector<std::int64_t> debt;
  std::vector<std::int32_t> age;
  std::vector<std::uint8_t> is_alive;
  for (const auto id : ids) {
    wealth.push_back(static_cast<double>(id) * 1.5);
    debt.push_back(-static_cast<std::int64_t>(id) * 1'000'000'000'000);
    age.push_back(static_cast<std::int32_t>(id + static_cast<std::uint64_t>(step)));
    is_alive.push_back(static_cast<std::uint8_t>(id % 2));
  }
  rows.ids = std::move(ids);
  rows.columns = {
      {"wealth", "yuan", "Cash held", wealth},
      {"debt", "fen", "Debt in 1/100 yuan", debt},
      {"age", "quarters", "Quarters since birth", age},
      {"is_alive", "", "1 while the agent lives", is_alive},
  };
  return rows;
}

// A complete output: sample manifest, 2 metrics for 2 replicates x 5 steps, two table appends.
void write_sample_output(sim::OutputFile& output) {
  output.write_manifest(sample_manifest());
  output.define_metrics(kSampleMetrics, 2, 5);
  output.write_metrics(0, sample_metric_values(0, 5));
  output.write_metrics(1, sample_metric_values(1, 5));
  output.append_rows("agents/firm", sample_rows(0, 0, {1, 2, 3}));
  output.append_rows("agents/firm", sample_rows(1, 5, {7, 8}));
}

std::int64_t int64_attribute(hid_t object, const char* name) {
  const Handle attribute = Handle::take(H5Aopen(object, name, H5P_DEFAULT), name);
  std::int64_t value = 0;
  REQUIRE(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value) >= 0);
  return value;
}

bool dataset_has_type(hid_t file, const char* path, hid_t expected) {
  const Handle dataset = Handle::take(H5Dopen2(file, path, H5P_DEFAULT), path);
  const Handle type = Handle::take(H5Dget_type(dataset.get()), path);
  return H5Tequal(type.get(), expected) > 0;
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const sim::OutputError& error) {
    return error.what();
  }
  return "(no OutputError)";
}

}  // namespace

TEST_CASE("output file round-trips manifest, metrics and table rows exactly") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  {
    sim::OutputFile output(path, false);
    write_sample_output(output);
    output.commit();
  }

  SUBCASE("manifest strings and integers") {
    CHECK(sim::read_string_attribute(path, "/manifest", "scenario_yaml") == sample_manifest().scenario_yaml);
    CHECK(sim::read_string_attribute(path, "/manifest", "git_commit") == "deadbeef");
    CHECK(sim::read_string_attribute(path, "/manifest", "created_utc") == "2026-11-23T11:12:40Z");
    CHECK(sim::read_string_attribute(path, "/manifest", "model") == "boltzmann");
    CHECK(sim::read_string_attribute(path, "/", "format") == "innosim-output");
    const sim::hdf5::QuietErrorStack quiet;
    const Handle file = Handle::take(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
    const Handle manifest = Handle::take(H5Gopen2(file.get(), "manifest", H5P_DEFAULT), "manifest");
    CHECK(int64_attribute(manifest.get(), "seed") == 42);
    CHECK(int64_attribute(manifest.get(), "replicates") == 2);
    CHECK(int64_attribute(manifest.get(), "steps") == 5);
    CHECK(int64_attribute(manifest.get(), "threads") == 4);
    const Handle root = Handle::take(H5Gopen2(file.get(), "/", H5P_DEFAULT), "root");
    CHECK(int64_attribute(root.get(), "format_version") == 1);
    const Handle attribute = Handle::take(H5Aopen(manifest.get(), "hostname", H5P_DEFAULT), "hostname");
    const Handle type = Handle::take(H5Aget_type(attribute.get()), "type");
    CHECK(H5Tis_variable_str(type.get()) > 0);
    CHECK(H5Tget_cset(type.get()) == H5T_CSET_UTF8);
  }

  SUBCASE("metrics: shape [replicates, steps+1], values, unit and description") {
    for (std::size_t m = 0; m < kSampleMetrics.size(); ++m) {
      const auto dataset = "/metrics/" + kSampleMetrics[m].name;
      const sim::DatasetValues read = sim::read_dataset_as_double(path, dataset);
      CHECK(read.shape == std::vector<std::size_t>{2, 6});
      std::vector<double> expected = sample_metric_values(0, 5)[m];
      const std::vector<double> second = sample_metric_values(1, 5)[m];
      expected.insert(expected.end(), second.begin(), second.end());
      CHECK(read.values == expected);
      CHECK(sim::read_string_attribute(path, dataset, "unit") == kSampleMetrics[m].unit);
      CHECK(sim::read_string_attribute(path, dataset, "description") == kSampleMetrics[m].description);
    }
  }

  SUBCASE("metrics are chunked, compressed and filled with NaN") {
    const sim::hdf5::QuietErrorStack quiet;
    const Handle file = Handle::take(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
    const Handle dataset = Handle::take(H5Dopen2(file.get(), "/metrics/gini", H5P_DEFAULT), "gini");
    const Handle creation = Handle::take(H5Dget_create_plist(dataset.get()), "plist");
    CHECK(H5Pget_layout(creation.get()) == H5D_CHUNKED);
    hsize_t chunk[2] = {0, 0};
    CHECK(H5Pget_chunk(creation.get(), 2, chunk) == 2);
    CHECK(chunk[0] == 1);
    CHECK(chunk[1] == 6);
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
      CHECK(H5Pget_nfilters(creation.get()) == 2);  // shuffle, then deflate
      CHECK(H5Pall_filters_avail(creation.get()) > 0);
    }
    double fill = 0.0;
    CHECK(H5Pget_fill_value(creation.get(), H5T_NATIVE_DOUBLE, &fill) >= 0);
    CHECK(std::isnan(fill));
    CHECK(dataset_has_type(file.get(), "/metrics/gini", H5T_IEEE_F64LE));
  }

  SUBCASE("table: both appends in order, with the column types and attributes") {
    const auto column = [&](const std::string& name) {
      return sim::read_dataset_as_double(path, "/agents/firm/" + name).values;
    };
    CHECK(sim::read_dataset_as_double(path, "/agents/firm/id").shape == std::vector<std::size_t>{5});
    CHECK(column("replicate") == std::vector<double>{0, 0, 0, 1, 1});
    CHECK(column("step") == std::vector<double>{0, 0, 0, 5, 5});
    CHECK(column("id") == std::vector<double>{1, 2, 3, 7, 8});
    CHECK(column("wealth") == std::vector<double>{1.5, 3.0, 4.5, 10.5, 12.0});
    CHECK(column("debt") == std::vector<double>{-1e12, -2e12, -3e12, -7e12, -8e12});
    CHECK(column("age") == std::vector<double>{1, 2, 3, 12, 13});
    CHECK(column("is_alive") == std::vector<double>{1, 0, 1, 1, 0});
    CHECK(sim::read_string_attribute(path, "/agents/firm/wealth", "unit") == "yuan");
    CHECK(sim::read_string_attribute(path, "/agents/firm/age", "description") == "Quarters since birth");

    const sim::hdf5::QuietErrorStack quiet;
    const Handle file = Handle::take(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
    CHECK(dataset_has_type(file.get(), "/agents/firm/replicate", H5T_STD_I64LE));
    CHECK(dataset_has_type(file.get(), "/agents/firm/step", H5T_STD_I64LE));
    CHECK(dataset_has_type(file.get(), "/agents/firm/id", H5T_STD_U64LE));
    CHECK(dataset_has_type(file.get(), "/agents/firm/wealth", H5T_IEEE_F64LE));
    CHECK(dataset_has_type(file.get(), "/agents/firm/debt", H5T_STD_I64LE));
    CHECK(dataset_has_type(file.get(), "/agents/firm/age", H5T_STD_I32LE));
    CHECK(dataset_has_type(file.get(), "/agents/firm/is_alive", H5T_STD_U8LE));

    // Exact int64 values beyond double's 53-bit mantissa need the C API.
    const Handle debt = Handle::take(H5Dopen2(file.get(), "/agents/firm/debt", H5P_DEFAULT), "debt");
    std::vector<std::int64_t> values(5);
    REQUIRE(H5Dread(debt.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
    CHECK(values == std::vector<std::int64_t>{-1'000'000'000'000, -2'000'000'000'000, -3'000'000'000'000,
                                              -7'000'000'000'000, -8'000'000'000'000});
    const Handle id = Handle::take(H5Dopen2(file.get(), "/agents/firm/id", H5P_DEFAULT), "id");
    const Handle creation = Handle::take(H5Dget_create_plist(id.get()), "plist");
    CHECK(H5Pget_layout(creation.get()) == H5D_CHUNKED);
    const Handle space = Handle::take(H5Dget_space(id.get()), "space");
    hsize_t max_dims = 0;
    REQUIRE(H5Sget_simple_extent_dims(space.get(), nullptr, &max_dims) == 1);
    CHECK(max_dims == H5S_UNLIMITED);
  }
}

// Population fields of these types are written to snapshots; others (bool, text) are not.
static_assert(sim::is_table_element_v<std::int16_t> && sim::is_table_element_v<std::int8_t> &&
              sim::is_table_element_v<double> && sim::is_table_element_v<std::uint8_t>);
static_assert(!sim::is_table_element_v<bool> && !sim::is_table_element_v<std::uint64_t>);

TEST_CASE("output file keeps narrow signed columns' signs and stores incompressible columns undeflated") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  {
    sim::OutputFile output(path, false);
    sim::TableRows rows{0, 3, {1, 2, 3}, {}};
    rows.columns = {{"to_stage", "stage", "-1: died", std::vector<std::int8_t>{-1, 3, 127}},
                    {"field", "index", "Field", std::vector<std::int16_t>{-300, 0, 32767}},
                    {"quality", "sd", "A normal draw", std::vector<double>{0.25, -1.5, 2.0}, false}};
    output.append_rows("events/transition", rows);
    output.commit();
  }
  const auto values = [&](const std::string& name) {
    return sim::read_dataset_as_double(path, "/events/transition/" + name).values;
  };
  CHECK(values("to_stage") == std::vector<double>{-1, 3, 127});
  CHECK(values("field") == std::vector<double>{-300, 0, 32767});
  CHECK(values("quality") == std::vector<double>{0.25, -1.5, 2.0});
  const sim::hdf5::QuietErrorStack quiet;
  const Handle file = Handle::take(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
  CHECK(dataset_has_type(file.get(), "/events/transition/to_stage", H5T_STD_I8LE));
  CHECK(dataset_has_type(file.get(), "/events/transition/field", H5T_STD_I16LE));
  const auto filters = [&](const char* name) {
    const Handle dataset = Handle::take(H5Dopen2(file.get(), name, H5P_DEFAULT), name);
    const Handle creation = Handle::take(H5Dget_create_plist(dataset.get()), "plist");
    return H5Pget_nfilters(creation.get());
  };
  CHECK(filters("/events/transition/quality") == 0);
  if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) CHECK(filters("/events/transition/field") == 2);
}

// Writes one event table whose `field` column carries `labels` (none when empty).
void write_labelled_events(const fs::path& path, std::vector<std::string> labels) {
  sim::OutputFile output(path, false);
  sim::TableRows rows{0, 1, {1, 2}, {}};
  rows.columns = {{"field", "index", "Field", std::vector<std::int16_t>{1, 0}}};
  rows.columns.front().labels = std::move(labels);
  output.append_rows("events/transition", rows);
  output.commit();
}

TEST_CASE("output file writes code labels as an attribute and leaves the values as they are") {
  const ScratchDirectory scratch;
  write_labelled_events(scratch.path / "labelled.h5", {"biomedicine", "marine"});
  write_labelled_events(scratch.path / "plain.h5", {});
  write_labelled_events(scratch.path / "renamed.h5", {"biomedicine", "ocean"});
  const sim::hdf5::QuietErrorStack quiet;
  const Handle file =
      Handle::take(H5Fopen((scratch.path / "labelled.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
  const Handle dataset = Handle::take(H5Dopen2(file.get(), "/events/transition/field", H5P_DEFAULT), "field");
  CHECK(sim::hdf5::read_string_list_attribute(dataset.get(), "labels") ==
        std::vector<std::string>{"biomedicine", "marine"});
  CHECK(sim::hdf5::read_attribute_as_text(dataset.get(), "labels") == "[biomedicine, marine]");
  // Labels missing from a file written before innosim wrote them are no difference; other labels are.
  CHECK(sim::compare_outputs(scratch.path / "labelled.h5", scratch.path / "plain.h5").identical());
  const auto renamed = sim::compare_outputs(scratch.path / "labelled.h5", scratch.path / "renamed.h5");
  REQUIRE(renamed.differing() == 1);
  for (const auto& compared : renamed.datasets) {
    if (compared.path == "/events/transition/field") CHECK(compared.detail == "attributes differ: labels");
  }
}

TEST_CASE("output file metrics of a replicate never written read back as NaN") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  {
    sim::OutputFile output(path, false);
    output.define_metrics(kSampleMetrics, 3, 5);
    output.write_metrics(1, sample_metric_values(1, 5));
    output.commit();
  }
  const sim::DatasetValues read = sim::read_dataset_as_double(path, "/metrics/total_wealth");
  REQUIRE(read.shape == std::vector<std::size_t>{3, 6});
  for (std::size_t t = 0; t < 6; ++t) {
    CHECK(std::isnan(read.values[t]));
    CHECK(read.values[6 + t] == sample_metric_values(1, 5)[0][t]);
    CHECK(std::isnan(read.values[12 + t]));
  }
}

TEST_CASE("output file table with zero rows has empty datasets that later appends extend") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  {
    sim::OutputFile output(path, false);
    output.append_rows("events/licence", sample_rows(0, 3, {}));
    output.commit();
  }
  CHECK(sim::read_dataset_as_double(path, "/events/licence/id").shape == std::vector<std::size_t>{0});
  CHECK(sim::read_dataset_as_double(path, "/events/licence/wealth").values.empty());
  CHECK(sim::read_string_attribute(path, "/events/licence/debt", "unit") == "fen");
}

TEST_CASE("output file refuses an append whose columns differ from the table's") {
  const ScratchDirectory scratch;
  sim::OutputFile output(scratch.path / "run.h5", false);
  output.append_rows("agents/firm", sample_rows(0, 0, {1, 2}));

  sim::TableRows missing_column = sample_rows(0, 1, {1, 2});
  missing_column.columns.pop_back();
  CHECK_THROWS_AS(output.append_rows("agents/firm", missing_column), std::logic_error);

  sim::TableRows changed_type = sample_rows(0, 1, {1, 2});
  changed_type.columns[2].values = std::vector<std::int64_t>{1, 2};  // age was int32
  CHECK_THROWS_WITH_AS(
      output.append_rows("agents/firm", changed_type),
      "table 'agents/firm' was created with columns age (int32), debt (int64), is_alive (uint8), "
      "wealth (float64); this append has age (int64), debt (int64), is_alive (uint8), "
      "wealth (float64)",
      std::logic_error);

  sim::TableRows reordered = sample_rows(0, 1, {1, 2});
  std::swap(reordered.columns[0], reordered.columns[3]);
  CHECK_NOTHROW(output.append_rows("agents/firm", reordered));
}

TEST_CASE("output file rejects malformed rows and metric calls before writing") {
  const ScratchDirectory scratch;
  sim::OutputFile output(scratch.path / "run.h5", false);
  sim::TableRows short_column = sample_rows(0, 0, {1, 2});
  std::get<std::vector<double>>(short_column.columns[0].values).pop_back();
  CHECK_THROWS_WITH_AS(output.append_rows("agents/firm", short_column),
                       "table 'agents/firm': column 'wealth' has 1 values for 2 ids", std::invalid_argument);
  CHECK_THROWS_AS(output.append_rows("firm", sample_rows(0, 0, {1})), std::invalid_argument);
  CHECK_THROWS_AS(output.write_metrics(0, {}), std::logic_error);
  output.define_metrics(kSampleMetrics, 2, 5);
  CHECK_THROWS_AS(output.write_metrics(2, sample_metric_values(2, 5)), std::invalid_argument);
  CHECK_THROWS_AS(output.write_metrics(0, sample_metric_values(0, 4)), std::invalid_argument);
  CHECK_THROWS_AS(output.define_metrics(kSampleMetrics, 2, 5), std::logic_error);
}

TEST_CASE("output file exists only as .partial until commit, then only at the final path") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  sim::OutputFile output(path, false);
  CHECK(output.partial_path() == with_partial_suffix(path));
  write_sample_output(output);
  CHECK(fs::exists(output.partial_path()));
  CHECK_FALSE(fs::exists(path));
  output.commit();
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(output.partial_path()));
}

TEST_CASE("output file destroyed without commit leaves neither partial nor final file") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  {
    sim::OutputFile output(path, false);
    write_sample_output(output);
  }
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(with_partial_suffix(path)));
  CHECK(fs::is_empty(scratch.path));
}

TEST_CASE("output file refuses an existing output without overwrite and leaves it unchanged") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  write_bytes(path, "precious results");
  CHECK(message_of([&] { sim::OutputFile output(path, false); }) ==
        "output '" + path.string() +
            "' already exists; use --force to replace it, or choose another path with -o");
  CHECK(file_bytes(path) == "precious results");
  CHECK_FALSE(fs::exists(with_partial_suffix(path)));
}

TEST_CASE("output file refuses a directory as the output path, even with overwrite") {
  const ScratchDirectory scratch;
  CHECK(message_of([&] { sim::OutputFile output(scratch.path, true); }) ==
        "output '" + scratch.path.string() + "' is a directory; choose a file path with -o");
}

TEST_CASE("output file with overwrite replaces the old output only when committed") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  write_bytes(path, "old results");
  {
    sim::OutputFile abandoned(path, true);
    write_sample_output(abandoned);
  }
  CHECK(file_bytes(path) == "old results");
  sim::OutputFile output(path, true);
  write_sample_output(output);
  CHECK(file_bytes(path) == "old results");
  output.commit();
  CHECK(sim::read_string_attribute(path, "/manifest", "git_commit") == "deadbeef");
}

TEST_CASE("output file replaces a stale .partial left by a killed run") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  write_bytes(with_partial_suffix(path), "half-written garbage");
  sim::OutputFile output(path, false);
  write_sample_output(output);
  output.commit();
  CHECK_FALSE(fs::exists(with_partial_suffix(path)));
  CHECK(sim::read_dataset_as_double(path, "/agents/firm/id").values == std::vector<double>{1, 2, 3, 7, 8});
}

TEST_CASE("output file creates missing parent directories") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "results" / "2026" / "run.h5";
  sim::OutputFile output(path, false);
  output.commit();
  CHECK(fs::exists(path));
}

TEST_CASE("output file under a path that cannot be a directory names the path and the reason") {
  const ScratchDirectory scratch;
  const fs::path blocker = scratch.path / "not-a-directory";
  write_bytes(blocker, "a plain file");
  const fs::path path = blocker / "run.h5";
  const std::string message = message_of([&] { sim::OutputFile output(path, false); });
  CHECK(message.starts_with("cannot create directory '" + blocker.string() + "' for output '" +
                            path.string() + "': "));
  CHECK(message.size() >
        ("cannot create directory '" + blocker.string() + "' for output '" + path.string() + "': ").size());
}

namespace {
// Lowers this process's file size limit (and ignores the signal that would kill it on reaching it)
// so that writes fail like on a full disk; both come back on scope exit.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &previous_limit_);
    previous_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit limit = previous_limit_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &previous_limit_);
    signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit previous_limit_{};
  sighandler_t previous_handler_ = SIG_DFL;
};
}  // namespace

TEST_CASE("output file write failure is an OutputError naming the output and leaves nothing behind") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  // Random bits do not compress, so 800 KB of them must reach the disk.
  std::mt19937_64 bits(7);
  std::vector<std::vector<double>> values(1);
  for (int t = 0; t <= 100'000; ++t) values[0].push_back(static_cast<double>(bits()));
  std::string message;
  {
    sim::OutputFile output(path, false);
    output.define_metrics({{"noise", "1", "incompressible"}}, 1, 100'000);
    const FileSizeLimit limit(64 * 1024);
    message = message_of([&] {
      output.write_metrics(0, values);
      output.commit();
    });
    // The limit is lifted before `output` discards the file: HDF5 1.10 cannot close a file whose
    // writes still fail (see sim/output/hdf5/library.hpp), and this process has more tests to run.
  }
  const ssize_t objects_left_open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  CHECK(message ==
        "cannot write output '" + path.string() + "': writing buffered data to the file: File too large");
  CHECK(objects_left_open == 0);
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(with_partial_suffix(path)));
}

TEST_CASE("output file written twice with the same content has the same bytes") {
  const ScratchDirectory scratch;
  for (const char* name : {"a.h5", "b.h5"}) {
    sim::OutputFile output(scratch.path / name, false);
    write_sample_output(output);
    output.commit();
  }
  CHECK(file_bytes(scratch.path / "a.h5") == file_bytes(scratch.path / "b.h5"));
}

TEST_CASE("describe_output shows the manifest, every metric with first and last means, and tables") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  {
    sim::OutputFile output(path, false);
    write_sample_output(output);
    output.commit();
  }
  const std::string text = sim::describe_output(path);
  CAPTURE(text);
  CHECK(text.find("format version 1") != std::string::npos);
  CHECK(text.find("seed             42") != std::string::npos);
  CHECK(text.find("    region: 南沙") != std::string::npos);
  // total_wealth: replicates hold 0.25 + t and 1000.25 + t, so the means are 500.25 and 505.25.
  CHECK(text.find(
            "  total_wealth [yuan]: shape 2 x 6; mean over replicates: step 0 = 500.25, step 5 = 505.25") !=
        std::string::npos);
  CHECK(text.find("  gini [1]: shape 2 x 6") != std::string::npos);
  CHECK(text.find("  agents/firm: 5 rows; columns replicate (int64), step (int64), id (uint64), age (int32, "
                  "quarters), debt (int64, fen), is_alive (uint8), wealth (float64, yuan)") !=
        std::string::npos);
}

TEST_CASE("describe_output shortens a long scenario and says how to see all of it") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  sim::Manifest manifest = sample_manifest();
  manifest.scenario_yaml.clear();
  for (int line = 1; line <= 45; ++line) manifest.scenario_yaml += "key_" + std::to_string(line) + ": 1\n";
  {
    sim::OutputFile output(path, false);
    output.write_manifest(manifest);
    output.commit();
  }
  const std::string text = sim::describe_output(path);
  CHECK(text.find("    key_40: 1\n") != std::string::npos);
  CHECK(text.find("key_41") == std::string::npos);
  CHECK(text.find("    ... 5 more lines (h5dump -a /manifest/scenario_yaml '" + path.string() +
                  "' shows them all)") != std::string::npos);
}

TEST_CASE("describe_output on a missing file says there is no such file") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "absent.h5";
  CHECK(message_of([&] { sim::describe_output(path); }) ==
        "cannot open '" + path.string() + "': no such file");
}

TEST_CASE("describe_output on a truncated or non-HDF5 file says it is not readable") {
  const ScratchDirectory scratch;
  const fs::path good = scratch.path / "good.h5";
  {
    sim::OutputFile output(good, false);
    write_sample_output(output);
    output.commit();
  }
  const fs::path truncated = scratch.path / "truncated.h5";
  const std::string bytes = file_bytes(good);
  write_bytes(truncated, bytes.substr(0, bytes.size() / 2));
  CHECK(message_of([&] { sim::describe_output(truncated); }) ==
        "'" + truncated.string() + "' is not a readable HDF5 file (truncated or not HDF5)");

  const fs::path text_file = scratch.path / "notes.txt";
  write_bytes(text_file, "this is not HDF5\n");
  CHECK(message_of([&] { sim::describe_output(text_file); }) ==
        "'" + text_file.string() + "' is not a readable HDF5 file (truncated or not HDF5)");
}

TEST_CASE("describe_output on an HDF5 file without the format attribute says it is not innosim output") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "foreign.h5";
  {
    const sim::hdf5::QuietErrorStack quiet;
    const Handle file =
        Handle::take(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create");
  }
  CHECK(message_of([&] { sim::describe_output(path); }) ==
        "'" + path.string() + "' is not an innosim output (no 'format' attribute at the root)");
}

TEST_CASE("output readers name the file and the dataset or attribute they cannot read") {
  const ScratchDirectory scratch;
  const fs::path path = scratch.path / "run.h5";
  {
    sim::OutputFile output(path, false);
    output.commit();
  }
  const std::string message = message_of([&] { sim::read_dataset_as_double(path, "/metrics/absent"); });
  CHECK(message.starts_with("cannot read dataset '/metrics/absent' from '" + path.string() + "': "));
  CHECK(message_of([&] {
          sim::read_string_attribute(path, "/manifest", "seed");
        }).starts_with("cannot read attribute 'seed' of '/manifest' from '" + path.string() + "': "));
}
