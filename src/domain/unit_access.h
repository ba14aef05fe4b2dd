// How the library opens a commerce::Unit over a command's unit of work, and the built-in inbox
// handlers' way back from a Unit to that command.
#pragma once

#include <functional>
#include <vector>

#include "commerce/unit.h"
#include "context.h"

namespace commerce::detail {

struct UnitAccess {
  // Runs `work` with a Unit over `cmd`; returns the actions it left for after the commit.
  static std::vector<std::function<void()>> run(Command& cmd, UnitMode mode,
                                                const std::function<void(Unit&)>& work) {
    Unit unit(cmd, mode);
    work(unit);
    return std::move(unit.after_commit_);
  }
  // The domain's view of the unit of work a Unit writes in.
  static Command& command(Unit& unit) { return unit.command_; }
};

// Runs the actions a committed unit left (Unit::after_commit), each once; their errors are
// dropped (documented: after-commit work is best effort).
void run_after_commit(const std::vector<std::function<void()>>& actions);

}  // namespace commerce::detail
