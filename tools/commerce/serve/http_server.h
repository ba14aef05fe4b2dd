// The HTTP/1.1 transport of `commerce serve`: libmicrohttpd (GNU, Debian package
// libmicrohttpd-dev) parses requests and writes responses; this file only turns its callbacks
// into one HttpRequest -> HttpResponse call per request (docs/service.md explains the choice).
//
// One thread per connection (MHD_USE_THREAD_PER_CONNECTION): a handler may block on the store
// (a write lock, a gateway call) without holding up other connections; the number of
// connections, and so of threads, is bounded by ServerLimits::max_connections.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

struct MHD_Daemon;

namespace commerce::service {

struct HttpRequest {
  std::string method;                         // "GET", "POST", ...
  std::string path;                           // percent-decoded, without the query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  // The body was larger than ServerLimits::max_body_bytes (then `body` is empty).
  bool body_too_large = false;

  // The header's value, or "" when absent.
  std::string header(const std::string& lower_case_name) const;
  // The query parameter's first value, or "" when absent.
  std::string query_value(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

struct ServerLimits {
  std::size_t max_body_bytes = 1 << 20;  // a larger body is dropped (HttpRequest::body_too_large)
  unsigned max_connections = 256;        // connections (and threads) at once
  unsigned idle_timeout_s = 30;          // a connection silent this long is closed
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // The handler runs on the connection's thread; it must not throw.
  HttpServer(ServerLimits limits, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on host:port (an IPv4 address; port 0 picks a free one). Throws
  // commerce::Error (InvalidArgument naming "--listen" for a bad address, Unavailable when the
  // port cannot be bound).
  void start(const std::string& host, std::uint16_t port);
  // The port listened on (after start()).
  std::uint16_t port() const;
  // Graceful stop: stops accepting connections, waits until every request being handled has
  // its response, then closes the remaining (idle) connections. Safe to call twice.
  void shutdown();

  // --- called from libmicrohttpd's callbacks (http_server.cpp)
  struct Exchange;
  HttpResponse handle(const HttpRequest& request) const { return handler_(request); }
  const ServerLimits& limits() const { return limits_; }
  void request_started();
  void request_finished();
  bool stopping() const { return stopping_.load(); }

 private:
  ServerLimits limits_;
  Handler handler_;
  MHD_Daemon* daemon_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable idle_;
  int in_flight_ = 0;
};

}  // namespace commerce::service
