#include "reference/http_service.hpp"

#include <unistd.h>

#include <string>

namespace forkcheck::reference {

Service make_service(const ServiceOptions& options) {
  return Service{
      .limits = options.limits,
      .handler =
          [](const Request& request, Response& response) {
            if (request.method == "GET" || request.method == "HEAD") {
              response.status = 200;
              response.set_content(kHelloBody, "text/plain");
            } else {
              response.status = 404;
            }
          },
      .fixed_header_lines =
          options.pid_header ? std::string(kWorkerPidHeader) + ": " + std::to_string(::getpid()) + "\r\n" : std::string(),
  };
}

}  // namespace forkcheck::reference
