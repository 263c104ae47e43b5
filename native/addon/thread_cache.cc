#include "thread_cache.h"

#include <mutex>
#include <vector>

namespace nlroute::addon {

namespace {
constexpr size_t kMaxKept = 16;

std::mutex cache_mutex;
std::vector<std::unique_ptr<io::IoThread>>& kept() {
  static auto* threads = new std::vector<std::unique_ptr<io::IoThread>>();  // never destroyed: see drain
  return *threads;
}
}  // namespace

std::unique_ptr<io::IoThread> take_io_thread() {
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    if (!kept().empty()) {
      auto thread = std::move(kept().back());
      kept().pop_back();
      return thread;
    }
  }
  return std::make_unique<io::IoThread>();
}

void give_io_thread(std::unique_ptr<io::IoThread> thread) {
  if (!thread) return;
  if (!thread->retired()) {
    std::lock_guard<std::mutex> lock(cache_mutex);
    if (kept().size() < kMaxKept) {
      kept().push_back(std::move(thread));
      return;
    }
  }
  thread->stop_and_join();
}

void drain_io_threads() {
  std::vector<std::unique_ptr<io::IoThread>> threads;
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    threads.swap(kept());
  }
  for (auto& t : threads) t->stop_and_join();
}

}  // namespace nlroute::addon
