#!/usr/bin/env bash
# The deployment as written, checked (run by .ci/run; any Debian machine with this checkout's `make install-dev`):
# build the wheel with its assets, install it with deploy/install.sh under a temporary prefix outside the checkout,
# then there: `check --deploy`, a refusal for each missing required setting and for a unit without ASSURE_ENV,
# `systemd-analyze verify` of every unit, `nginx -t` of the site, and gunicorn and both workers started with the
# environment file against a PostgreSQL cluster with the documented owner and application roles, answering a page,
# /healthz and /healthz/worker.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$(pwd)

work=$(mktemp -d /tmp/assure-deploy.XXXXXX)
chmod 755 "$work"
root="$work/root"
pids=()
pg_bin=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)")
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -f "$work/pg/data/postmaster.pid" ]; then
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
step() { echo "-- $*"; }

step "build the wheel with its assets"
make --no-print-directory wheel >/dev/null
wheel=$(ls dist/assure-*.whl)

step "PostgreSQL with an owner and an application role (docs/deploy.md)"
mkdir -p "$work/pg" && chown postgres "$work/pg"
pg_port=$(free_port)
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c fsync=off" start >/dev/null
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 <<'SQL'
CREATE ROLE assure_owner LOGIN PASSWORD 'owner-password' CREATEDB;
CREATE ROLE assure_app LOGIN PASSWORD 'app-password';
CREATE DATABASE assure OWNER assure_owner;
REVOKE ALL ON DATABASE assure FROM PUBLIC;
GRANT CONNECT ON DATABASE assure TO assure_app;
\c assure
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO assure_owner;
SQL

step "the environment file, a certificate, and deploy/install.sh under $root"
web_port=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=assure.ci.test" \
    -keyout "$work/tls.key" -out "$work/tls.pem" 2>/dev/null
key() { python3 -c 'import secrets; print(secrets.token_urlsafe(50))'; }
cat > "$work/assure.env" <<EOF
ASSURE_ENV=production
DATABASE_URL=postgres://assure_app:app-password@127.0.0.1:$pg_port/assure
ASSURE_MIGRATE_DATABASE_URL=postgres://assure_owner:owner-password@127.0.0.1:$pg_port/assure
SECRET_KEY=$(key)
ASSURE_PSEUDONYMISATION_KEY=$(key)
ASSURE_AUDIT_KEY=$(key)
ALLOWED_HOSTS=assure.ci.test
CSRF_TRUSTED_ORIGINS=https://assure.ci.test
ASSURE_BASE_URL=https://assure.ci.test
ASSURE_VAR_DIR=$root/var/lib/assure
EMAIL_HOST=127.0.0.1
ASSURE_ALERT_EMAIL=operations@ci.test
ASSURE_WEB_BIND=127.0.0.1:$web_port
ASSURE_WEB_WORKERS=2
ASSURE_WEB_CONTROL_SOCKET=$work/gunicorn.ctl
ASSURE_WEB_ACCESS_LOG=$work/web-access.log
EOF
deploy/install.sh --prefix "$root" --env-file "$work/assure.env" --certificate "$work/tls.pem" \
    --certificate-key "$work/tls.key" --without-validators "$wheel" 2>&1 | sed -e '/^WARNING: Location/d' -e 's/^/   /'

# Everything from here runs outside the checkout, from the installed release only.
cd "$work"
bin="$root/opt/assure/current/bin"
env_file="$root/etc/assure/assure.env"
site_packages=$("$bin/python" -c 'import assure, pathlib; print(pathlib.Path(assure.__file__).parent.parent)')
case "$site_packages" in "$checkout"*) echo "FAIL: assure imports from the checkout" >&2; exit 1 ;; esac
test -f "$site_packages/assure/core/static/govuk/govuk-frontend.min.js"
test -f "$site_packages/assure/core/static/dist/assure.css"
test ! -e "$site_packages/node_modules"

step "check --deploy with the environment file"
ASSURE_ENV_FILE="$env_file" "$bin/assure" check --deploy --fail-level WARNING | sed 's/^/   /'

step "production refuses to start without each required setting, naming it"
for name in DATABASE_URL SECRET_KEY ASSURE_PSEUDONYMISATION_KEY ASSURE_AUDIT_KEY ALLOWED_HOSTS CSRF_TRUSTED_ORIGINS \
    ASSURE_BASE_URL ASSURE_VAR_DIR EMAIL_HOST; do
    grep -v "^$name=" "$env_file" > "$work/without.env"
    if ASSURE_ENV_FILE="$work/without.env" "$bin/assure" check >"$work/out" 2>&1; then
        echo "FAIL: started without $name" >&2; exit 1
    fi
    grep -q "$name must be set in production" "$work/out" || { cat "$work/out" >&2; exit 1; }
done
echo "   refused, naming each of the 9"

step "a unit without ASSURE_ENV is refused"
grep -v "^ASSURE_ENV=" "$env_file" > "$work/no-posture.env"
if env -u ASSURE_ENV ASSURE_ENV_FILE="$work/no-posture.env" "$bin/assure" check >"$work/out" 2>&1; then
    echo "FAIL: started without ASSURE_ENV" >&2; exit 1
fi
grep -q "ASSURE_ENV is not set" "$work/out"
echo "   refused: $(grep -o 'ASSURE_ENV is not set[^.]*' "$work/out" | head -n 1)"

step "systemd-analyze verify"
units="$root/etc/systemd/system"
(cd "$units" && SYSTEMD_UNIT_PATH="$units:" systemd-analyze verify --man=no \
    assure-web.service assure-worker@mail.service assure-worker@heavy.service assure-task@backup.service \
    assure-housekeeping.service assure-alert@assure-web.service.service ./*.timer)
echo "   $(ls "$units" | wc -l) units and timers verified"

step "nginx -t"
cat > "$work/nginx.conf" <<EOF
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events {}
http {
    include /etc/nginx/mime.types;
    include $root/etc/nginx/sites-available/assure;
}
EOF
sed -i "s#access_log /var/log/nginx/assure.access.log#access_log $work/nginx-access.log#" "$root/etc/nginx/sites-available/assure"
nginx -t -q -c "$work/nginx.conf" -p "$work"
echo "   the site is valid ($(grep -c 'auth_request /_assure' "$root/etc/nginx/sites-available/assure") upload pages guarded)"

step "migrate as the owner; gunicorn and both workers with the environment file"
ASSURE_ENV_FILE="$env_file" "$bin/assure" migrate --no-input -v 0
ASSURE_ENV_FILE="$env_file" "$bin/gunicorn" --config python:assure.gunicorn_conf assure.wsgi:application \
    >"$work/gunicorn.log" 2>&1 &
pids+=($!)
for queue in mail heavy; do
    ASSURE_ENV_FILE="$env_file" "$bin/assure" db_worker --queue-name "$queue" --no-reload >"$work/worker-$queue.log" 2>&1 &
    pids+=($!)
done
fetch() { curl -sS -o "$work/body" -w '%{http_code}' -H 'Host: assure.ci.test' -H 'X-Forwarded-Proto: https' \
    "http://127.0.0.1:$web_port$1"; }
for _ in $(seq 1 60); do [ "$(fetch /healthz 2>/dev/null)" = 200 ] && break; sleep 0.5; done
[ "$(fetch /healthz)" = 200 ] && grep -qx ok "$work/body" || { cat "$work/gunicorn.log" >&2; exit 1; }
echo "   /healthz: 200"
[ "$(fetch /sign-in/)" = 200 ] && grep -q "Sign in" "$work/body" || { cat "$work/gunicorn.log" >&2; exit 1; }
stylesheet=$(grep -o '/static/dist/assure[^"]*\.css' "$work/body" | head -n 1)
[ "$(fetch "$stylesheet")" = 200 ] || { echo "FAIL: $stylesheet" >&2; exit 1; }
[ "$(fetch /static/govuk/govuk-frontend.min.js)" = 200 ] || { echo "FAIL: GOV.UK Frontend's script" >&2; exit 1; }
echo "   the sign-in page: 200, with $stylesheet and GOV.UK Frontend's script"
for _ in $(seq 1 60); do [ "$(fetch /healthz/worker 2>/dev/null)" = 200 ] && break; sleep 0.5; done
[ "$(fetch /healthz/worker)" = 200 ] || { cat "$work/body" "$work"/worker-*.log >&2; exit 1; }
echo "   /healthz/worker: 200 (both queues beating)"
test -S "$work/gunicorn.ctl" && echo "   gunicorn's control socket: $work/gunicorn.ctl"
grep -q '"GET /healthz"' "$work/web-access.log" && echo "   access log: $(wc -l < "$work/web-access.log") lines"
echo "The deployment works as written."
