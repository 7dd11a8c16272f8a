#pragma once
// SIGTERM/SIGINT → StopSignal (controller-runtime SetupSignalHandler): the
// first signal requests a graceful stop, a second one exits at once.
// Call before starting any other thread: the signals are blocked in the
// calling thread so every thread created after inherits the mask and only
// the dedicated sigwait thread receives them.

#include <memory>

#include "controller/clock/stop_signal.h"

namespace ctrl::manager {

// Returns the StopSignal a signal sets; the handler thread lives for the
// rest of the process.
std::shared_ptr<StopSignal> setupSignalHandler();

}  // namespace ctrl::manager
