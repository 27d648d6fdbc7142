#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 (trust auth, user postgres), as the tests expect.
# Starts the installed cluster if it is down; installs Debian's postgresql if there is none.
set -euo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if command -v pg_isready >/dev/null && ready; then echo "PostgreSQL is up on 127.0.0.1:5432"; exit 0; fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "installing PostgreSQL (Debian package postgresql)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  conf=$(ls -d /etc/postgresql/*/main | head -1)
  # Trust local TCP connections, as the test machines do.
  sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/; s/^(host\s+all\s+all\s+::1\/128\s+)\S+/\1trust/' "$conf/pg_hba.conf"
fi
version=$(ls /etc/postgresql | head -1)
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do ready && { echo "PostgreSQL is up on 127.0.0.1:5432"; exit 0; }; sleep 1; done
echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
