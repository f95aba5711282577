#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/output/background_worker.hpp"

TEST_CASE("the background worker runs jobs one at a time in submission order") {
  std::vector<int> order;
  {
    sim::BackgroundWorker worker(2);
    for (int k = 0; k < 100; ++k) {
      worker.submit([&order, k] {
        if (k % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        order.push_back(k);  // only the worker thread touches `order`
      });
    }
    worker.drain();
    CHECK(order.size() == 100);
    for (int k = 0; k < 100; ++k) CHECK(order[static_cast<std::size_t>(k)] == k);
    CHECK(worker.busy_seconds() > 0.0);
  }
}

TEST_CASE("submit blocks while the queue is full, so buffered work stays bounded") {
  sim::BackgroundWorker worker(1);
  std::atomic<bool> release{false};
  std::atomic<int> started{0};
  worker.submit([&] {
    ++started;
    while (!release) std::this_thread::yield();
  });
  while (started == 0) std::this_thread::yield();
  worker.submit([] {});  // fills the one waiting place
  std::atomic<bool> third_submitted{false};
  std::thread submitter([&] {
    worker.submit([] {});
    third_submitted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(third_submitted.load());
  release = true;
  submitter.join();
  CHECK(third_submitted.load());
  worker.drain();
  CHECK(worker.waited_seconds() > 0.0);
}

TEST_CASE(
    "a failing job's exception reaches the caller at the next submit or drain, and later jobs do not run") {
  sim::BackgroundWorker worker(4);
  std::atomic<bool> later_ran{false};
  worker.submit([] { throw std::runtime_error("disk full"); });
  CHECK_THROWS_WITH_AS(worker.drain(), "disk full", std::runtime_error);
  CHECK_THROWS_WITH_AS(worker.submit([&] { later_ran = true; }), "disk full", std::runtime_error);
  CHECK_FALSE(later_ran.load());
}
