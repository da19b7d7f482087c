#!/bin/sh
# Build the Inception stack for the appliance: complete stack/.env from
# stack/.env.example, make the TLS certificate for LOGIN.42.fr when it is
# missing or names another host, build the images and plans with
# hostd-build (layers from the cache), and pack the layers the plans use
# into out/images.img, an ext4 filesystem labelled inception-images that
# hostd mounts read-only at /images. Usage: scripts/stack.sh OUT
set -eu
mkdir -p "$1"
out=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${INCEPTION_CACHE:-/var/cache/inception}
env=$top/stack/.env
secrets=$top/secrets

# stack/.env: created from the example on the first build; keys added to
# the example later are appended with their example values (said, never
# silently), so an older .env keeps working.
login=$("$top/scripts/config.sh" LOGIN)
grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$top/stack/.env.example" | while IFS= read -r line; do
	key=${line%%=*}
	if ! grep -Eq "^[[:space:]]*$key=" "$env"; then
		printf '%s\n' "$line" >>"$env"
		echo "stack: stack/.env had no $key; added $line from stack/.env.example"
	fi
done
port=$("$top/scripts/config.sh" HTTPS_PORT)
case $port in
'' | *[!0-9]*) echo "stack/.env: HTTPS_PORT must be a port number, not '$port'" >&2; exit 1 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
	echo "stack/.env: HTTPS_PORT must be 1-65535, not $port" >&2
	exit 1
fi

# The certificate: self-signed, for LOGIN.42.fr; the key stays in
# secrets/ (git-ignored) and reaches nginx only as /run/secrets/tls_key.
mkdir -p "$secrets"
chmod 700 "$secrets"
domain=$login.42.fr
if [ ! -s "$secrets/tls.crt" ] || [ ! -s "$secrets/tls.key" ] ||
	! openssl x509 -in "$secrets/tls.crt" -noout -checkhost "$domain" 2>/dev/null | grep -q 'does match'; then
	umask 077
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
		-subj "/CN=$domain" -addext "subjectAltName=DNS:$domain" \
		-keyout "$secrets/tls.key.new" -out "$secrets/tls.crt.new" 2>/dev/null
	mv "$secrets/tls.key.new" "$secrets/tls.key"
	mv "$secrets/tls.crt.new" "$secrets/tls.crt"
	umask 022
	echo "stack: made a self-signed certificate for $domain in secrets/tls.crt"
fi

"$out/hostd-build" --out "$out/stack" --cache "$cache" --hostd "$out/hostd" \
	--env "$env" --layers-at /images/layers --secrets-at /etc/hostd/secrets \
	"$top/stack/docker-compose.yml"

# The images filesystem: every layer a plan names, by its cache key.
stage=$out/build/images
rm -rf "$stage"
mkdir -p "$stage/layers"
sed -n 's|^layer /images/layers/||p' "$out"/stack/plans/*.plan | sort -u | while read -r l; do
	ln "$cache/layers/$l" "$stage/layers/$l" 2>/dev/null || cp "$cache/layers/$l" "$stage/layers/$l"
done
kib=$(du -sk --apparent-size "$stage" | cut -f1)
size=$((kib + kib / 10 + 8192))
rm -f "$out/images.img.tmp"
mke2fs -q -F -t ext4 -L inception-images -O ^has_journal -m 0 -N 256 \
	-d "$stage" "$out/images.img.tmp" "${size}k"
mv "$out/images.img.tmp" "$out/images.img"
rm -rf "$stage"
echo "stack: $(ls "$out"/stack/plans | wc -l) services, $(sed -n 's|^layer ||p' "$out"/stack/plans/*.plan | sort -u | wc -l) layers, images.img $((size / 1024)) MiB"
