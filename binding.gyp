{
  "targets": [
    {
      "target_name": "nlroute",
      "sources": ["<!@(cat native/sources.txt)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: when a Worker is terminated while one of
      # our methods is running, node-addon-api cannot throw the method's error into
      # JavaScript any more; without it, it throws a C++ exception out of the callback
      # instead, and the process aborts (std::terminate). With it, the error is dropped:
      # nothing is left to catch it anyway.
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "conditions": [
        ["OS!='linux'", { "sources": [] }]
      ]
    }
  ]
}
