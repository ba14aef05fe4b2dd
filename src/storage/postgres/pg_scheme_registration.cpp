// Registers the "postgresql" and "postgres" schemes with commerce::open_storage() while the
// program starts.
//
// Nothing in a program refers to this object, so a static linker would normally leave it out
// of the archive. The commerce::postgres target therefore adds the link option
// --undefined=commerce_postgres_autoregister to everything that links it, which makes the
// linker pull this object in and so run the initializer below.
#include "commerce/postgres_storage.h"

namespace commerce {

void register_postgres_storage_scheme() {
  StorageOpener opener = [](const std::string& location) {
    return open_postgres_storage(location);
  };
  register_storage_scheme("postgresql", opener);
  register_storage_scheme("postgres", opener);
}

}  // namespace commerce

// The registry behind register_storage_scheme is a function-local static, so this may run
// before or after any other initializer.
extern "C" {
extern const int commerce_postgres_autoregister;
const int commerce_postgres_autoregister = (commerce::register_postgres_storage_scheme(), 1);
}
