// kubelet-test-server: the program the process kubelet's integration test
// runs as a container. It serves back what a container should see, so the
// test can check env, volumes and args from outside, and misbehaves on
// request so probes and restarts can be exercised:
//
//   GET /healthz         200 "ok", or 500 after /fail-liveness
//   GET /env/NAME        the value of env var NAME (404 when unset)
//   GET /file/PATH       the content of /PATH (e.g. /file/etc/secret/password)
//   GET /argv            argv, one per line
//   GET /fail-liveness   make /healthz fail from now on (this process only)
//   GET /exit/CODE       print "exiting with CODE as asked" and exit(CODE)
//
// Flags: --port N (else $PORT, else 8080); --exit-at-start CODE prints a
// fatal line and exits at once (a crash-looping container).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

volatile sig_atomic_t g_terminate = 0;

void onTerm(int) {
  g_terminate = 1;
}

void respond(int fd, int code, const std::string& body) {
  std::string text = code == 200 ? "OK" : code == 404 ? "Not Found" : "Internal Server Error";
  std::string resp =
      "HTTP/1.1 " + std::to_string(code) + " " + text +
      "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  (void)!write(fd, resp.data(), resp.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  int port = std::getenv("PORT") ? std::atoi(std::getenv("PORT")) : 8080;
  for (size_t i = 1; i + 1 < args.size(); ++i) {
    if (args[i] == "--port") port = std::atoi(args[i + 1].c_str());
    if (args[i] == "--exit-at-start") {
      std::cout << "kubelet-test-server: starting" << std::endl;
      std::cerr << "fatal: exit-at-start " << args[i + 1] << std::endl;
      return std::atoi(args[i + 1].c_str());
    }
  }
  struct sigaction sa {};
  sa.sa_handler = onTerm;
  sigaction(SIGTERM, &sa, nullptr);
  setvbuf(stdout, nullptr, _IOLBF, 0);

  int srv = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(srv, 16) != 0) {
    std::printf("kubelet-test-server: cannot listen on 127.0.0.1:%d: %s\n", port,
                std::strerror(errno));
    return 1;
  }
  std::printf("kubelet-test-server: listening on 127.0.0.1:%d\n", port);
  bool live = true;
  while (!g_terminate) {
    int fd = accept(srv, nullptr, nullptr);
    if (fd < 0) continue;  // EINTR on SIGTERM ends the loop
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    std::string req(buf, n > 0 ? static_cast<size_t>(n) : 0);
    std::string path = req.substr(req.find(' ') + 1);
    path = path.substr(0, path.find(' '));
    if (path == "/healthz") {
      live ? respond(fd, 200, "ok") : respond(fd, 500, "liveness failure requested");
    } else if (path.rfind("/env/", 0) == 0) {
      const char* v = std::getenv(path.substr(5).c_str());
      v ? respond(fd, 200, v) : respond(fd, 404, "unset");
    } else if (path.rfind("/file/", 0) == 0) {
      std::ifstream in(path.substr(5));
      std::stringstream content;
      content << in.rdbuf();
      in ? respond(fd, 200, content.str()) : respond(fd, 404, "no such file");
    } else if (path == "/argv") {
      std::string all;
      for (const auto& a : args) all += a + "\n";
      respond(fd, 200, all);
    } else if (path == "/fail-liveness") {
      live = false;
      respond(fd, 200, "ok");
    } else if (path.rfind("/exit/", 0) == 0) {
      const int code = std::atoi(path.substr(6).c_str());
      respond(fd, 200, "bye");
      close(fd);
      std::printf("kubelet-test-server: exiting with %d as asked\n", code);
      return code;
    } else {
      respond(fd, 404, "unknown path");
    }
    close(fd);
  }
  std::printf("kubelet-test-server: SIGTERM, shutting down\n");
  return 0;
}
