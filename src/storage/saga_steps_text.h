// How both adapters store a saga's step list: a comma-separated text column. Step names are
// [a-z0-9_-] (checked by the saga), so the list is unambiguous.
#pragma once

#include <string>
#include <vector>

namespace commerce::storage_text {

inline std::string join_steps(const std::vector<std::string>& steps) {
  std::string out;
  for (const auto& step : steps) {
    if (!out.empty()) out.push_back(',');
    out += step;
  }
  return out;
}

inline std::vector<std::string> split_steps(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace commerce::storage_text
