#!/usr/bin/env bash
# tests/kafka/broker.sh: a throw-away single-node Apache Kafka broker (KRaft) for the Kafka tests.
#
#   broker.sh start   STATE_DIR   fetch the jars (once), format KRaft storage in STATE_DIR, start a
#                                 broker+controller on 127.0.0.1 on free ports, wait until it
#                                 answers a metadata request; prints COMMERCE_KAFKA_* lines to eval
#   broker.sh kill    STATE_DIR   SIGKILL the broker (keeps its data: the "crash" of a test)
#   broker.sh restart STATE_DIR   start it again on the same ports and data, wait until it answers
#   broker.sh stop    STATE_DIR   SIGTERM (SIGKILL after 20 s) and delete STATE_DIR
#   broker.sh deps                install what is missing (Debian packages) and fetch the jars
#
# The jars come from Maven Central through tests/kafka/broker/pom.xml, resolved with
# `mvn dependency:copy-dependencies` into .cache/kafka-jars (git-ignored; COMMERCE_KAFKA_JARS
# overrides the folder). The JVM heap is kept small (COMMERCE_KAFKA_HEAP, default 512m).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JARS="${COMMERCE_KAFKA_JARS:-$ROOT/.cache/kafka-jars}"
HEAP="${COMMERCE_KAFKA_HEAP:-512m}"

log() { echo "broker.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Installs the Debian packages the broker and the tests need, if missing.
ensure_packages() {
  local need=()
  command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  command -v cc >/dev/null 2>&1 || need+=(gcc)
  command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
  pkg-config --exists rdkafka 2>/dev/null || need+=(librdkafka-dev)
  if ((${#need[@]})); then
    [[ $(id -u) == 0 ]] || die "missing ${need[*]}; install them (apt-get install ${need[*]})"
    log "installing ${need[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  fi
}

# Fetches the broker's jars unless the cache already holds them for this pom.
ensure_jars() {
  local stamp="$JARS/.pom.sha256" want
  want="$(sha256sum "$HERE/broker/pom.xml" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$JARS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  log "fetching Apache Kafka jars from Maven Central into $JARS"
  rm -rf "$JARS"
  mkdir -p "$JARS"
  # Three tries: a registry that drops one connection should not fail the whole test run.
  local attempt
  for attempt in 1 2 3; do
    if (cd "$HERE/broker" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies \
          -DincludeScope=runtime -DoutputDirectory="$JARS") >"$JARS.mvn.log" 2>&1; then
      break
    fi
    tail -n 30 "$JARS.mvn.log" >&2
    ((attempt < 3)) || die "mvn dependency:copy-dependencies failed 3 times (output above)"
    log "mvn failed (try $attempt of 3); trying again in $((attempt * 10)) s"
    sleep $((attempt * 10))
  done
  compgen -G "$JARS/kafka_2.13-*.jar" >/dev/null || die "no kafka_2.13 jar in $JARS after mvn"
  echo "$want" >"$stamp"
}

ensure_probe() {
  local state="$1"
  if [[ ! -x "$state/probe" ]]; then
    # shellcheck disable=SC2046
    cc -O1 -o "$state/probe" "$HERE/broker/probe.c" $(pkg-config --cflags --libs rdkafka) \
      || die "cannot build the metadata probe (needs cc and librdkafka-dev)"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found on 127.0.0.1"
}

write_config() {
  local state="$1" port="$2" cport="$3"
  cat >"$state/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$state/data
num.partitions=3
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=500
num.network.threads=2
num.io.threads=2
background.threads=2
EOF
  cat >"$state/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$state/broker.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
  echo "127.0.0.1:$port" >"$state/bootstrap"
}

java_opts() {
  echo "-Xmx$HEAP -Xms64m -XX:+UseSerialGC -Djava.awt.headless=true" \
       "-Dlog4j.configuration=file:$1/log4j.properties"
}

launch() {
  local state="$1"
  # shellcheck disable=SC2046
  setsid java $(java_opts "$state") -cp "$JARS/*" kafka.Kafka "$state/server.properties" \
    >>"$state/stdout.log" 2>&1 </dev/null &
  echo $! >"$state/pid"
}

wait_ready() {
  local state="$1" bootstrap pid started=$SECONDS
  bootstrap="$(cat "$state/bootstrap")"
  pid="$(cat "$state/pid")"
  while ((SECONDS - started < 90)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$state/broker.log" "$state/stdout.log" >&2 || true
      log "the broker exited during start-up (logs above, in $state)"
      return 1
    fi
    if "$state/probe" "$bootstrap" 1000 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.3
  done
  tail -n 30 "$state/broker.log" >&2 || true
  log "the broker at $bootstrap did not answer within 90 s (log in $state/broker.log)"
  return 1
}

print_env() {
  local state="$1"
  echo "COMMERCE_KAFKA_BOOTSTRAP=$(cat "$state/bootstrap")"
  echo "COMMERCE_KAFKA_STATE_DIR=$state"
  echo "COMMERCE_KAFKA_BROKER_SCRIPT=$HERE/broker.sh"
}

stop_pid() {
  local state="$1" signal="$2" wait_s="$3" pid
  [[ -f "$state/pid" ]] || return 0
  pid="$(cat "$state/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq $((wait_s * 10))); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "broker $pid still alive after SIG$signal; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  fi
  rm -f "$state/pid"
}

cmd="${1:-}"
state="${2:-}"
case "$cmd" in
  deps)
    ensure_packages
    ensure_jars
    ;;
  start)
    [[ -n "$state" ]] || die "usage: broker.sh start STATE_DIR"
    ensure_packages
    ensure_jars
    mkdir -p "$state"
    state="$(cd "$state" && pwd)"
    [[ ! -f "$state/pid" ]] || die "$state already holds a broker (pid $(cat "$state/pid"))"
    ensure_probe "$state"
    # Two tries, each on fresh ports and fresh storage: a port taken between the check and the
    # bind, or a start-up that hangs, should not fail the whole test run.
    for attempt in 1 2; do
      port="$(free_port)"
      cport="$(free_port)"
      [[ "$port" != "$cport" ]] || cport="$(free_port)"
      write_config "$state" "$port" "$cport"
      rm -rf "$state/data"
      # A random 16-byte id, base64url; one starting with '-' would be read as an option.
      cluster_id="-"
      while [[ "$cluster_id" == -* ]]; do
        cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
      done
      # shellcheck disable=SC2046
      java $(java_opts "$state") -cp "$JARS/*" kafka.tools.StorageTool format \
        -t "$cluster_id" -c "$state/server.properties" >"$state/format.log" 2>&1 \
        || { cat "$state/format.log" >&2; die "kafka.tools.StorageTool format failed"; }
      t0=$SECONDS
      launch "$state"
      wait_ready "$state" && break
      stop_pid "$state" KILL 10
      ((attempt < 2)) || die "the broker did not start (twice; logs above)"
      log "starting again on other ports"
    done
    log "broker up at $(cat "$state/bootstrap") after $((SECONDS - t0)) s (state in $state)"
    print_env "$state"
    ;;
  kill)
    [[ -n "$state" && -f "$state/bootstrap" ]] || die "usage: broker.sh kill STATE_DIR (of a started broker)"
    stop_pid "$state" KILL 10
    log "broker killed"
    ;;
  restart)
    [[ -n "$state" && -f "$state/bootstrap" ]] || die "usage: broker.sh restart STATE_DIR (of a started broker)"
    stop_pid "$state" KILL 10
    port="$(cut -d: -f2 <"$state/bootstrap")"
    for _ in $(seq 100); do port_in_use "$port" || break; sleep 0.1; done
    port_in_use "$port" && die "port $port is taken; cannot restart the broker on it"
    launch "$state"
    wait_ready "$state" || die "the broker did not restart"
    log "broker restarted at $(cat "$state/bootstrap")"
    ;;
  stop)
    [[ -n "$state" ]] || die "usage: broker.sh stop STATE_DIR"
    [[ -d "$state" ]] || exit 0
    stop_pid "$state" TERM 20
    if [[ -z "${COMMERCE_KAFKA_KEEP_STATE:-}" ]]; then rm -rf "$state"; fi
    ;;
  *)
    sed -n '2,16p' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac
