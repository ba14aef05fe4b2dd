#include "storage_conformance.h"

namespace commerce::testing {

void StorageConformance::SetUp() {
  location_ = GetParam().fresh_location();
  clock_ = std::make_shared<ManualClock>(kStart);
  store_ = open_again();
}

std::unique_ptr<Store> StorageConformance::open_again() {
  StoreOptions options;
  options.clock = clock_;
  return Store::open(location_, options);
}

std::string storage_name(const ::testing::TestParamInfo<StorageUnderTest>& info) {
  return info.param.name;
}

}  // namespace commerce::testing
