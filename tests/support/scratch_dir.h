// Scratch files for tests: each process gets its own fresh directory from mkdtemp, so a test
// never sees files left by an earlier process (pids are reused, and ctest runs each test case as
// its own process). A forked child that asks gets a directory of its own too. The directory is
// removed when the process that made it exits normally.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

namespace commerce::testing {

namespace scratch_detail {

struct State {
  std::mutex mu;
  pid_t owner = -1;
  std::filesystem::path dir;
};

inline State& state() {
  static State s;
  return s;
}

inline void remove_at_exit() {
  auto& s = state();
  if (s.owner != ::getpid()) return;  // a forked child exiting: the directory is its parent's
  std::error_code ec;
  std::filesystem::remove_all(s.dir, ec);
}

}  // namespace scratch_detail

// This process's scratch directory, created on first use.
inline std::filesystem::path scratch_dir() {
  auto& s = scratch_detail::state();
  std::lock_guard lock(s.mu);
  if (s.owner != ::getpid()) {
    std::string templ = (std::filesystem::temp_directory_path() / "commerce-test-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + templ);
    const bool first = s.owner == -1;
    s.owner = ::getpid();
    s.dir = templ;
    if (first) std::atexit(scratch_detail::remove_at_exit);
  }
  return s.dir;
}

// A path in the scratch directory that nothing has used yet: `<stem>-<n><extension>`.
inline std::string fresh_path(const std::string& stem, const std::string& extension) {
  static std::atomic<int> counter{0};
  return (scratch_dir() / (stem + "-" + std::to_string(counter++) + extension)).string();
}

}  // namespace commerce::testing
