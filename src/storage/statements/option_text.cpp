#include "option_text.h"

#include <nlohmann/json.hpp>

namespace commerce::statements {

using nlohmann::json;

std::string options_text(const OptionValues& options) {
  return options.empty() ? std::string() : json(options).dump();
}

OptionValues options_from_text(std::string_view text) {
  return text.empty() ? OptionValues{} : json::parse(text).get<OptionValues>();
}

std::string axes_text(const std::vector<OptionAxis>& axes) {
  if (axes.empty()) return {};
  json out = json::array();
  for (const OptionAxis& axis : axes) out.push_back(json::array({axis.name, axis.values}));
  return out.dump();
}

std::vector<OptionAxis> axes_from_text(std::string_view text) {
  std::vector<OptionAxis> out;
  if (text.empty()) return out;
  for (const json& axis : json::parse(text)) {
    out.push_back({axis.at(0).get<std::string>(), axis.at(1).get<std::vector<std::string>>()});
  }
  return out;
}

}  // namespace commerce::statements
