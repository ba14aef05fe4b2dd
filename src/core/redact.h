// redact_secrets(): removes passwords from text that may quote a connection string, before the
// text reaches an error message, a log line or a URL shown to people.
#pragma once

#include <string>
#include <string_view>

namespace commerce::detail {

// `text` with every secret of the connection string `location` replaced by "***": the password
// of its user info ("scheme://user:PASSWORD@host"), raw and percent-decoded, and the value of
// every password= parameter (URI query or keyword/value form), raw and percent-decoded; then,
// whatever `location` was, any "://user:...@" user info and any "password=..." value left in
// `text` itself. Works on malformed strings too (an unclosed "[", a bare "%", no host):
// it never needs to parse `location` as a URL.
std::string redact_secrets(std::string_view text, std::string_view location);

// The location as it may be shown: redact_secrets(location, location) without the masks
// ("postgresql://shop:pw@h/db?password=pw&sslmode=require" -> "postgresql://shop@h/db?sslmode=require").
std::string redact_location(std::string_view location);

}  // namespace commerce::detail
