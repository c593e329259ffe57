#!/bin/bash
# Set-up for development, tests and the demo: installs the Debian packages the real back ends
# need (libvirtd, QEMU, python3-libvirt, ssh, SASL, TLS tools) when missing, then `npm ci` and
# `npm run build`. Idempotent and fast when everything is present. Not root or not Debian: it
# says exactly what is missing and how to install it.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients python3-libvirt
  qemu-system-x86 qemu-utils tini iptables dnsmasq-base
  openssh-server openssh-client netcat-openbsd libsasl2-modules sasl2-bin gnutls-bin openssl xz-utils
)
# Debian 12's libvirt-daemon holds every driver the tests use; from Debian 13 on each is a package
# of its own that libvirt-daemon only recommends (and --no-install-recommends leaves out).
debian_release=$( (. /etc/os-release 2>/dev/null && echo "${VERSION_ID:-}") || true)
if [ -r /etc/debian_version ] && ! [[ "$debian_release" =~ ^([0-9]|1[0-2])$ ]]; then
  PACKAGES+=(libvirt-daemon-driver-{network,nodedev,nwfilter,secret,storage,interface})
fi

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- Node.js -----------------------------------------------------------------------------------
command -v node >/dev/null || die "Node.js >= 20 is required (Debian: apt-get install nodejs npm, or use your Node 20+ install)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js >= 20 is required, found $(node --version)"
command -v npm >/dev/null || die "npm is required (Debian: apt-get install npm)"

# --- Debian packages ---------------------------------------------------------------------------
missing_packages() {
  # one dpkg-query for all: a package counts only when fully installed ("ii")
  local installed
  installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null | awk '$1 == "ii" { print $2 }' || true)
  local p
  for p in "${PACKAGES[@]}"; do
    grep -qx -- "$p" <<<"$installed" || printf '%s\n' "$p"
  done
}

if [ -r /etc/debian_version ] && command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
  mapfile -t missing < <(missing_packages)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      say "missing Debian packages: ${missing[*]}"
      die "as root, run: apt-get update && apt-get install --no-install-recommends ${missing[*]}  (or run this script as root)"
    fi
    say "installing: ${missing[*]}"
    # packages must not start system services (libvirtd, sshd, virtlogd) on this machine: the tests
    # start their own private daemons. policy-rc.d is Debian's switch for that.
    policy=/usr/sbin/policy-rc.d
    made_policy=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy"
      chmod 755 "$policy"
      made_policy=1
    fi
    cleanup_policy() { if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi; }
    trap cleanup_policy EXIT
    export DEBIAN_FRONTEND=noninteractive
    # a fresh machine's package lists may be empty or old
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    cleanup_policy
    trap - EXIT
    mapfile -t still < <(missing_packages)
    [ "${#still[@]}" -eq 0 ] || die "still missing after apt-get install: ${still[*]}"
    say "Debian packages installed"
  fi
else
  # not Debian: name what the tests need, by program, since package names differ
  need=()
  for prog in libvirtd virsh qemu-system-x86_64 tini unshare ssh sshd saslpasswd2 certtool openssl; do
    command -v "$prog" >/dev/null || [ -x "/usr/sbin/$prog" ] || need+=("$prog")
  done
  /usr/bin/python3 -c 'import libvirt' 2>/dev/null || need+=("python3-libvirt (for /usr/bin/python3)")
  if [ "${#need[@]}" -gt 0 ]; then
    say "this is not Debian; install these with your package manager: ${need[*]}"
    say "(on Debian: apt-get install --no-install-recommends ${PACKAGES[*]})"
  fi
fi

# --- npm dependencies and build ----------------------------------------------------------------
stamp=node_modules/.libvirt-async-setup
want=$(cat package-lock.json package.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  printf '%s\n' "$want" >"$stamp"
fi
npm run --silent build >&2
