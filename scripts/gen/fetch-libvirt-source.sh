#!/usr/bin/env bash
# Generator (dev-only). Fetches Debian's source package of the pinned libvirt release into
# .cache/libvirt/, checks the orig tarball's size and SHA-256, and unpacks it. The deb-src
# entries are derived from this machine's own apt sources (no host name is written in the
# repository). The pin (version, Debian suite, tarball name, size, SHA-256) is
# scripts/gen/libvirt-pin.json; docs/regenerating.md says how to move it.
# Usage: fetch-libvirt-source.sh
# Exit codes: 0 unpacked; 3 the pinned tarball cannot be fetched or does not match the pin
# (nothing is unpacked, nothing falls back to another release); 1 anything else.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
pin="$root/scripts/gen/libvirt-pin.json"
field() { sed -n "s/^ *\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$pin"; }
version="$(field version)"
suite="$(field suite)"
tarball_name="$(field tarball)"
size="$(field size)"
sha256="$(field sha256)"
for v in version suite tarball_name size sha256; do
  [ -n "${!v}" ] || { echo "fetch-libvirt-source: $pin has no ${v%_name}" >&2; exit 1; }
done
cache="$root/.cache/libvirt"
mkdir -p "$cache/lists/partial"
src_file="$cache/debsrc.sources"
tarball="$cache/$tarball_name"

unavailable() {
  {
    echo "fetch-libvirt-source: the pinned libvirt $version cannot be used: $1"
    echo "  pinned: $tarball_name from Debian suite '$suite', $size bytes, SHA-256 $sha256 (scripts/gen/libvirt-pin.json)"
    echo "  Nothing was generated and nothing falls back to another release. To generate from a tree you have,"
    echo "  set LIBVIRT_SRC=/path/to/libvirt-<version>; to move the pin, see docs/regenerating.md."
  } >&2
  exit 3
}

check_tarball() {
  local got_size got_sha
  got_size="$(stat -c %s "$tarball")"
  got_sha="$(sha256sum "$tarball" | cut -d' ' -f1)"
  [ "$got_size" = "$size" ] && [ "$got_sha" = "$sha256" ] && return 0
  rm -f "$tarball"
  unavailable "$tarball_name is $got_size bytes with SHA-256 $got_sha, not the pinned tarball (removed)"
}

if [ ! -f "$tarball" ]; then
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
  [ -n "$uris" ] || unavailable "no apt source URIs found in /etc/apt to derive deb-src entries from"

  {
    echo "Types: deb-src"
    echo "URIs: $uris"
    echo "Suites: $suite"
    echo "Components: main"
    [ -n "$keyring" ] && echo "Signed-By: $keyring"
  } > "$src_file"

  apt_opts=(-o "Dir::Etc::SourceList=$src_file" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$cache/lists")
  apt-get "${apt_opts[@]}" update || unavailable "apt-get update of the deb-src index for suite '$suite' failed"
  offered="$(apt-cache "${apt_opts[@]}" showsrc libvirt 2>/dev/null | sed -n 's/^Version: //p' | paste -sd' ')"
  # --tar-only: the .dsc may be missing on the mirror; the tarball is all the generator reads.
  (cd "$cache" && apt-get "${apt_opts[@]}" source --download-only --tar-only "libvirt/$suite" >&2) \
    || unavailable "apt-get source could not download it (suite '$suite' offers libvirt ${offered:-nothing}; an old upload is removed from the pool when a new one arrives)"
  [ -f "$tarball" ] || unavailable "apt-get source did not produce it (suite '$suite' offers libvirt ${offered:-nothing}; got: $(cd "$cache" && ls libvirt_*.orig.tar.* 2>/dev/null | paste -sd' '))"
fi
check_tarball

rm -rf "$cache/libvirt-$version"
tar -C "$cache" -xf "$tarball"
got="$(sed -n "s/^ *version: '\([0-9.]*\)'.*/\1/p" "$cache/libvirt-$version/meson.build" | head -1)"
[ "$got" = "$version" ] || { echo "fetch-libvirt-source: unpacked libvirt is $got, expected $version" >&2; exit 1; }
echo "$sha256" > "$cache/libvirt-$version/.pinned-sha256"
echo "libvirt $version source in $cache/libvirt-$version (SHA-256 checked)"
