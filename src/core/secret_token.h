// Bearer secrets the library issues (a guest cart's token, a cart's share token) and the digest
// the store keeps of them instead.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace commerce::detail {

// `bytes` (1..256) random bytes from the operating system's CSPRNG (getentropy), as url-safe
// base64 without padding (A-Z a-z 0-9 - _). Throws Error::internal if the system has no
// entropy to give.
std::string random_token(std::size_t bytes);

// The SHA-256 (FIPS 180-4) of `text`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view text);

}  // namespace commerce::detail
