#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "sim/core/parallel.hpp"
#include "sim/core/population.hpp"

TEST_CASE("spawned agents get consecutive stable ids and default fields") {
  sim::Population firms("firm");
  auto& cash = firms.add_field<double>("cash", {"yuan", "Cash at hand"});
  const std::size_t first = firms.spawn(3);
  CHECK(first == 0);
  CHECK(firms.size() == 3);
  CHECK(firms.ids() == std::vector<sim::AgentId>{0, 1, 2});
  CHECK(cash == std::vector<double>{0.0, 0.0, 0.0});
  CHECK_NOTHROW(firms.check_invariants());
}

TEST_CASE("removing agents keeps the others in id order and never reuses ids") {
  sim::Population firms("firm");
  auto& cash = firms.add_field<double>("cash", {"yuan", "Cash at hand"});
  firms.spawn(5);
  for (std::size_t i = 0; i < 5; ++i) cash[i] = 10.0 * static_cast<double>(i);
  firms.mark_for_removal(1);
  firms.mark_for_removal(3);
  CHECK(firms.remove_marked() == 2);
  CHECK(firms.ids() == std::vector<sim::AgentId>{0, 2, 4});
  CHECK(cash == std::vector<double>{0.0, 20.0, 40.0});
  CHECK(firms.index_of(4) == 2u);
  CHECK_FALSE(firms.index_of(3).has_value());  // a removed agent's id is stale, not reassigned
  CHECK_FALSE(firms.index_of(99).has_value());
  const std::size_t row = firms.spawn();
  CHECK(firms.id(row) == 5);  // ids grow past removed ones
  CHECK_NOTHROW(firms.check_invariants());
}

TEST_CASE("removal across many chunks keeps exactly the unmarked rows, fields and index in step") {
  // Kept rows move in runs, which cross chunk boundaries; the first row and a whole chunk go.
  // Compared with a plain filter of the same rows.
  sim::Population results("result");
  auto& value = results.add_field<std::int64_t>("value", {"1", "Its own id, to follow the row"});
  auto& flag = results.add_field<std::uint8_t>("flag", {"flag", "Low bits of the id"});
  const std::size_t n = 5 * sim::kChunkSize + 123;
  results.spawn(n);
  for (std::size_t i = 0; i < n; ++i) {
    value[i] = static_cast<std::int64_t>(results.id(i));
    flag[i] = static_cast<std::uint8_t>(results.id(i) & 0xFF);
  }
  const auto removed_id = [&](sim::AgentId id) {
    const bool whole_chunk = id >= 2 * sim::kChunkSize && id < 3 * sim::kChunkSize;
    return whole_chunk || id == 0 || id % 7 == 3 || id == sim::kChunkSize - 1 || id == sim::kChunkSize + 5;
  };
  std::vector<sim::AgentId> expected;
  for (std::size_t i = 0; i < n; ++i) {
    if (removed_id(results.id(i)))
      results.mark_for_removal(i);
    else
      expected.push_back(results.id(i));
  }
  CHECK(results.remove_marked() == n - expected.size());
  REQUIRE(results.ids() == expected);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(value[i] == static_cast<std::int64_t>(expected[i]));
    CHECK(flag[i] == static_cast<std::uint8_t>(expected[i] & 0xFF));
    CHECK(results.index_of(expected[i]) == i);
  }
  CHECK_FALSE(results.index_of(3).has_value());
  CHECK_NOTHROW(results.check_invariants());
}

TEST_CASE("repeated removals of scattered rows keep every field of every width equal to a plain filter") {
  // Short runs of kept rows are copied in whole blocks that may overshoot the run (Column::
  // copy_in_blocks); fields of 1, 2, 8 and 24 bytes, removals near the start and at the very end.
  struct Triple {
    std::int64_t a, b, c;
  };
  sim::Population results("result");
  auto& byte = results.add_field<std::uint8_t>("byte", {"1", "Low bits of the id"});
  auto& half = results.add_field<std::int16_t>("half", {"1", "Low bits of the id"});
  auto& full = results.add_field<double>("full", {"1", "The id"});
  auto& triple = results.add_field<Triple>("triple", {"1", "The id three times", false});
  const auto fill = [&](std::size_t first) {
    for (std::size_t i = first; i < results.size(); ++i) {
      const sim::AgentId id = results.id(i);
      byte[i] = static_cast<std::uint8_t>(id & 0xFF);
      half[i] = static_cast<std::int16_t>(id & 0x7FFF);
      full[i] = static_cast<double>(id);
      triple[i] = {static_cast<std::int64_t>(id), -static_cast<std::int64_t>(id),
                   3 * static_cast<std::int64_t>(id)};
    }
  };
  results.spawn(3 * sim::kChunkSize + 77);
  fill(0);
  sim::PhiloxStream rng(1, 2, 3, 4, 5);
  for (int round = 0; round < 4; ++round) {
    std::vector<sim::AgentId> expected;
    for (std::size_t i = 0; i < results.size(); ++i) {
      const bool last_rows = i + 3 >= results.size();
      if (last_rows || rng.bernoulli(0.04 + 0.1 * round))
        results.mark_for_removal(i);
      else
        expected.push_back(results.id(i));
    }
    results.remove_marked();
    REQUIRE(results.ids() == expected);
    bool all_equal = true;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const auto id = static_cast<std::int64_t>(expected[i]);
      all_equal = all_equal && byte[i] == static_cast<std::uint8_t>(id & 0xFF) &&
                  half[i] == static_cast<std::int16_t>(id & 0x7FFF) && full[i] == static_cast<double>(id) &&
                  triple[i].a == id && triple[i].b == -id && triple[i].c == 3 * id;
    }
    CHECK(all_equal);
    CHECK_NOTHROW(results.check_invariants());
    const std::size_t before = results.size();
    results.spawn(1000);
    fill(before);
  }
}

TEST_CASE("ids of agents that died before the oldest live one stay unknown when the index drops them") {
  // Short-lived agents (research results) are born and die by the million: the id index keeps
  // only ids from the oldest live agent on. Old ids must still read as gone, new ones as alive.
  sim::Population results("result");
  auto& age = results.add_field<std::int32_t>("age", {"quarters", "Age"});
  for (int generation = 0; generation < 4; ++generation) {
    const std::size_t first = results.spawn(100);
    for (std::size_t k = 0; k < 100; ++k) age[first + k] = generation;
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (age[i] < generation) results.mark_for_removal(i);
    }
    results.remove_marked();
  }
  CHECK(results.size() == 100);
  for (sim::AgentId id = 0; id < 300; ++id) CHECK_FALSE(results.index_of(id).has_value());
  for (sim::AgentId id = 300; id < 400; ++id) CHECK(results.index_of(id) == id - 300);
  CHECK_FALSE(results.index_of(400).has_value());
  const std::size_t row = results.spawn();
  CHECK(results.id(row) == 400);
  CHECK(results.index_of(400) == 100u);
  CHECK(std::count(age.begin(), age.begin() + 100, 3) == 100);
  CHECK_NOTHROW(results.check_invariants());
}

TEST_CASE("snapshots carry every snapshot field with its unit, and skip the others") {
  sim::Population firms("firm");
  auto& cash = firms.add_field<double>("cash", {"yuan", "Cash at hand", true});
  auto& tier = firms.add_field<std::uint8_t>("tier", {"1", "Tier on the ladder", true});
  firms.add_field<std::int64_t>("scratch", {"1", "Internal", false});
  firms.spawn(2);
  cash[1] = 3.5;
  tier[0] = 2;
  const sim::TableRows rows = firms.snapshot(1, 40);
  CHECK(rows.replicate == 1);
  CHECK(rows.step == 40);
  CHECK(rows.ids == std::vector<std::uint64_t>{0, 1});
  REQUIRE(rows.columns.size() == 2);
  CHECK(rows.columns[0].name == "cash");
  CHECK(rows.columns[0].unit == "yuan");
  CHECK(std::get<std::vector<double>>(rows.columns[0].values) == std::vector<double>{0.0, 3.5});
  CHECK(std::get<std::vector<std::uint8_t>>(rows.columns[1].values) == std::vector<std::uint8_t>{2, 0});
}

TEST_CASE("declaring a field twice or asking for a missing one is a programming error") {
  sim::Population firms("firm");
  firms.add_field<double>("cash", {"yuan", "Cash"});
  CHECK_THROWS_AS(firms.add_field<double>("cash", {"yuan", "Cash"}), std::logic_error);
  CHECK_THROWS_AS(firms.field<double>("revenue"), std::logic_error);
  CHECK_THROWS_AS(firms.field<int>("cash"), std::logic_error);
}

namespace {
// The population of the checkpoint tests: two typed fields, births and deaths behind it.
sim::Population lived_population() {
  sim::Population firms("firm");
  firms.add_field<double>("cash", {"yuan", "Cash at hand"});
  firms.add_field<std::int16_t>("region", {"index", "Region"});
  firms.spawn(6);
  auto& cash = firms.field<double>("cash");
  auto& region = firms.field<std::int16_t>("region");
  for (std::size_t i = 0; i < firms.size(); ++i) {
    cash[i] = 1.5 * static_cast<double>(i);
    region[i] = static_cast<std::int16_t>(i % 3);
  }
  for (const std::size_t i : {0, 1, 2, 4}) firms.mark_for_removal(i);
  firms.remove_marked();
  return firms;
}
}  // namespace

TEST_CASE("a restored population has the saved ids and fields and continues the same id sequence") {
  const sim::Population saved = lived_population();
  std::stringstream buffer;
  saved.save_state(buffer);

  sim::Population restored("firm");
  restored.add_field<double>("cash", {"yuan", "Cash at hand"});
  restored.add_field<std::int16_t>("region", {"index", "Region"});
  restored.restore_state(buffer);
  CHECK(restored.ids() == saved.ids());
  CHECK(restored.field<double>("cash") == saved.field<double>("cash"));
  CHECK(restored.field<std::int16_t>("region") == saved.field<std::int16_t>("region"));
  CHECK(restored.index_of(5) == saved.index_of(5));
  CHECK_FALSE(restored.index_of(1).has_value());  // a dead agent stays dead
  CHECK_NOTHROW(restored.check_invariants());
  // Births after the restore get the ids the saved population would have given.
  CHECK(restored.id(restored.spawn(1)) == saved.next_id());
}

TEST_CASE("restoring a population refuses a checkpoint whose fields differ") {
  const sim::Population saved = lived_population();
  std::stringstream buffer;
  saved.save_state(buffer);
  sim::Population other("firm");
  other.add_field<double>("cash", {"yuan", "Cash at hand"});
  other.add_field<std::int32_t>("region", {"index", "Region"});  // another type in the same place
  CHECK_THROWS_WITH_AS(
      other.restore_state(buffer),
      "population 'firm' field 'region': the checkpoint has another field or type in its place",
      sim::binary::ReadError);
}

TEST_CASE("restoring a population from a truncated checkpoint fails instead of reading garbage") {
  const sim::Population saved = lived_population();
  std::stringstream full;
  saved.save_state(full);
  const std::string bytes = full.str();
  std::stringstream truncated(bytes.substr(0, bytes.size() - 3));
  sim::Population restored("firm");
  restored.add_field<double>("cash", {"yuan", "Cash at hand"});
  restored.add_field<std::int16_t>("region", {"index", "Region"});
  CHECK_THROWS_AS(restored.restore_state(truncated), sim::binary::ReadError);
}
