// RowBatch: an insert of several rows in one statement (or a read of several keys in one). A unit of work that writes several rows
// of one table (the events of an order's unit, its saga log lines, its audit rows) sends them as
// one multi-row INSERT instead of one statement a row: one statement to prepare, step and
// reset, and on PostgreSQL one round trip. The texts for 1..kMaxRows rows are made once, when
// the (static) RowBatch is constructed, so adapters may cache them by address like any Sql.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "commerce/storage.h"
#include "query.h"

namespace commerce::statements {

class RowBatch {
 public:
  static constexpr int kMaxRows = 16;

  // `head` is the statement up to VALUES ("INSERT INTO t(a, b) VALUES"), `columns` the number
  // of parameters a row has, `tail` what follows the rows (e.g. " ON CONFLICT DO NOTHING");
  // `lock_rows` as Sql::lock_rows (a read of keys: "SELECT ... WHERE id IN (VALUES", ")"),
  // `follows_late` as Sql::follows_late.
  RowBatch(const std::string& head, int columns, const std::string& tail = {},
           bool lock_rows = false, bool follows_late = false)
      : columns_(columns) {
    std::string text = head;
    for (int rows = 1; rows <= kMaxRows; ++rows) {
      text += rows == 1 ? " (" : ", (";
      for (int c = 1; c <= columns; ++c) {
        if (c > 1) text += ", ";
        text += "?" + std::to_string((rows - 1) * columns + c);
      }
      text += ")";
      sql_[rows - 1].text = text + tail;
      sql_[rows - 1].lock_rows = lock_rows;
      sql_[rows - 1].follows_late = follows_late;
    }
  }
  RowBatch(const RowBatch&) = delete;
  RowBatch& operator=(const RowBatch&) = delete;

  // Inserts `rows`, kMaxRows at a time; `bind(query, first, row)` binds one row's parameters
  // first..first+columns-1. Returns the number of rows inserted.
  template <class Row, class Bind>
  std::int64_t insert(SqlSession& session, const std::vector<Row>& rows, Bind&& bind) const {
    std::int64_t inserted = 0;
    each_chunk(session, rows, bind, [&](Query& q, std::size_t) { inserted += q.run(); });
    return inserted;
  }
  // The same, where the caller needs no answer: the statements may be sent without waiting
  // (SqlStatement::run_later); an error surfaces before the unit commits.
  template <class Row, class Bind>
  void insert_later(SqlSession& session, const std::vector<Row>& rows, Bind&& bind) const {
    each_chunk(session, rows, bind, [](Query& q, std::size_t) { q.run_later(); });
  }

  // The same, where the caller expects every row to be inserted (Query::run_expecting).
  template <class Row, class Bind>
  std::int64_t insert_expecting(SqlSession& session, const std::vector<Row>& rows,
                                Bind&& bind) const {
    std::int64_t inserted = 0;
    each_chunk(session, rows, bind, [&](Query& q, std::size_t n) {
      inserted += q.run_expecting(static_cast<std::int64_t>(n));
    });
    return inserted;
  }

  // Reads the rows of `keys`, kMaxRows keys a statement: `bind` as for insert(), then
  // `on_row(query)` for each row returned.
  template <class Key, class Bind, class OnRow>
  void select(SqlSession& session, const std::vector<Key>& keys, Bind&& bind,
              OnRow&& on_row) const {
    each_chunk(session, keys, bind, [&](Query& q, std::size_t) {
      while (q.step()) on_row(q);
    });
  }

 private:
  template <class Row, class Bind, class Run>
  void each_chunk(SqlSession& session, const std::vector<Row>& rows, Bind& bind, Run run) const {
    for (std::size_t at = 0; at < rows.size(); at += kMaxRows) {
      const std::size_t n = std::min<std::size_t>(kMaxRows, rows.size() - at);
      Query q(session, sql_[n - 1]);
      for (std::size_t i = 0; i < n; ++i) {
        bind(q, static_cast<int>(i) * columns_ + 1, rows[at + i]);
      }
      run(q, n);
    }
  }

  int columns_;
  std::array<Sql, kMaxRows> sql_;
};

}  // namespace commerce::statements
