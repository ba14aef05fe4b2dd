// Cursors of product pages ranked by relevance (ProductOrder::kRelevance): the position of the
// page's last row, its score and id, tied to the text the ranking was for. Opaque to callers as
// every cursor is (hex); a cursor that was altered, or that came from a listing by id or of
// another text, is refused with InvalidArgument naming "cursor". The check is a 64-bit hash,
// not a secret: it catches mistakes, not a forger who reads this file.
#pragma once

#include <string>
#include <string_view>

#include "storage/transaction.h"

namespace commerce::detail {

// The cursor that resumes a ranking of `text` after `last`.
std::string encode_relevance_cursor(const RankPosition& last, std::string_view text);
// The position `cursor` resumes after: the start (above every score) for an empty cursor.
RankPosition decode_relevance_cursor(std::string_view cursor, std::string_view text);
// Whether a decoded cursor key (decode_cursor) is a relevance cursor's: a listing by id refuses
// those.
bool is_relevance_key(std::string_view key);

}  // namespace commerce::detail
