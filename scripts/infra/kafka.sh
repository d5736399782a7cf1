#!/usr/bin/env bash
# Local single-node Kafka (KRaft) for tests and benchmarks, without Docker.
#
#   scripts/infra/kafka.sh [up|down|restart|status|resolve]     (default: up)
#
# Resolves org.apache.kafka:kafka_2.13 and its runtime jars with Maven into
# ~/.cache/delayed-action/kafka/lib (Maven repo ~/.cache/delayed-action/m2), formats a KRaft
# log dir once and runs `java kafka.Kafka` in the background (logs: ~/.cache/delayed-action/kafka/logs).
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_VERSION (3.9.1), KAFKA_HEAP (512m),
#      DELAYED_ACTION_CACHE (~/.cache/delayed-action), KAFKA_INSTANCE (kafka: the directory name,
#      so a second broker can run beside the first), KAFKA_TLS_CERTS (a directory made by
#      tls-certs.sh) with KAFKA_SASL_SSL_PORT and KAFKA_SSL_PORT: extra listeners, SASL_SSL with
#      users plain-user (PLAIN), scram256-user and scram512-user (SCRAM), and SSL requiring a
#      client certificate; each user's password is <user>-secret.
set -euo pipefail
LOG_TAG=kafka
# shellcheck source=scripts/infra/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
VERSION="${KAFKA_VERSION:-3.9.1}"
HEAP="${KAFKA_HEAP:-512m}"
BASE="$INFRA_CACHE/${KAFKA_INSTANCE:-kafka}"
TLS_CERTS="${KAFKA_TLS_CERTS:-}"
SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-}"
SSL_PORT="${KAFKA_SSL_PORT:-}"
LIB="$INFRA_CACHE/kafka/lib-$VERSION" # shared by every instance
M2="${KAFKA_M2_REPO:-$INFRA_CACHE/m2}"
DATA="$BASE/data"
LOGS="$BASE/logs"
CONF="$BASE/server.properties"
LOG4J="$BASE/log4j.properties"
PIDFILE="$BASE/kafka.pid"
OUT="$LOGS/kafka.out"

# Serves metadata: kafkajs admin lists topics (falls back to a TCP check without node_modules).
answers() {
  if [ -d "$REPO_ROOT/node_modules/kafkajs" ] && command -v node >/dev/null 2>&1; then
    (cd "$REPO_ROOT" && KAFKA_CHECK_BROKER="127.0.0.1:$PORT" timeout 15 node -e '
      const { Kafka, logLevel } = require("kafkajs");
      const admin = new Kafka({ brokers: [process.env.KAFKA_CHECK_BROKER], logLevel: logLevel.NOTHING,
        connectionTimeout: 2000, requestTimeout: 5000, retry: { retries: 0 } }).admin();
      admin.connect().then(() => admin.listTopics()).then(() => admin.disconnect())
        .then(() => process.exit(0), () => process.exit(1));' >/dev/null 2>&1)
  else
    port_open 127.0.0.1 "$PORT"
  fi
}

ours_running() { pid_alive "$PIDFILE" kafka.Kafka; }

ensure_tools() {
  command -v java >/dev/null 2>&1 || die "java not found; run: apt-get install -y openjdk-17-jre-headless"
  command -v mvn >/dev/null 2>&1 || die "mvn not found; run: apt-get install -y maven"
}

resolve_jars() {
  if [ -f "$LIB/.complete" ]; then
    return 0
  fi
  ensure_tools
  log "resolving org.apache.kafka:kafka_2.13:$VERSION with Maven into $LIB (Maven repo $M2)"
  local started=$SECONDS
  rm -rf "$LIB.tmp"
  mkdir -p "$LIB.tmp" "$M2"
  if ! mvn -B -q -f "$HERE/kafka/pom.xml" -Dmaven.repo.local="$M2" -Dkafka.version="$VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB.tmp" \
    >"$BASE/mvn.log" 2>&1; then
    tail -n 40 "$BASE/mvn.log" >&2
    die "Maven could not resolve Kafka $VERSION (log: $BASE/mvn.log); check access to Maven Central"
  fi
  ls "$LIB.tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "Maven ran but kafka_2.13 jar is missing in $LIB.tmp"
  touch "$LIB.tmp/.complete"
  rm -rf "$LIB"
  mv "$LIB.tmp" "$LIB"
  log "resolved $(ls "$LIB"/*.jar | wc -l) jars in $((SECONDS - started))s"
}

# PLAINTEXT (and the controller) always; with KAFKA_TLS_CERTS also SASL_SSL and mutual-TLS SSL.
listener_config() {
  if [ -z "$TLS_CERTS" ]; then
    printf '%s\n' "listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT" \
      "advertised.listeners=PLAINTEXT://127.0.0.1:$PORT" \
      "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    return 0
  fi
  [ -n "$SASL_SSL_PORT" ] && [ -n "$SSL_PORT" ] || die "KAFKA_TLS_CERTS needs KAFKA_SASL_SSL_PORT and KAFKA_SSL_PORT"
  local scram='org.apache.kafka.common.security.scram.ScramLoginModule required;'
  cat <<CONF
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT,SASL_SSL://127.0.0.1:$SASL_SSL_PORT,SSL://127.0.0.1:$SSL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,SASL_SSL://127.0.0.1:$SASL_SSL_PORT,SSL://127.0.0.1:$SSL_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_CERTS/server.p12
ssl.keystore.password=changeit
ssl.key.password=changeit
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_CERTS/ca.pem
listener.name.ssl.ssl.client.auth=required
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_plain-user="plain-user-secret";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=$scram
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$scram
CONF
}

# SCRAM credentials live in the cluster metadata: written once, when the log dir is formatted.
scram_users() {
  [ -n "$TLS_CERTS" ] || return 0
  printf '%s\n' --add-scram 'SCRAM-SHA-256=[name=scram256-user,password=scram256-user-secret]' \
    --add-scram 'SCRAM-SHA-512=[name=scram512-user,password=scram512-user-secret]'
}

write_config() {
  mkdir -p "$DATA" "$LOGS"
  cat >"$CONF.tmp" <<CONF
# Written by scripts/infra/kafka.sh; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
$(listener_config)
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=67108864
CONF
  mv "$CONF.tmp" "$CONF"
  cat >"$LOG4J" <<CONF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$LOGS/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=INFO
CONF
}

java_opts() {
  echo "-Xms256m -Xmx$HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true" \
    "-Dlog4j.configuration=file:$LOG4J -Dkafka.logs.dir=$LOGS"
}

format_storage() {
  [ -f "$DATA/meta.properties" ] && return 0
  local cluster_id
  cluster_id="$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
  [ -n "$cluster_id" ] || die "kafka.tools.StorageTool random-uuid failed"
  log "formatting KRaft log dir $DATA (cluster id $cluster_id)"
  # shellcheck disable=SC2046
  local scram=()
  mapfile -t scram < <(scram_users)
  if ! java $(java_opts) -cp "$LIB/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF" \
    "${scram[@]}" >"$LOGS/format.log" 2>&1; then
    cat "$LOGS/format.log" >&2
    die "formatting the KRaft log dir failed (log: $LOGS/format.log)"
  fi
}

start_broker() {
  log "starting Kafka $VERSION on 127.0.0.1:$PORT (logs: $LOGS/server.log)"
  : >"$OUT"
  # shellcheck disable=SC2046
  # 9>&-: the broker must not inherit the lock held by with_lock.
  setsid nohup java $(java_opts) -cp "$LIB/*" kafka.Kafka "$CONF" </dev/null >>"$OUT" 2>&1 9>&- &
  echo $! >"$PIDFILE"
  local pid
  pid="$(cat "$PIDFILE")"
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      tail -n 30 "$OUT" "$LOGS/server.log" >&2 2>/dev/null || true
      die "Kafka exited during start-up (logs: $OUT, $LOGS/server.log)"
    fi
    if port_open 127.0.0.1 "$PORT" && answers; then
      log "up: KAFKA_BROKERS=127.0.0.1:$PORT"
      return 0
    fi
    sleep 0.5
  done
  tail -n 30 "$LOGS/server.log" >&2 2>/dev/null || true
  die "Kafka did not serve metadata within 60s (logs: $LOGS/server.log; still running as pid $pid)"
}

cmd_up() {
  if ours_running && answers; then
    log "already up on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
    return 0
  fi
  if ours_running; then
    # Started but not serving yet (e.g. a concurrent up): wait for it instead of starting another.
    for _ in $(seq 1 120); do
      answers && {
        log "up: KAFKA_BROKERS=127.0.0.1:$PORT"
        return 0
      }
      ours_running || break
      sleep 0.5
    done
    ours_running && die "Kafka (pid $(cat "$PIDFILE")) runs but does not serve metadata; see $LOGS/server.log or run: scripts/infra/kafka.sh restart"
  fi
  if port_open 127.0.0.1 "$PORT"; then
    if answers; then
      log "a broker not managed by this script answers on 127.0.0.1:$PORT; using it as is"
      return 0
    fi
    die "port $PORT is taken by another process (pid $(listener_pid "$PORT")); stop it or set KAFKA_PORT"
  fi
  port_open 127.0.0.1 "$CPORT" && die "controller port $CPORT is taken (pid $(listener_pid "$CPORT")); stop it or set KAFKA_CONTROLLER_PORT"
  ensure_tools
  resolve_jars
  write_config
  format_storage
  start_broker
}

cmd_down() {
  if ! ours_running; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  local pid
  pid="$(cat "$PIDFILE")"
  log "stopping Kafka (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      log "stopped"
      return 0
    fi
    sleep 0.5
  done
  log "Kafka did not stop within 60s; killing pid $pid"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

cmd_status() {
  if ours_running && answers; then
    echo "kafka: up on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), Kafka $VERSION, data $DATA, log $LOGS/server.log)"
  elif ours_running; then
    echo "kafka: process $(cat "$PIDFILE") running but not serving metadata on 127.0.0.1:$PORT (log $LOGS/server.log)"
    return 1
  elif answers; then
    echo "kafka: a broker not managed here answers on 127.0.0.1:$PORT"
  else
    echo "kafka: down (run: npm run infra:up)"
    return 1
  fi
}

mkdir -p "$BASE" "$LOGS"
LOCK="$BASE/.lock"
case "${1:-up}" in
  up | start) with_lock "$LOCK" cmd_up ;;
  down | stop) with_lock "$LOCK" cmd_down ;;
  restart) with_lock "$LOCK" cmd_down && with_lock "$LOCK" cmd_up ;;
  status) cmd_status ;;
  resolve) with_lock "$LOCK" resolve_jars ;;
  *) die "usage: $0 [up|down|restart|status|resolve]" ;;
esac
