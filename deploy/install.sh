#!/usr/bin/env bash
# Install (or upgrade to) a release of Assure on a Debian machine, as docs/deploy.md describes.
#
#   deploy/install.sh [--prefix DIR] [--env-file FILE] [--certificate FILE --certificate-key FILE]
#                     [--without-validators] dist/assure-X.Y.Z-py3-none-any.whl
#
# Run from a checkout of the release (it reads requirements.lock and deploy/ beside this script). It installs the
# Debian packages Assure needs when they are missing, then, under DIR (default: the machine itself):
#   opt/assure/releases/<release>/   a virtual environment with the locked requirements and the wheel
#   opt/assure/current               -> the release just installed (the previous one stays, for a rollback)
#   opt/assure/validators/           the DfE validation rules' own environment (unless --without-validators)
#   opt/assure/maintenance/          the page nginx shows during an upgrade
#   etc/assure/assure.env            the environment file (from --env-file, else the example; never overwritten)
#   etc/systemd/system/assure-*      the units and timers
#   etc/nginx/sites-available/assure the nginx site (once the environment file is complete)
#   var/lib/assure, var/log/assure   ASSURE_VAR_DIR and the logs
# With a prefix nothing outside DIR changes except Debian packages, and no user or service is touched: that is how
# CI checks this script. On the machine itself it also creates the `assure` system user and reloads systemd; it never
# migrates the database or starts services (docs/deploy.md, "Install" and "Upgrade", does that).
set -euo pipefail

prefix=""
env_file=""
certificate=""
certificate_key=""
validators=yes
wheel=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=$(realpath -m "$2"); shift 2 ;;
        --env-file) env_file=$(realpath "$2"); shift 2 ;;
        --certificate) certificate=$(realpath "$2"); shift 2 ;;
        --certificate-key) certificate_key=$(realpath "$2"); shift 2 ;;
        --without-validators) validators=no; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        -*) echo "Unknown option $1" >&2; exit 2 ;;
        *) wheel=$(realpath "$1"); shift ;;
    esac
done
if [ -z "$wheel" ] || [ ! -f "$wheel" ]; then
    echo "Give the wheel to install (make wheel builds dist/assure-*.whl)." >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
checkout=$(dirname "$here")
python=${PYTHON:-python3.11}

# Debian packages: Python, PDF output (Pango and fonts), the proxy, and pg_dump/pg_restore for backups.
packages="python3.11 python3.11-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation nginx postgresql-client"
missing=$(for p in $packages; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
    echo "Installing Debian packages: $(echo $missing)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

opt="$prefix/opt/assure"
etc="$prefix/etc/assure"
var="$prefix/var/lib/assure"
log="$prefix/var/log/assure"
units="$prefix/etc/systemd/system"
release_name=$(basename "$wheel" .whl)-$(date -u +%Y%m%dT%H%M%SZ)
release="$opt/releases/$release_name"

echo "Installing $release_name into $release"
mkdir -p "$opt/releases" "$opt/maintenance" "$opt/share/docs" "$etc" "$units" "$var" "$log"
"$python" -m venv "$release"
"$release/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$checkout/requirements.lock"
"$release/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$wheel"
if [ "$validators" = yes ]; then
    if [ ! -x "$opt/validators/bin/python" ]; then "$python" -m venv "$opt/validators"; fi
    "$opt/validators/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
        -r "$checkout/requirements-validators.lock"
fi
previous=$(readlink "$opt/current" 2>/dev/null || true)
ln -sfn "releases/$release_name" "$opt/current.new"
mv -T "$opt/current.new" "$opt/current"
[ -n "$previous" ] && echo "The previous release, for a rollback: $opt/$previous"

cp "$here/maintenance.html" "$opt/maintenance/maintenance.html"
cp "$checkout/docs/deploy.md" "$checkout/docs/reliability.md" "$opt/share/docs/"

# Paths in the units follow the prefix.
relocate() {
    sed -e "s#/opt/assure#$opt#g" -e "s#/etc/assure/#$etc/#g" -e "s#/var/lib/assure#$var#g" -e "s#/var/log/assure#$log#g" "$@"
}
for unit in "$here"/systemd/*.service "$here"/systemd/*.timer; do
    relocate "$unit" > "$units/$(basename "$unit")"
done

if [ -n "$env_file" ]; then
    install -m 0640 "$env_file" "$etc/assure.env"
elif [ ! -f "$etc/assure.env" ]; then
    relocate "$here/assure.env.example" > "$etc/assure.env"
    chmod 0640 "$etc/assure.env"
    echo "Wrote $etc/assure.env from the example: fill it in (docs/deploy.md, \"Settings\"), then run this again."
fi

if [ -z "$prefix" ]; then
    if ! id assure >/dev/null 2>&1; then
        adduser --system --group --home /var/lib/assure --no-create-home assure
    fi
    chown root:assure "$etc/assure.env"
    chown -R assure:assure "$var" "$log"
    chmod 0750 "$var" "$log"
    if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
fi

# With a complete environment file: static files, the deployment check, and the nginx site.
assure() { ASSURE_ENV_FILE="$etc/assure.env" "$opt/current/bin/assure" "$@"; }
if assure check --deploy --fail-level WARNING >/dev/null 2>"$log/install-check.log"; then
    assure collectstatic --no-input --verbosity 0
    mkdir -p "$prefix/etc/nginx/sites-available"
    assure nginx_site \
        --certificate "${certificate:-/etc/ssl/certs/assure.pem}" \
        --certificate-key "${certificate_key:-/etc/ssl/private/assure.key}" \
        --maintenance-flag "$etc/maintenance.on" \
        --maintenance-root "$opt/maintenance" \
        > "$prefix/etc/nginx/sites-available/assure"
    [ -z "$prefix" ] && chown -R assure:assure "$var"
    echo "Checked the settings, collected the static files and wrote $prefix/etc/nginx/sites-available/assure."
else
    echo "The environment file is not complete yet; what is missing:" >&2
    tail -n 3 "$log/install-check.log" >&2
fi
echo "Installed $release_name. Next: docs/deploy.md, \"Install\" (first time) or \"Upgrade\"."
