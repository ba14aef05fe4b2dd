/* probe.c: asks a Kafka broker for its metadata; exits 0 once a broker answers and is listed.
 * Used by tests/kafka/broker.sh to wait until a freshly started broker is ready.
 * Usage: probe BOOTSTRAP [TIMEOUT_MS] */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s BOOTSTRAP [TIMEOUT_MS]\n", argv[0]);
    return 2;
  }
  int timeout_ms = argc > 2 ? atoi(argv[2]) : 2000;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "probe: %s\n", err);
    rd_kafka_conf_destroy(conf);
    return 2;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == NULL) {
    fprintf(stderr, "probe: %s\n", err);
    return 2;
  }
  const struct rd_kafka_metadata* md = NULL;
  rd_kafka_resp_err_t rc = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
  int ok = rc == RD_KAFKA_RESP_ERR_NO_ERROR && md->broker_cnt > 0;
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fprintf(stderr, "probe: %s: %s\n", argv[1], rd_kafka_err2str(rc));
  } else {
    printf("probe: %s answers with %d broker(s)\n", argv[1], md->broker_cnt);
  }
  if (md != NULL) rd_kafka_metadata_destroy(md);
  rd_kafka_destroy(rk);
  return ok ? 0 : 1;
}
