{
  # kafkit's addon: producer data path, transactions and Admin over librdkafka's C API. It is compiled against
  # librdkafka's headers from node-rdkafka's bundled sources and does not link librdkafka: native/loader.c loads
  # node-rdkafka's librdkafka.so.1 at run time (RTLD_GLOBAL), so the process holds one librdkafka and the addon
  # builds whether or not node-rdkafka's own build has run yet.
  "variables": {
    "rdkafka_include": "<!(node scripts/rdkafka-headers.mjs)",
    # KAFKIT_SANITIZE=1 in the environment builds with AddressSanitizer (scripts/test-asan.mjs does).
    "kafkit_sanitize": "<!(node -p \"process.env.KAFKIT_SANITIZE === '1' ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "kafkit",
      "sources": [
        "native/addon.c",
        "native/napi_util.c",
        "native/napi_values.c",
        "native/partitions.c",
        "native/loader.c",
        "native/client.c",
        "native/client_conf.c",
        "native/client_dispatch.c",
        "native/client_calls.c",
        "native/client_events.c",
        "native/worker.c",
        "native/metadata.c",
        "native/producer.c",
        "native/producer_queue.c",
        "native/send_now.c",
        "native/consumer.c",
        "native/consumer_fetch.c",
        "native/message_headers.c",
        "native/consumer_calls.c",
        "native/consumer_jobs.c",
        "native/admin.c",
        "native/transactions.c",
        "native/mock.c",
        "native/ops_topics.c",
        "native/ops_groups.c",
        "native/ops_records.c",
        "native/ops_configs.c",
        "native/ops_acls.c",
        "native/ops_scram.c"
      ],
      "include_dirs": ["<(rdkafka_include)"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-Wno-ignored-qualifiers"],
      "ldflags": ["-Wl,-z,lazy"],
      "libraries": ["-ldl"],
      "conditions": [
        ["kafkit_sanitize==1", {
          "cflags": ["-fsanitize=address", "-fno-omit-frame-pointer", "-g", "-O1"],
          "ldflags": ["-fsanitize=address"]
        }],
        ["OS=='mac'", {
          "xcode_settings": { "OTHER_LDFLAGS": ["-undefined", "dynamic_lookup"] }
        }]
      ]
    }
  ]
}
