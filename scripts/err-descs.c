/* Prints librdkafka's own error table (rd_kafka_get_err_descs) as JSON lines: code, name, err2str text.
 * Built and run by scripts/gen-error-codes.mjs against the librdkafka that node-rdkafka built. */
#include <stdio.h>
#include <librdkafka/rdkafka.h>

static void json_string(const char *s) {
  putchar('"');
  for (; s && *s; s++) {
    if (*s == '"' || *s == '\\') putchar('\\');
    if ((unsigned char)*s < 0x20) { printf("\\u%04x", *s); continue; }
    putchar(*s);
  }
  putchar('"');
}

int main(void) {
  const struct rd_kafka_err_desc *descs;
  size_t count;
  rd_kafka_get_err_descs(&descs, &count);
  printf("{\"version\":");
  json_string(rd_kafka_version_str());
  printf(",\"codes\":[\n");
  int first = 1;
  for (size_t i = 0; i < count; i++) {
    if (!descs[i].name) continue;
    printf("%s{\"code\":%d,\"name\":", first ? "" : ",\n", (int)descs[i].code);
    json_string(descs[i].name);
    printf(",\"text\":");
    json_string(rd_kafka_err2str(descs[i].code));
    printf("}");
    first = 0;
  }
  printf("]}\n");
  return 0;
}
