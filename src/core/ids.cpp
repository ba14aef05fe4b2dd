#include "commerce/ids.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>

#include <pthread.h>

namespace commerce {

namespace {

// Bumped in a forked child (pthread_atfork), so that the child reseeds: asking getpid() on
// every id cost a system call each, 14 an order.
std::atomic<std::uint64_t> fork_generation{0};

// RFC 9562 method 3 monotonicity: within one millisecond the 12-bit rand_a field is a counter,
// and the clock part never goes backwards within a process.
struct Sequence {
  Sequence() {
    pthread_atfork(nullptr, nullptr,
                   [] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
  }
  std::mutex mu;
  std::uint64_t last_ms = 0;
  std::uint32_t counter = 0;
  std::mt19937_64 rng{std::random_device{}()};
  // A forked child inherits the generator's state; it reseeds so parent and child never make
  // the same ids (found by the saga crash matrix, which forks).
  std::uint64_t generation = fork_generation.load(std::memory_order_relaxed);
};

Sequence& sequence() {
  static Sequence seq;
  return seq;
}

}  // namespace

std::string new_id(Timestamp now) {
  std::uint64_t ms = now < 0 ? 0 : static_cast<std::uint64_t>(now);
  std::uint32_t counter;
  std::uint64_t random;
  {
    Sequence& seq = sequence();
    std::lock_guard lock(seq.mu);
    if (const auto generation = fork_generation.load(std::memory_order_relaxed);
        generation != seq.generation) {
      seq.generation = generation;
      seq.rng.seed(std::random_device{}());
    }
    if (ms <= seq.last_ms) {
      ms = seq.last_ms;
      if (++seq.counter > 0xfff) {  // counter exhausted: borrow the next millisecond
        ms = ++seq.last_ms;
        seq.counter = static_cast<std::uint32_t>(seq.rng() & 0x3ff);
      }
    } else {
      seq.last_ms = ms;
      seq.counter = static_cast<std::uint32_t>(seq.rng() & 0x3ff);  // leave room to count up
    }
    counter = seq.counter;
    random = seq.rng();
  }
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<std::uint8_t>(0x70 | ((counter >> 8) & 0x0f));
  b[7] = static_cast<std::uint8_t>(counter & 0xff);
  for (int i = 8; i < 16; ++i) b[i] = static_cast<std::uint8_t>(random >> (8 * (i - 8)));
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3f));

  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

}  // namespace commerce
