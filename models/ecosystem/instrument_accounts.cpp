#include "models/ecosystem/instrument_accounts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <stdexcept>

namespace models::ecosystem {

void InstrumentAccounts::begin_step(std::size_t instruments) {
  committed_.assign(instruments, 0);
  spent_.assign(instruments, 0);
  returned_.assign(instruments, 0);
  beneficiaries_.assign(instruments, 0);
  receivers_.resize(instruments);
  for (auto& receivers : receivers_) receivers.clear();  // keeps their memory for the next quarter
}

void InstrumentAccounts::count(const FixedAccounts& accounts, std::int64_t from, std::int64_t to, Fen fen) {
  if (accounts.is_policy_account(from)) {
    const auto k = static_cast<std::size_t>(from - accounts.first_policy_account);
    spent_[k] += fen;
    // Payments to one receiver often come in a row (a grant per quarter, firms in order).
    if (receivers_[k].empty() || receivers_[k].back() != to) receivers_[k].push_back(to);
  }
  if (accounts.is_policy_account(to)) {
    const auto k = static_cast<std::size_t>(to - accounts.first_policy_account);
    (accounts.is_government_budget(from) ? committed_ : returned_)[k] += fen;
  }
}

void InstrumentAccounts::count_policy_payment_in_chunk(const FixedAccounts& accounts, std::int64_t from,
                                                       std::int64_t to, Fen fen) {
  if (accounts.is_policy_account(from))
    throw std::logic_error("instrument accounts: a policy account paid in a chunk of a parallel loop");
  if (!accounts.is_policy_account(to)) return;
  const auto k = static_cast<std::size_t>(to - accounts.first_policy_account);
  Fen& total = (accounts.is_government_budget(from) ? committed_ : returned_)[k];
  std::atomic_ref<Fen>(total).fetch_add(fen, std::memory_order_relaxed);
}

void InstrumentAccounts::end_step() {
  for (std::size_t k = 0; k < receivers_.size(); ++k) {
    auto& receivers = receivers_[k];
    std::sort(receivers.begin(), receivers.end());
    beneficiaries_[k] =
        static_cast<std::int64_t>(std::unique(receivers.begin(), receivers.end()) - receivers.begin());
  }
}

namespace {

std::string slug(const std::string& name) {
  std::string text;
  bool gap = false;
  for (const char c : name) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      if (gap && !text.empty()) text += '_';
      text += lower;
      gap = false;
    } else {
      gap = true;
    }
  }
  return text;
}

// "Instrument 'Nansha risk pool' (risk_pool)": how every description of its metrics starts, and
// how the summary names it.
std::string instrument_label(const PolicySpec& policy) {
  return fmt::format("Instrument '{}' ({})", policy.name,
                     policy_type_names()[static_cast<std::size_t>(policy.type)]);
}

}  // namespace

std::vector<std::string> instrument_slugs(const std::vector<PolicySpec>& policies) {
  std::vector<std::string> slugs;
  std::set<std::string> taken;
  for (const auto& policy : policies) {
    std::string base = slug(policy.name);
    if (base.empty()) base = policy_type_names()[static_cast<std::size_t>(policy.type)];
    std::string name = base;
    for (int suffix = 2; taken.count(name) != 0; ++suffix) name = fmt::format("{}_{}", base, suffix);
    taken.insert(name);
    slugs.push_back(name);
  }
  return slugs;
}

std::vector<sim::MetricInfo> instrument_metrics(const std::vector<PolicySpec>& policies) {
  const auto slugs = instrument_slugs(policies);
  std::vector<sim::MetricInfo> metrics;
  for (std::size_t k = 0; k < policies.size(); ++k) {
    const std::string prefix = "instrument." + slugs[k] + ".";
    const std::string label = instrument_label(policies[k]);
    metrics.push_back({prefix + "committed", "yuan/quarter",
                       label + ": money paid into its account from a government budget in the quarter"});
    metrics.push_back(
        {prefix + "spent", "yuan/quarter", label + ": money paid out of its account in the quarter"});
    metrics.push_back({prefix + "returned", "yuan/quarter",
                       label + ": money paid back into its account in the quarter (repayments, equity "
                               "sold, fund returns)"});
    metrics.push_back(
        {prefix + "unspent", "yuan", label + ": its account's balance at the end of the quarter"});
    metrics.push_back(
        {prefix + "beneficiaries", "count/quarter",
         label + ": distinct accounts (firms, labs, funds, banks, ...) it paid in the quarter"});
  }
  return metrics;
}

namespace {

// One instrument's replicate-mean series, found by metric name.
struct InstrumentSeries {
  std::string label;
  const std::vector<double>* committed = nullptr;
  const std::vector<double>* spent = nullptr;
  const std::vector<double>* returned = nullptr;
  const std::vector<double>* unspent = nullptr;
};

double total(const std::vector<double>& series) {
  double sum = 0;
  for (std::size_t t = 1; t < series.size(); ++t) sum += series[t];  // step 0 is the initial state
  return sum;
}

// An instrument ran out at the first step after money came in where less than this share of the
// money it had so far was left (payments come in whole grants and prizes, so a remainder smaller
// than one is left over).
constexpr double kRanOutShare = 0.01;

std::string describe(const InstrumentSeries& s) {
  const double committed = total(*s.committed), spent = total(*s.spent), returned = total(*s.returned);
  const double unspent = s.unspent->empty() ? 0.0 : s.unspent->back();
  std::string text = fmt::format("  {}: budget {:.3g}, spent {:.3g}, returned {:.3g}, unspent {:.3g}",
                                 s.label, committed, spent, returned, unspent);
  double had = 0;
  for (std::size_t t = 1; t < s.unspent->size(); ++t) {
    had += (*s.committed)[t] + (*s.returned)[t];
    if (had > 0 && (*s.unspent)[t] <= kRanOutShare * had)
      return text + fmt::format("; ran out at step {}", t);
  }
  if (had <= 0) return text + "; no money came in";
  return text + fmt::format("; left {:.1f}% unspent", 100.0 * unspent / had);
}

}  // namespace

std::string describe_instrument_accounts(const std::vector<sim::MetricInfo>& metrics,
                                         const std::vector<std::vector<double>>& series) {
  std::vector<InstrumentSeries> instruments;
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    const std::string& name = metrics[m].name;
    if (name.rfind("instrument.", 0) != 0) continue;
    const std::string part = name.substr(name.rfind('.') + 1);
    if (part == "committed") {
      const std::string& description = metrics[m].description;
      // "Instrument 'Nansha risk pool' (risk_pool): ..." names it 'Nansha risk pool' (risk_pool).
      const std::size_t start = description.find('\'');
      instruments.push_back({description.substr(start, description.rfind(": ") - start), &series[m]});
    } else if (!instruments.empty()) {
      auto& s = instruments.back();  // instrument_metrics() lists an instrument's five together
      if (part == "spent") s.spent = &series[m];
      if (part == "returned") s.returned = &series[m];
      if (part == "unspent") s.unspent = &series[m];
    }
  }
  if (instruments.empty()) return "";
  std::string text = "Instruments (replicate means, yuan over the run; budget = committed):";
  for (const auto& s : instruments) {
    if (s.spent && s.returned && s.unspent) text += "\n" + describe(s);
  }
  return text;
}

}  // namespace models::ecosystem
