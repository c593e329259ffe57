#!/usr/bin/env bash
# Generator (dev-only). Fetches Debian's source package of libvirt (pinned version) into
# .cache/libvirt/ and unpacks it, using deb-src entries derived from this machine's own apt
# sources (no host name is written in the repository). Usage: fetch-libvirt-source.sh [VERSION]
set -euo pipefail

version="${1:-11.3.0}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/.cache/libvirt"
mkdir -p "$cache/lists/partial"
src_file="$cache/debsrc.sources"

# Main-archive URIs (and their keyring) from deb822 stanzas whose suites include a release
# suite (no "-updates"/"-security"), then from one-line sources.list entries.
uris=""
keyring=""
shopt -s nullglob
for f in /etc/apt/sources.list.d/*.sources; do
  while IFS=$'\t' read -r u s k; do
    [ -n "$u" ] || continue
    uris="$uris $u"
    [ -z "$keyring" ] && [ -n "$k" ] && keyring="$k"
  done < <(awk '
    function flush() { if (u != "" && rel) printf "%s\t%s\t%s\n", u, s, k; u = ""; s = ""; k = ""; rel = 0 }
    /^[[:space:]]*$/ { flush(); next }
    /^URIs:/ { u = $2 }
    /^Suites:/ { s = $0; for (i = 2; i <= NF; i++) if ($i !~ /-/) rel = 1 }
    /^Signed-By:/ { k = $2 }
    END { flush() }' "$f")
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  while read -r u; do uris="$uris $u"; done < <(awk '$1 == "deb" && $0 !~ /^#/ { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1) !~ /-/) print $i }' "$f")
done
uris="$(echo $uris | tr ' ' '\n' | awk 'NF && !seen[$0]++' | paste -sd' ')"
[ -n "$uris" ] || { echo "no apt source URIs found in /etc/apt" >&2; exit 1; }

{
  echo "Types: deb-src"
  echo "URIs: $uris"
  echo "Suites: bookworm trixie"
  echo "Components: main"
  [ -n "$keyring" ] && echo "Signed-By: $keyring"
} > "$src_file"

apt_opts=(-o "Dir::Etc::SourceList=$src_file" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$cache/lists")
apt-get "${apt_opts[@]}" update
(cd "$cache" && apt-get "${apt_opts[@]}" source --download-only --tar-only libvirt/trixie)

tarball="$cache/libvirt_${version}.orig.tar.xz"
[ -f "$tarball" ] || { echo "expected $tarball; the archive offers: $(ls "$cache"/libvirt_*.orig.tar.* 2>/dev/null)" >&2; exit 1; }
rm -rf "$cache/libvirt-$version"
tar -C "$cache" -xf "$tarball"
got="$(sed -n "s/^ *version: '\([0-9.]*\)'.*/\1/p" "$cache/libvirt-$version/meson.build" | head -1)"
[ "$got" = "$version" ] || { echo "unpacked libvirt is $got, expected $version" >&2; exit 1; }
echo "libvirt $version source in $cache/libvirt-$version"
