#pragma once
// A free loopback TCP port for a test server (bound and released; a tiny race
// is acceptable here). Built into the process kubelet too, which serves logs
// on one.

namespace testsupport {

int freeLoopbackPort();

}  // namespace testsupport
