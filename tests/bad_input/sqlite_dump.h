// A logical dump of a SQLite database: the schema and every row of every table, in a stable
// order, so two dumps compare equal exactly when the stored data is the same.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

namespace commerce::testing {

inline std::string dump_value(const SQLite::Column& c) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (c.isInteger()) return "i:" + std::to_string(c.getInt64());
  if (c.isFloat()) return "f:" + std::to_string(c.getDouble());
  if (c.isNull()) return "null";
  // text and blobs byte for byte, hex encoded
  const auto* bytes = static_cast<const unsigned char*>(c.getBlob());
  std::string out = c.isText() ? "t:" : "b:";
  for (int i = 0; i < c.getBytes(); ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
  return out;
}

// One line per schema object and per row: "table|v1|v2|...", rows sorted by every column.
inline std::vector<std::string> dump_database(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  std::vector<std::string> lines;
  std::vector<std::string> tables;
  SQLite::Statement schema(
      db, "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name");
  while (schema.executeStep()) {
    const std::string type = schema.getColumn(0).getString();
    const std::string name = schema.getColumn(1).getString();
    lines.push_back("schema|" + type + "|" + name + "|" + schema.getColumn(2).getString());
    if (type == "table") tables.push_back(name);
  }
  for (const auto& table : tables) {
    SQLite::Statement probe(db, "SELECT * FROM \"" + table + "\" LIMIT 0");
    std::string order;
    for (int i = 1; i <= probe.getColumnCount(); ++i) {
      order += (i > 1 ? ", " : "") + std::to_string(i);
    }
    SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\" ORDER BY " + order);
    while (rows.executeStep()) {
      std::string line = table;
      for (int i = 0; i < rows.getColumnCount(); ++i) line += "|" + dump_value(rows.getColumn(i));
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

}  // namespace commerce::testing
