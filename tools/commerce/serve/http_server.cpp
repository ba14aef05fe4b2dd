// libmicrohttpd callbacks -> one HttpServer::handle() call per request. See http_server.h.
#include "http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cctype>
#include <cstring>

#include "commerce/error.h"

namespace commerce::service {

std::string HttpRequest::header(const std::string& lower_case_name) const {
  const auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::query_value(const std::string& name) const {
  const auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

// What one request accumulates between libmicrohttpd's calls.
struct HttpServer::Exchange {
  HttpRequest request;
};

namespace {

std::string lower(const char* text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<HttpRequest*>(cls)->headers[lower(key)] = value ? value : "";
  return MHD_YES;
}

MHD_Result collect_query(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<HttpRequest*>(cls)->query.emplace(key, value ? value : "");
  return MHD_YES;
}

MHD_Result send(MHD_Connection* connection, const HttpResponse& out, bool closing) {
  MHD_Response* response = MHD_create_response_from_buffer(
      out.body.size(), const_cast<char*>(out.body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, out.content_type.c_str());
  for (const auto& [name, value] : out.headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  if (closing) MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
  const MHD_Result queued =
      MHD_queue_response(connection, static_cast<unsigned>(out.status), response);
  MHD_destroy_response(response);
  return queued;
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url,
                      const char* method, const char* /*version*/, const char* upload_data,
                      size_t* upload_data_size, void** request_state) {
  auto* server = static_cast<HttpServer*>(cls);
  auto* exchange = static_cast<HttpServer::Exchange*>(*request_state);
  if (exchange == nullptr) {  // the headers have arrived
    exchange = new HttpServer::Exchange();
    *request_state = exchange;
    server->request_started();
    HttpRequest& request = exchange->request;
    request.method = method;
    request.path = url;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, &collect_header, &request);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &collect_query, &request);
    const std::string length = request.header("content-length");
    if (!length.empty() && length.size() < 20 &&
        std::strtoull(length.c_str(), nullptr, 10) > server->limits().max_body_bytes) {
      request.body_too_large = true;
    }
    return MHD_YES;
  }
  HttpRequest& request = exchange->request;
  if (*upload_data_size != 0) {  // a piece of the body: kept up to the limit, then dropped
    if (!request.body_too_large) {
      if (request.body.size() + *upload_data_size > server->limits().max_body_bytes) {
        request.body_too_large = true;
        request.body.clear();
        request.body.shrink_to_fit();
      } else {
        request.body.append(upload_data, *upload_data_size);
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  return send(connection, server->handle(request), server->stopping());
}

void on_completed(void* cls, MHD_Connection*, void** request_state,
                  MHD_RequestTerminationCode) {
  auto* exchange = static_cast<HttpServer::Exchange*>(*request_state);
  if (exchange == nullptr) return;
  delete exchange;
  *request_state = nullptr;
  static_cast<HttpServer*>(cls)->request_finished();
}

}  // namespace

HttpServer::HttpServer(ServerLimits limits, Handler handler)
    : limits_(limits), handler_(std::move(handler)) {}

HttpServer::~HttpServer() { shutdown(); }

void HttpServer::start(const std::string& host, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    throw Error::invalid_argument("--listen", "'" + host + "' is not an IPv4 address");
  }
  daemon_ = MHD_start_daemon(
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
          MHD_USE_ITC | MHD_USE_ERROR_LOG,
      port, nullptr, nullptr, &on_request, this, MHD_OPTION_SOCK_ADDR, &address,
      MHD_OPTION_CONNECTION_LIMIT, limits_.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
      limits_.idle_timeout_s, MHD_OPTION_NOTIFY_COMPLETED, &on_completed, this, MHD_OPTION_END);
  if (daemon_ == nullptr) {
    throw Error::unavailable("--listen", "cannot listen on " + host + ":" +
                                             std::to_string(port) + " (in use or not allowed)");
  }
}

std::uint16_t HttpServer::port() const {
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  return info == nullptr ? 0 : info->port;
}

void HttpServer::request_started() {
  std::lock_guard lock(mu_);
  ++in_flight_;
}

void HttpServer::request_finished() {
  std::lock_guard lock(mu_);
  if (--in_flight_ == 0) idle_.notify_all();
}

void HttpServer::shutdown() {
  if (daemon_ == nullptr) return;
  stopping_ = true;
  MHD_quiesce_daemon(daemon_);  // no new connections; the open ones keep being served
  {
    std::unique_lock lock(mu_);
    idle_.wait(lock, [this] { return in_flight_ == 0; });
  }
  MHD_stop_daemon(daemon_);  // closes the idle keep-alive connections, joins their threads
  daemon_ = nullptr;
}

}  // namespace commerce::service
