#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "sim/core/parallel.hpp"
#include "sim/core/proposals.hpp"
#include "sim/core/scheduler.hpp"
#include "sim/run/thread_limit.hpp"

namespace {

// A toy economy of N agents run for a few steps by the scheduler: each agent draws a random
// amount and proposes to pass it to a random other agent; resolution applies proposals sorted by
// (recipient, proposer). The full state after the run is hashed.
std::uint64_t run_toy_economy(std::size_t threads, std::vector<std::string>* phase_log = nullptr) {
  sim::ThreadLimit limit(threads);
  constexpr std::size_t kAgents = 20000;
  const sim::RandomStreams streams(123, 0);
  sim::Scheduler scheduler(streams);
  std::vector<double> holdings(kAgents, 1.0);
  struct Gift {
    std::uint32_t from;
    std::uint32_t to;
    double amount;
  };
  sim::ProposalBuffer<Gift> gifts;
  double total = 0.0;

  scheduler.add_phase("propose_gifts", [&](const sim::PhaseContext& context) {
    gifts.begin(kAgents);
    sim::parallel_for_chunks(kAgents, [&](const sim::Chunk& chunk) {
      auto& out = gifts.chunk(chunk);
      for (std::size_t i = chunk.begin; i < chunk.end; ++i) {
        auto rng = context.rng(i);
        const double amount = holdings[i] * rng.uniform() * 0.5;
        out.push_back(
            {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(rng.uniform_below(kAgents)), amount});
      }
    });
  });
  scheduler.add_phase("resolve_gifts", [&](const sim::PhaseContext&) {
    auto& ordered = gifts.gather_sorted([](const Gift& a, const Gift& b) { return a.to < b.to; });
    for (const Gift& gift : ordered) {
      holdings[gift.from] -= gift.amount;
      holdings[gift.to] += gift.amount;
    }
  });
  scheduler.add_phase("measure", [&](const sim::PhaseContext&) {
    total = sim::deterministic_sum<double>(kAgents, [&](std::size_t i) { return holdings[i] * holdings[i]; });
  });
  if (phase_log != nullptr) {
    scheduler.set_invariant_check([&](std::int64_t step, const std::string& phase) {
      phase_log->push_back(std::to_string(step) + ":" + phase);
    });
  }
  for (std::int64_t step = 1; step <= 5; ++step) scheduler.run_step(step);

  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over the bytes of the state
  auto mix = [&](const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t k = 0; k < size; ++k) hash = (hash ^ bytes[k]) * 1099511628211ULL;
  };
  mix(holdings.data(), holdings.size() * sizeof(double));
  mix(&total, sizeof(total));
  return hash;
}

}  // namespace

TEST_CASE("a scheduled step gives a bit-identical state on 1, 2, 4 and 8 threads") {
  const std::uint64_t reference = run_toy_economy(1);
  CHECK(run_toy_economy(2) == reference);
  CHECK(run_toy_economy(4) == reference);
  CHECK(run_toy_economy(8) == reference);
}

TEST_CASE("phases run in the order they were added, with the invariant check after each") {
  std::vector<std::string> log;
  run_toy_economy(2, &log);
  REQUIRE(log.size() == 15);
  CHECK(log[0] == "1:propose_gifts");
  CHECK(log[1] == "1:resolve_gifts");
  CHECK(log[2] == "1:measure");
  CHECK(log[14] == "5:measure");
}

TEST_CASE("the scheduler times every phase and refuses duplicate names") {
  const sim::RandomStreams streams(1, 0);
  sim::Scheduler scheduler(streams);
  scheduler.add_phase("a", [](const sim::PhaseContext&) {});
  scheduler.add_phase("b", [](const sim::PhaseContext&) {});
  CHECK_THROWS_AS(scheduler.add_phase("a", [](const sim::PhaseContext&) {}), std::logic_error);
  scheduler.run_step(1);
  scheduler.run_step(2);
  REQUIRE(scheduler.timings().size() == 2);
  CHECK(scheduler.timings()[0].calls == 2);
  CHECK(scheduler.phase_names() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("phase contexts hand out streams keyed by step, phase name and agent") {
  const sim::RandomStreams streams(5, 2);
  sim::Scheduler scheduler(streams);
  std::uint64_t drawn = 0;
  scheduler.add_phase("draw", [&](const sim::PhaseContext& context) { drawn = context.rng(9).next_u64(); });
  scheduler.run_step(3);
  CHECK(drawn == sim::PhiloxStream(5, 2, 3, sim::purpose_id("draw"), 9).next_u64());
}

TEST_CASE("a phase added with an explicit purpose draws from it whatever its name") {
  const sim::RandomStreams streams(5, 2);
  sim::Scheduler scheduler(streams);
  std::uint64_t renamed = 0, named = 0;
  scheduler.add_phase("draw_renamed", sim::purpose_id("draw"),
                      [&](const sim::PhaseContext& context) { renamed = context.rng(9).next_u64(); });
  scheduler.add_phase("draw", [&](const sim::PhaseContext& context) { named = context.rng(9).next_u64(); });
  scheduler.run_step(3);
  CHECK(renamed == sim::PhiloxStream(5, 2, 3, sim::purpose_id("draw"), 9).next_u64());
  CHECK(renamed == named);
  CHECK(scheduler.phase_names() == std::vector<std::string>{"draw_renamed", "draw"});
}

TEST_CASE("proposal buffers gather in proposer order and sort stably") {
  sim::ProposalBuffer<std::pair<int, int>> buffer;  // (key, proposer)
  buffer.begin(2 * sim::kChunkSize);
  buffer.chunk({1, sim::kChunkSize, 2 * sim::kChunkSize}).push_back({0, 3});
  buffer.chunk({0, 0, sim::kChunkSize}).push_back({1, 1});
  buffer.chunk({0, 0, sim::kChunkSize}).push_back({0, 2});
  const auto& sorted = buffer.gather_sorted([](const auto& a, const auto& b) { return a.first < b.first; });
  REQUIRE(sorted.size() == 3);
  CHECK(sorted[0] == std::pair{0, 2});  // key 0 from chunk 0 comes before key 0 from chunk 1
  CHECK(sorted[1] == std::pair{0, 3});
  CHECK(sorted[2] == std::pair{1, 1});
  buffer.begin(10);
  CHECK(buffer.size() == 0);
}
