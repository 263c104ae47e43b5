// Idle I/O threads kept for the next handle of the same environment. Starting a
// thread is most of what opening a handle costs, and agents open and close handles
// as routers come and go. A thread is kept only after its handle's close has run (it
// holds no socket), and never one that could not return to its own namespace.
// Each JavaScript environment (the main thread, each Worker) has its own cache, so a
// Worker that exits stops only its own threads.
#pragma once

#include <memory>
#include <vector>

#include "../socket/io_thread.h"

namespace nlroute::addon {

class ThreadCache {
 public:
  ThreadCache() = default;
  ~ThreadCache() { drain(); }
  ThreadCache(const ThreadCache&) = delete;
  ThreadCache& operator=(const ThreadCache&) = delete;

  // A cached thread, or a new one.
  std::unique_ptr<io::IoThread> take();
  // Keeps the thread for later, or stops it when enough are kept already.
  void give(std::unique_ptr<io::IoThread> thread);
  // Stops and joins every kept thread.
  void drain();

 private:
  std::vector<std::unique_ptr<io::IoThread>> kept_;  // used on the JavaScript thread only
};

}  // namespace nlroute::addon
