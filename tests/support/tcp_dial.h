#pragma once
// A blocking TCP connect to "host:port" ("[v6]:port" too); -1 on failure.

#include <string>

namespace testsupport {

int dialTcp(const std::string& hostPort);

}  // namespace testsupport
