#include "concurrency_suite.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "scratch_dir.h"

namespace commerce::testing {

namespace {

constexpr std::size_t kMaxProblemsPerThread = 3;

struct Tally {
  std::int64_t succeeded = 0;
  std::int64_t refused = 0;
  std::int64_t unexpected = 0;
  std::vector<std::int64_t> winners;
  std::vector<std::string> problems;

  void merge(const Tally& other) {
    succeeded += other.succeeded;
    refused += other.refused;
    unexpected += other.unexpected;
    winners.insert(winners.end(), other.winners.begin(), other.winners.end());
    problems.insert(problems.end(), other.problems.begin(), other.problems.end());
  }
};

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// The worker's report to the parent, one record per line: "S n", "R n", "U n", "W i", "P text".
void write_report(const std::string& path, const Tally& tally) {
  std::ofstream out(path, std::ios::trunc);
  out << "S " << tally.succeeded << "\nR " << tally.refused << "\nU " << tally.unexpected << "\n";
  for (auto w : tally.winners) out << "W " << w << "\n";
  for (const auto& p : tally.problems) out << "P " << one_line(p) << "\n";
}

bool read_report(const std::string& path, Tally& tally) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  bool complete = false;
  while (std::getline(in, line)) {
    if (line.size() < 2) continue;
    const std::string value = line.substr(2);
    switch (line[0]) {
      case 'S':
        tally.succeeded += std::stoll(value);
        break;
      case 'R':
        tally.refused += std::stoll(value);
        break;
      case 'U':
        tally.unexpected += std::stoll(value);
        complete = true;
        break;
      case 'W':
        tally.winners.push_back(std::stoll(value));
        break;
      case 'P':
        tally.problems.push_back(value);
        break;
      default:
        break;
    }
  }
  return complete;
}

void write_byte(int fd) {
  const char c = 'x';
  while (::write(fd, &c, 1) < 0 && errno == EINTR) {
  }
}

bool read_byte(int fd) {
  char c;
  ssize_t n;
  while ((n = ::read(fd, &c, 1)) < 0 && errno == EINTR) {
  }
  return n == 1;
}

// Runs in a forked worker process; returns its exit status. Never returns to the test framework.
int run_worker_process(int process, int threads, int workers, std::int64_t attempts,
                       const std::function<std::unique_ptr<Store>()>& open,
                       const std::function<Outcome(Store&, std::int64_t)>& attempt, int ready_fd,
                       int go_fd, const std::string& report_path) {
  Tally total;
  std::unique_ptr<Store> store;
  try {
    store = open();  // this process's own connections, opened after the fork
  } catch (const std::exception& e) {
    total.unexpected = 1;
    total.problems.push_back(std::string("worker could not open the store: ") + e.what());
    write_report(report_path, total);
    return 2;
  }
  write_byte(ready_fd);
  if (!read_byte(go_fd)) return 3;  // the parent went away

  std::vector<Tally> tallies(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Tally& tally = tallies[t];
      const int worker = process * threads + t;
      for (std::int64_t i = worker; i < attempts; i += workers) {
        try {
          if (attempt(*store, i) == Outcome::kSucceeded) {
            ++tally.succeeded;
            tally.winners.push_back(i);
          } else {
            ++tally.refused;
          }
        } catch (const std::exception& e) {
          ++tally.unexpected;
          if (tally.problems.size() < kMaxProblemsPerThread) {
            tally.problems.push_back("attempt " + std::to_string(i) + ": " + e.what());
          }
        } catch (...) {
          ++tally.unexpected;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  for (const auto& tally : tallies) total.merge(tally);
  store.reset();
  write_report(report_path, total);
  return 0;
}

}  // namespace

std::unique_ptr<Store> StorageConcurrency::open_store() const {
  if (gateway_record_.empty()) return Store::open(location_);
  StoreOptions options;
  options.gateway = std::make_shared<FakeGateway>(gateway_record_);
  return Store::open(location_, options);
}

RaceResult StorageConcurrency::race(std::int64_t attempts,
                                    const std::function<Outcome(Store&, std::int64_t)>& attempt,
                                    const std::function<void(Store&)>& sample) {
  const int workers = kProcesses * kThreadsPerProcess;
  const auto open = [this] { return open_store(); };

  struct Worker {
    pid_t pid = -1;
    int ready_fd = -1;
    int go_fd = -1;
    std::string report;
    bool running = false;
    int status = 0;
  };
  std::vector<Worker> procs(kProcesses);
  RaceResult result;
  std::fflush(nullptr);  // nothing buffered may be written twice
  for (int p = 0; p < kProcesses; ++p) {
    int ready[2];
    int go[2];
    if (::pipe(ready) != 0 || ::pipe(go) != 0) {
      ADD_FAILURE() << "pipe: " << std::strerror(errno);
      return result;
    }
    procs[p].report = fresh_path("worker-" + std::to_string(p), ".report");
    std::filesystem::remove(procs[p].report);
    const pid_t pid = ::fork();
    if (pid < 0) {
      ADD_FAILURE() << "fork: " << std::strerror(errno);
      return result;
    }
    if (pid == 0) {
      ::close(ready[0]);
      ::close(go[1]);
      for (int q = 0; q < p; ++q) ::close(procs[q].go_fd);
      ::_exit(run_worker_process(p, kThreadsPerProcess, workers, attempts, open, attempt, ready[1],
                                 go[0], procs[p].report));
    }
    ::close(ready[1]);
    ::close(go[0]);
    procs[p].pid = pid;
    procs[p].ready_fd = ready[0];
    procs[p].go_fd = go[1];
    procs[p].running = true;
  }
  // Start every worker at once, after all of them have opened their stores.
  for (auto& w : procs) {
    if (!read_byte(w.ready_fd)) result.problems.push_back("a worker died before it was ready");
    ::close(w.ready_fd);
  }
  for (auto& w : procs) {
    write_byte(w.go_fd);
    ::close(w.go_fd);
  }

  {
    auto store = open_store();
    // A sample that throws is a failure, but the workers must still be waited for.
    const auto take_sample = [&] {
      try {
        sample(*store);
        ++result.samples;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "sampling the invariants failed: " << e.what();
      }
    };
    int running = kProcesses;
    while (running > 0) {
      take_sample();
      for (auto& w : procs) {
        if (!w.running) continue;
        const pid_t done = ::waitpid(w.pid, &w.status, WNOHANG);
        if (done == w.pid || done < 0) {
          w.running = false;
          --running;
        }
      }
    }
    take_sample();
  }

  Tally total;
  for (std::size_t p = 0; p < procs.size(); ++p) {
    const auto& w = procs[p];
    if (!WIFEXITED(w.status) || WEXITSTATUS(w.status) != 0) {
      std::ostringstream why;
      why << "worker process " << p << " ended abnormally (status " << w.status << ")";
      result.problems.push_back(why.str());
    }
    if (!read_report(w.report, total)) {
      result.problems.push_back("worker process " + std::to_string(p) + " left no report");
    }
    std::filesystem::remove(w.report);
  }
  result.succeeded = total.succeeded;
  result.refused = total.refused;
  result.unexpected = total.unexpected;
  result.winners = std::move(total.winners);
  std::sort(result.winners.begin(), result.winners.end());
  result.problems.insert(result.problems.end(), total.problems.begin(), total.problems.end());
  return result;
}

std::string concurrency_target_name(const ::testing::TestParamInfo<ConcurrencyTarget>& info) {
  return info.param.name;
}

}  // namespace commerce::testing
