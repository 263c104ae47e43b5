#include "thread_cache.h"

namespace nlroute::addon {

namespace {
constexpr size_t kMaxKept = 16;
}  // namespace

std::unique_ptr<io::IoThread> ThreadCache::take() {
  if (kept_.empty()) return std::make_unique<io::IoThread>();
  auto thread = std::move(kept_.back());
  kept_.pop_back();
  return thread;
}

void ThreadCache::give(std::unique_ptr<io::IoThread> thread) {
  if (!thread) return;
  if (!thread->retired() && kept_.size() < kMaxKept) {
    kept_.push_back(std::move(thread));
    return;
  }
  thread->stop_and_join();
}

void ThreadCache::drain() {
  std::vector<std::unique_ptr<io::IoThread>> threads;
  threads.swap(kept_);
  for (auto& t : threads) t->stop_and_join();
}

}  // namespace nlroute::addon
