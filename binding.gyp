{
  # kafkit's admin addon. It links against the librdkafka that node-rdkafka built (headers and shared library under
  # node-rdkafka/build/deps), so the process holds one librdkafka. The location is resolved at build time, which
  # works both in this repository and when kafkit is installed (node-rdkafka then usually sits beside it).
  "variables": {
    "rdkafka_deps": "<!(node -p \"require('path').join(require('path').dirname(require.resolve('node-rdkafka/package.json')), 'build', 'deps')\")",
    "rdkafka_deps_from_addon": "<!(node -p \"require('path').relative(require('path').resolve('build', 'Release'), require('path').join(require('path').dirname(require.resolve('node-rdkafka/package.json')), 'build', 'deps'))\")"
  },
  "targets": [
    {
      "target_name": "kafkit_admin",
      "sources": [
        "native/addon.c",
        "native/napi_util.c",
        "native/ops_topics.c",
        "native/ops_groups.c",
        "native/ops_records.c",
        "native/ops_configs.c",
        "native/ops_acls.c",
        "native/ops_scram.c"
      ],
      "include_dirs": ["<(rdkafka_deps)/include"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-ignored-qualifiers"],
      "conditions": [
        ["OS=='linux'", {
          "libraries": [
            "-L<(rdkafka_deps)",
            "-l:librdkafka.so.1",
            # Relative first, so that a moved node_modules tree still finds the library; absolute as a fallback.
            "-Wl,-rpath,'$$ORIGIN/<(rdkafka_deps_from_addon)'",
            "-Wl,-rpath,<(rdkafka_deps)"
          ]
        }],
        ["OS=='mac'", {
          "libraries": ["-L<(rdkafka_deps)", "-lrdkafka", "-Wl,-rpath,<(rdkafka_deps)"]
        }]
      ]
    }
  ]
}
