// RelayService: OutboxRelay::run() with progress reports and SIGTERM/SIGINT handling.
//
// Signals arrive through a self-pipe: the handler only write()s the signal number (async-signal
// safe); a watcher thread reads it and requests the stop, which wakes the relay's idle sleep. The
// relay checks the stop only between batches, and its batches are synchronous (publish, wait for
// the acknowledgements, record them), so stopping never abandons a batch half-recorded.
#include "commerce/relay_service.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "commerce/error.h"

namespace commerce {

namespace {

constexpr const char* kSubject = "relay-service";

std::atomic<int> g_signal_fd{-1};          // write end of the running service's pipe
std::atomic<bool> g_signals_taken{false};  // a service handles signals now

extern "C" void commerce_relay_on_signal(int sig) {
  const int saved = errno;
  const int fd = g_signal_fd.load();
  if (fd >= 0) {
    const unsigned char byte = static_cast<unsigned char>(sig);
    [[maybe_unused]] const ssize_t n = ::write(fd, &byte, 1);
  }
  errno = saved;
}

// Installs the handlers for the lifetime of one run(); restores the previous ones after.
class SignalGuard {
 public:
  SignalGuard() {
    bool expected = false;
    if (!g_signals_taken.compare_exchange_strong(expected, true)) {
      throw Error::failed_precondition(Reason::kNone, kSubject,
                                       "another RelayService handles SIGTERM/SIGINT already");
    }
    if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
      const int err = errno;
      g_signals_taken.store(false);
      throw Error::internal(fmt::format("relay-service: pipe2 failed: {}", std::strerror(err)));
    }
    g_signal_fd.store(fds_[1]);
    struct sigaction action {};
    action.sa_handler = &commerce_relay_on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, &old_term_);
    sigaction(SIGINT, &action, &old_int_);
  }
  ~SignalGuard() {
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGINT, &old_int_, nullptr);
    g_signal_fd.store(-1);
    ::close(fds_[0]);
    ::close(fds_[1]);
    g_signals_taken.store(false);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  int read_fd() const { return fds_[0]; }
  // Wakes the watcher (a 0 byte is not a signal).
  void wake() const {
    const unsigned char zero = 0;
    [[maybe_unused]] const ssize_t n = ::write(fds_[1], &zero, 1);
  }

 private:
  int fds_[2] = {-1, -1};
  struct sigaction old_term_ {};
  struct sigaction old_int_ {};
};

}  // namespace

RelayService::RelayService(OutboxRelay& relay, RelayServiceOptions options)
    : relay_(relay), options_(std::move(options)) {
  if (options_.maintenance && options_.maintenance_interval_ms <= 0) {
    throw Error::invalid_argument("maintenance_interval_ms", "must be positive");
  }
  if (options_.progress_interval_ms < 0) {
    throw Error::invalid_argument("progress_interval_ms", "must not be negative");
  }
}

RelayService::~RelayService() { stop(); }

void RelayService::stop() {
  std::lock_guard lock(mu_);
  stop_requested_ = true;
  stop_.request_stop();
}

RelayProgress RelayService::run() {
  std::stop_token token;
  {
    std::lock_guard lock(mu_);
    if (running_) {
      throw Error::failed_precondition(Reason::kNone, kSubject, "run() is already running");
    }
    running_ = true;
    stop_ = std::stop_source();
    if (stop_requested_) stop_.request_stop();
    token = stop_.get_token();
  }
  struct Running {
    RelayService& self;
    ~Running() {
      std::lock_guard lock(self.mu_);
      self.running_ = false;
      self.stop_requested_ = false;
    }
  } running{*this};
  stop_signal_.store(0);

  std::unique_ptr<SignalGuard> signals;
  std::jthread watcher;
  if (options_.handle_signals) {
    signals = std::make_unique<SignalGuard>();
    watcher = std::jthread([this, fd = signals->read_fd()](std::stop_token watch) {
      pollfd pfd{fd, POLLIN, 0};
      while (!watch.stop_requested()) {
        if (::poll(&pfd, 1, 500) <= 0) continue;
        unsigned char byte = 0;
        while (::read(fd, &byte, 1) == 1) {
          if (byte == 0) continue;
          int expected = 0;
          stop_signal_.compare_exchange_strong(expected, byte);
          stop();
        }
      }
    });
  }

  // Housekeeping (e.g. Store::compact()) on a thread of its own, every interval until stopped.
  std::jthread maintenance;
  if (options_.maintenance) {
    maintenance = std::jthread([this, token](std::stop_token done) {
      std::mutex sleep_mu;
      std::condition_variable_any wake;
      const auto interval = std::chrono::milliseconds(options_.maintenance_interval_ms);
      for (;;) {
        {
          std::unique_lock lock(sleep_mu);
          if (wake.wait_for(lock, done, interval, [] { return false; }) ||
              done.stop_requested() || token.stop_requested()) {
            return;  // run() is ending (a stop was requested) or has ended
          }
        }
        try {
          options_.maintenance();
        } catch (...) {
          // The next interval tries again; housekeeping must not stop the relay.
        }
      }
    });
  }

  using SteadyClock = std::chrono::steady_clock;
  const auto started = SteadyClock::now();
  auto last_report = started;
  RelayProgress progress;
  auto report = [&](bool final) {
    progress.final = final;
    progress.elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started).count();
    progress.delivered_per_second =
        progress.elapsed_ms > 0 ? progress.delivered * 1000.0 / progress.elapsed_ms : 0.0;
    try {
      progress.stats = relay_.stats();
    } catch (const Error&) {
      // Figures are best effort; a busy store must not stop the relay.
    }
    if (!options_.on_progress) return;
    try {
      options_.on_progress(progress);
    } catch (...) {
      // A host's progress printer must not stop the relay.
    }
  };

  auto finish = [&] {
    if (maintenance.joinable()) {
      maintenance.request_stop();
      maintenance.join();
    }
    if (watcher.joinable()) {
      watcher.request_stop();
      signals->wake();
      watcher.join();
    }
  };
  try {
    relay_.run(token, [&](const RelayBatch& batch) {
      ++progress.batches;
      progress.published += batch.published;
      progress.delivered += batch.delivered;
      progress.failed += batch.failed;
      progress.dead_lettered += batch.dead_lettered + batch.parked;
      if (!batch.last_error.empty()) progress.last_error = batch.last_error;
      const auto now = SteadyClock::now();
      if (now - last_report >= std::chrono::milliseconds(options_.progress_interval_ms)) {
        last_report = now;
        report(false);
      }
    });
  } catch (...) {
    finish();
    throw;
  }
  finish();
  report(true);
  return progress;
}

}  // namespace commerce
