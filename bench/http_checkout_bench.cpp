// The guest checkout of issue 21's Vendure comparison (an order of two lines, paid through the
// gateway and confirmed) on PostgreSQL, in the same run: through `commerce serve` over HTTP
// (POST /orders: the library's place(), which creates the order, charges it and confirms it) and
// through the library in this process (Store::orders().place), each with 1 and 16 clients.
//
//   commerce_bench_http --store PG_URL --service http://HOST:PORT --key ADMIN_KEY
//                       [--orders N] [--out FILE.json]
//
// --store: an initialized, empty store for the in-process runs; --service: a `commerce serve`
// over another empty store (run_benchmarks.sh starts both), called with the admin key. Both get
// the same 200 products; order i buys products (i mod 100) and (100 + 7i mod 100), one unit
// each, so clients seldom queue on one stock row. The HTTP clients are threads of this process
// with one keep-alive connection each, TCP_NODELAY, requests written and responses read with
// plain socket calls (no HTTP library: the client costs little beside the server). This
// process and the service share the machine's cores: the figures include that.
// Prints one line per run and writes them as JSON (orders_per_s, p50_ms, p99_ms) to --out.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "commerce/payments.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kProducts = 200;

struct Args {
  std::string store_url;
  std::string service;  // http://HOST:PORT
  std::string key;
  int orders = 2000;
  std::string out;
};

std::pair<std::string, std::string> lines_of(long i) {
  return {"p" + std::to_string(i % 100), "p" + std::to_string(100 + (7 * i) % 100)};
}

// One keep-alive HTTP/1.1 connection: a request written whole, the response read by its
// Content-Length.
class HttpConnection {
 public:
  HttpConnection(const std::string& host, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~HttpConnection() { ::close(fd_); }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // (status, body).
  std::pair<int, std::string> call(const std::string& method, const std::string& path,
                                   const std::string& key, const std::string& body) {
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: bench\r\n" +
                          "Authorization: Bearer " + key + "\r\n" +
                          "Content-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
      const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<std::size_t>(n);
    }
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) read_more();
    const std::string head = buffer_.substr(0, head_end);
    const int status = std::atoi(head.c_str() + head.find(' ') + 1);
    std::size_t length = 0;
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto at = lower.find("content-length:");
    if (at != std::string::npos) length = std::strtoul(head.c_str() + at + 15, nullptr, 10);
    while (buffer_.size() < head_end + 4 + length) read_more();
    std::string answer = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return {status, answer};
  }

 private:
  void read_more() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) throw std::runtime_error("the service closed the connection");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  int fd_ = -1;
  std::string buffer_;
};

struct Run {
  std::string name;
  int clients = 0;
  long orders = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double orders_per_s() const { return static_cast<double>(orders) / seconds; }
};

// `clients` threads place `orders` orders between them with place(client, i) (true: confirmed).
Run measure(const std::string& name, int clients, long orders, long first_order,
            const std::function<std::function<bool(long)>(int)>& client_of) {
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  std::atomic<long> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::function<bool(long)>> places;
  for (int c = 0; c < clients; ++c) places.push_back(client_of(c));
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (long i; (i = next.fetch_add(1)) < orders;) {
        const auto t0 = Clock::now();
        if (!places[static_cast<std::size_t>(c)](first_order + i)) failed = true;
        latencies[static_cast<std::size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (failed) throw std::runtime_error(name + ": an order was not confirmed");
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto at = [&](double q) { return all[static_cast<std::size_t>(q * (all.size() - 1))]; };
  return {name, clients, orders, seconds, at(0.50), at(0.99)};
}

std::string order_body(long i) {
  const auto [a, b] = lines_of(i);
  return R"({"user_id":"guest-)" + std::to_string(i) + R"(","items":[{"product_id":")" + a +
         R"(","qty":1},{"product_id":")" + b + R"(","qty":1}]})";
}

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--store") args.store_url = value;
    else if (flag == "--service") args.service = value;
    else if (flag == "--key") args.key = value;
    else if (flag == "--orders") args.orders = std::atoi(value.c_str());
    else if (flag == "--out") args.out = value;
    else throw std::runtime_error("unknown flag " + flag);
  }
  if (args.store_url.empty() || args.service.empty() || args.key.empty() || args.orders < 16) {
    throw std::runtime_error(
        "usage: commerce_bench_http --store PG_URL --service http://HOST:PORT --key KEY "
        "[--orders N >= 16] [--out FILE]");
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) try {
  const Args args = parse(argc, argv);
  const std::string authority = args.service.substr(args.service.find("//") + 2);
  const std::string host = authority.substr(0, authority.rfind(':'));
  const int port = std::atoi(authority.substr(authority.rfind(':') + 1).c_str());
  const long stock = 1'000'000;

  commerce::StoreOptions options;
  options.gateway = std::make_shared<commerce::FakeGateway>();
  options.currency = "";
  auto store = commerce::Store::open(
      commerce::open_postgres_storage(args.store_url, {.pool_size = 16}), options);
  HttpConnection admin(host, port);
  for (int p = 0; p < kProducts; ++p) {
    const std::string id = "p" + std::to_string(p);
    store->catalog().create({.id = id, .name = id, .price = 1000 + p, .initial_stock = stock});
    const auto [status, body] =
        admin.call("POST", "/products", args.key,
                   R"({"id":")" + id + R"(","name":")" + id + R"(","price":)" +
                       std::to_string(1000 + p) + R"(,"initial_stock":)" +
                       std::to_string(stock) + "}");
    if (status != 201) throw std::runtime_error("POST /products: " + body);
  }

  auto in_process = [&](int) {
    return std::function<bool(long)>([&](long i) {
      const auto [a, b] = lines_of(i);
      return store->orders()
                 .place({.user_id = "guest-" + std::to_string(i), .items = {{a, 1}, {b, 1}}})
                 .status == commerce::OrderStatus::kConfirmed;
    });
  };
  std::vector<std::shared_ptr<HttpConnection>> connections;
  auto over_http = [&](int) {
    auto connection = std::make_shared<HttpConnection>(host, port);
    connections.push_back(connection);
    return std::function<bool(long)>([connection, &args](long i) {
      const auto [status, body] = connection->call("POST", "/orders", args.key, order_body(i));
      return status == 201 && body.find(R"("status":"confirmed")") != std::string::npos;
    });
  };

  std::vector<Run> runs;
  long first = 0;
  for (int clients : {1, 16}) {
    // Fewer orders with one client: its runs take longer per order.
    const long orders = clients == 1 ? std::max(16, args.orders / 4) : args.orders;
    for (const bool http : {false, true}) {
      const std::string name = std::string("http_checkout/clients:") + std::to_string(clients) +
                               (http ? "/http" : "/library");
      runs.push_back(http ? measure(name, clients, orders, first, over_http)
                          : measure(name, clients, orders, first, in_process));
      first += orders;
      const Run& r = runs.back();
      std::fprintf(stderr, "%-34s %6ld orders  %8.1f orders/s  p50 %7.2f ms  p99 %7.2f ms\n",
                   r.name.c_str(), r.orders, r.orders_per_s(), r.p50_ms, r.p99_ms);
      connections.clear();
    }
    std::fprintf(stderr, "  http / library at %d client(s): %.2fx\n", clients,
                 runs[runs.size() - 1].orders_per_s() / runs[runs.size() - 2].orders_per_s());
  }
  if (!args.out.empty()) {
    std::ofstream out(args.out);
    out << "{\"benchmarks\": [";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const Run& r = runs[i];
      out << (i ? ",\n" : "\n") << "{\"name\": \"" << r.name << "\", \"orders\": " << r.orders
          << ", \"real_time\": " << r.seconds * 1000 << ", \"time_unit\": \"ms\""
          << ", \"orders_per_s\": " << r.orders_per_s() << ", \"p50_ms\": " << r.p50_ms
          << ", \"p99_ms\": " << r.p99_ms << "}";
    }
    out << "\n]}\n";
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "commerce_bench_http: %s\n", e.what());
  return 1;
}
