// Idle I/O threads kept for the next handle. Starting a thread is most of what opening
// a handle costs, and agents open and close handles as routers come and go. A thread
// is kept only after its handle's close has run (it holds no socket), and never one
// that could not return to its own namespace.
#pragma once

#include <memory>

#include "../socket/io_thread.h"

namespace nlroute::addon {

// A cached thread, or a new one.
std::unique_ptr<io::IoThread> take_io_thread();
// Keeps the thread for later, or stops it when enough are kept already.
void give_io_thread(std::unique_ptr<io::IoThread> thread);
// Stops and joins every kept thread (when the addon's environment goes away).
void drain_io_threads();

}  // namespace nlroute::addon
