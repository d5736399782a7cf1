#!/usr/bin/env bash
# Test certificates for the TLS servers of scripts/infra/tls.sh, made with openssl (idempotent).
#
#   scripts/infra/tls-certs.sh DIR
#
# DIR/ca.pem            the test CA (trusted by the tests, unknown to everyone else)
# DIR/other-ca.pem      a second CA that signed nothing the servers use ("unknown CA" tests)
# DIR/server.pem|.key   for 127.0.0.1 and localhost, signed by ca; server.p12 for Kafka (password changeit)
# DIR/client.pem|.key   CN=scheduler, signed by ca (MariaDB's X509 user, Kafka's mutual-TLS listener)
# DIR/client-encrypted.key  the same key encrypted with the passphrase in DIR/client-key-passphrase
set -euo pipefail
LOG_TAG=tls-certs
# shellcheck source=scripts/infra/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="${1:?usage: tls-certs.sh DIR}"
command -v openssl >/dev/null 2>&1 || apt_install openssl
[ -f "$DIR/.complete" ] && exit 0

mkdir -p "$DIR"
tmp="$(mktemp -d "$DIR.XXXX")"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
days=3650

ca() { # NAME SUBJECT
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" -subj "$2" \
    -keyout "$1.key" -out "$1.pem" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
leaf() { # NAME SUBJECT EXTFILE
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" -sha256 \
    -extfile "$3" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}

ca ca '/CN=delayed-action test CA'
ca other-ca '/CN=some other CA'
printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'extendedKeyUsage=serverAuth' >server.ext
printf '%s\n' 'extendedKeyUsage=clientAuth' >client.ext
leaf server '/CN=localhost' server.ext
leaf client '/CN=scheduler' client.ext
openssl rand -hex 16 >client-key-passphrase
openssl pkcs8 -topk8 -v2 aes-256-cbc -in client.key -out client-encrypted.key \
  -passout "file:client-key-passphrase"
openssl pkcs12 -export -in server.pem -inkey server.key -certfile ca.pem -name server \
  -out server.p12 -passout pass:changeit
rm -f ./*.ext ./*.srl other-ca.key
chmod 644 ./*
chmod 755 .
touch .complete
rm -rf "$DIR"
mv "$tmp" "$DIR"
trap - EXIT
log "made test certificates in $DIR"
