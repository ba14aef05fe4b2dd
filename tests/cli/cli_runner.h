// Runs the `commerce` executable as a child process and captures what it prints.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace commerce::cli_test {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
  // stdout parsed as one JSON document (fails the test if it is not).
  nlohmann::json json() const;
};

// Runs `commerce ARGS...` to completion (no shell: arguments are passed as they are).
Result run(const std::vector<std::string>& args);
// Runs `LAUNCHER... commerce ARGS...` (e.g. setpriv to run it as another user).
Result run_via(const std::vector<std::string>& launcher, const std::vector<std::string>& args);

// A child started by spawn(): its stdout is read line by line.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // The next line of stdout, without the newline; false at end of output.
  bool read_line(std::string& line);
  void signal(int signo);
  // Waits for the child and returns its exit code (128 + signal if it was killed).
  int wait();

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  bool waited_ = false;
  int status_ = -1;
};

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

}  // namespace commerce::cli_test
