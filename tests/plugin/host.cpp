// Loads the plugin (AR_PLUGIN_PATH) with dlopen and runs its entry point; knows nothing of ar.
#include <dlfcn.h>

#include <iostream>

int main() {
  void* handle = dlopen(AR_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::cerr << "host: dlopen failed: " << dlerror() << '\n';
    return 1;
  }
  using entry = int (*)();
  auto run = reinterpret_cast<entry>(dlsym(handle, "ar_plugin_run"));
  if (!run) {
    std::cerr << "host: ar_plugin_run not found: " << dlerror() << '\n';
    return 1;
  }
  const int result = run();
  if (result != 2) {
    std::cerr << "host: the plugin returned " << result << ", not 2\n";
    return 1;
  }
  std::cout << "host: ok\n";
  return 0;
}
