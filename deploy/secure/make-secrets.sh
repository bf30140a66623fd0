#!/usr/bin/env bash
# Secrets for docker-compose.secure.yml: a private CA, the broker's TLS key pair, PostgreSQL's TLS key pair,
# a SCRAM-SHA-512 password per Kafka principal (the administrator and one per stage) and each stage's JAAS line.
#
#   bash deploy/secure/make-secrets.sh [DIR]      (default deploy/secrets/secure, git-ignored)
#
# Idempotent: what exists is kept (re-running never rotates a password a running broker already knows); delete DIR
# to start over. Needs openssl and the JDK's keytool (Java needs a truststore entry keytool writes).
# Layout (mounted read-only by the overlay, each service only what it needs):
#   ca/ca.key ca/ca.crt                        the private CA (ca.key never leaves this machine)
#   client-tls/ca.crt truststore.p12 truststore.password     what every client needs to verify servers
#   kafka-tls/kafka.p12 store.password         the broker's key pair (PKCS12)
#   postgres-tls/server.crt server.key         PostgreSQL's key pair
#   kafka-users/<principal>.password           SCRAM passwords, read by the broker at format time
#   kafka-jaas/<principal>.conf                sasl.jaas.config of each principal (EHRFLOW_KAFKA_SASL_JAAS_CONFIG_FILE)
#   kafka-admin/admin.properties               the administrator's client settings (topics and ACL jobs, health)
set -euo pipefail

DIR="${1:-$(cd "$(dirname "$0")/../.." && pwd)/deploy/secrets/secure}"
# Every Kafka principal: the administrator, then one per stage (names = application ids, runtime StageAcls).
PRINCIPALS=(admin hl7-listener fhir-gateway fhir-normalizer chunker-stream embedder-sink cdc-capture
  document-extractor document-ocr ops)
# Host names the certificates are valid for: compose service names, plus loopback for tests and port forwards.
KAFKA_SAN="DNS:kafka,DNS:localhost,IP:127.0.0.1"
POSTGRES_SAN="DNS:postgres,DNS:localhost,IP:127.0.0.1"
DAYS="${EHRFLOW_CERT_DAYS:-825}"

for tool in openssl keytool; do
  command -v "$tool" >/dev/null || { echo "make-secrets: $tool is required" >&2; exit 2; }
done
umask 077
mkdir -p "$DIR"/{ca,client-tls,kafka-tls,postgres-tls,kafka-users,kafka-jaas,kafka-admin}

random() { openssl rand -hex 24; }
# Writes $2 to $1 unless $1 exists (owner-only: umask 077).
keep() { [ -s "$1" ] || printf '%s' "$2" > "$1"; }

if [ ! -s "$DIR/ca/ca.crt" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$DAYS" \
    -subj "/CN=ehrflow private CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$DIR/ca/ca.key" -out "$DIR/ca/ca.crt" 2>/dev/null
fi

# A key pair for $1 (file stem) with subject alternative names $2, signed by the CA.
server_cert() {
  local stem="$1" san="$2"
  [ -s "$stem.crt" ] && return 0
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=${stem##*/}" \
    -keyout "$stem.key" -out "$stem.csr" 2>/dev/null
  openssl x509 -req -in "$stem.csr" -CA "$DIR/ca/ca.crt" -CAkey "$DIR/ca/ca.key" -CAcreateserial \
    -days "$DAYS" -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san") \
    -out "$stem.crt" 2>/dev/null
  rm -f "$stem.csr"
}

# Clients: the CA as PEM (PostgreSQL's sslrootcert) and as a Java truststore (Kafka clients).
cp "$DIR/ca/ca.crt" "$DIR/client-tls/ca.crt"
keep "$DIR/client-tls/truststore.password" "$(random)"
if [ ! -s "$DIR/client-tls/truststore.p12" ]; then
  keytool -importcert -noprompt -alias ehrflow-ca -file "$DIR/ca/ca.crt" -storetype PKCS12 \
    -keystore "$DIR/client-tls/truststore.p12" -storepass "$(cat "$DIR/client-tls/truststore.password")" >/dev/null
fi

# The broker: its key pair and chain in a PKCS12 keystore, password in a file its configuration reads.
server_cert "$DIR/kafka-tls/kafka" "$KAFKA_SAN"
keep "$DIR/kafka-tls/store.password" "$(random)"
if [ ! -s "$DIR/kafka-tls/kafka.p12" ]; then
  openssl pkcs12 -export -name kafka -inkey "$DIR/kafka-tls/kafka.key" -in "$DIR/kafka-tls/kafka.crt" \
    -certfile "$DIR/ca/ca.crt" -out "$DIR/kafka-tls/kafka.p12" \
    -passout "file:$DIR/kafka-tls/store.password"
fi
# The broker verifies nothing with a truststore of its own (clients authenticate with SCRAM), but its own
# inter-broker client needs one.
cp "$DIR/client-tls/truststore.p12" "$DIR/kafka-tls/truststore.p12"
cp "$DIR/client-tls/truststore.password" "$DIR/kafka-tls/truststore.password"
rm -f "$DIR/kafka-tls/kafka.key"

# PostgreSQL: key pair (the container's start command copies the key to a postgres-owned 0600 file).
server_cert "$DIR/postgres-tls/server" "$POSTGRES_SAN"

# Kafka principals: SCRAM passwords and JAAS lines.
for p in "${PRINCIPALS[@]}"; do
  keep "$DIR/kafka-users/$p.password" "$(random)"
  keep "$DIR/kafka-jaas/$p.conf" "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$p\" password=\"$(cat "$DIR/kafka-users/$p.password")\";"
done
if [ ! -s "$DIR/kafka-admin/admin.properties" ]; then
  cat > "$DIR/kafka-admin/admin.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(cat "$DIR/kafka-jaas/admin.conf")
ssl.truststore.location=/run/secrets/client-tls/truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=$(cat "$DIR/client-tls/truststore.password")
PROPS
fi
# Containers run as other users than this one: files readable by all inside DIR, DIR itself owner-only; mount
# only what a service needs (the overlay does).
chmod -R a+rX "$DIR" && chmod 700 "$DIR"
chmod 600 "$DIR/ca/ca.key"
echo "make-secrets: secrets in $DIR"
