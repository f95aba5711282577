// New-type R&D institutions (新型研发机构, seed 000): contract research from lead firms.
#include "models/ecosystem/new_type_institutes.hpp"

namespace models::ecosystem {

double commission_contract_research(const Parameters& p, const Labs& labs, std::size_t l, const Firms& firms,
                                    double index, Payments& payments) {
  if (!labs.is_new_type[l] || p.new_type_contract_yuan <= 0) return 0.0;
  std::int64_t client = -1;
  for (std::size_t f = 0; f < firms.size(); ++f) {
    if (firms.kind[f] != kLeadFirm || firms.region[f] != labs.region[l]) continue;
    if (firms.field[f] == labs.field[l]) {
      client = static_cast<std::int64_t>(f);
      break;
    }
    if (client < 0) client = static_cast<std::int64_t>(f);
  }
  if (client < 0) return 0.0;
  return payments.pay_up_to(firms.account[static_cast<std::size_t>(client)], labs.account[l],
                            p.new_type_contract_yuan * index);
}

}  // namespace models::ecosystem
