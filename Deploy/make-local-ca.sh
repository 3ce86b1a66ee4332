#!/usr/bin/env bash
# Makes a throwaway certificate authority and a certificate for trying the deployment locally:
#   Deploy/make-local-ca.sh DIR [NAME ...]
# writes DIR/ca.pem (give it to tally with --cacert), DIR/tally.pem (certificate chain and key, for
# HAProxy's `crt`) for the names given (default: localhost and 127.0.0.1). Not for production.
set -euo pipefail
dir=${1:?usage: make-local-ca.sh DIR [NAME ...]}
shift
names=("${@:-localhost}")
mkdir -p "$dir"
san="IP:127.0.0.1"
for name in "${names[@]}"; do
    if [[ $name =~ ^[0-9.]+$ ]]; then san="$san,IP:$name"; else san="$san,DNS:$name"; fi
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=Tally local CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=${names[0]}" \
    -keyout "$dir/tally.key" -out "$dir/tally.csr" 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$dir/tally.ext"
openssl x509 -req -in "$dir/tally.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 30 \
    -extfile "$dir/tally.ext" -out "$dir/tally.crt" 2>/dev/null
cat "$dir/tally.crt" "$dir/tally.key" >"$dir/tally.pem"
# tally.pem is read by the proxy container's user (uid 10002): this throwaway certificate is world-readable.
chmod 644 "$dir/tally.pem"
chmod 600 "$dir/ca.key" "$dir/tally.key"
rm -f "$dir/tally.csr" "$dir/tally.ext" "$dir/ca.srl"
echo "CA: $dir/ca.pem   certificate for HAProxy: $dir/tally.pem ($san)"
