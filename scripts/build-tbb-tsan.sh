#!/usr/bin/env bash
# Builds oneTBB itself with ThreadSanitizer into PREFIX (default build-tsan/tbb), for the TSan
# build of the tests. Debian's libtbb is not instrumented: TSan then cannot see the
# synchronisation inside it (task spawning, stealing and joining) and reports every write in a
# parallel_for body as a race with the thread that spawned it: hundreds of false reports, which no
# suppression could remove without hiding real races too. Built from the Debian source package of
# the installed libtbb-dev (same version, same patches' upstream), only the tbb library: ~30 s.
# Does nothing when PREFIX already holds it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
prefix=$(realpath -m "${1:-build-tsan/tbb}")
[[ -f $prefix/lib/cmake/TBB/TBBConfig.cmake ]] && exit 0
package=$(dpkg-query -W -f='${source:Package}' libtbb-dev)
version=$(dpkg-query -W -f='${Version}' libtbb-dev)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get source with a sources list of our own: the system's own package sources turned into
# deb-src entries (same mirror, same suites), so the system's apt configuration is left as it is.
mkdir -p "$work/sources" "$work/lists/partial" "$work/src"
for file in /etc/apt/sources.list.d/*.sources; do
  [[ -f $file ]] && sed 's/^Types:.*/Types: deb-src/' "$file" >"$work/sources/$(basename "$file")"
done
if [[ -f /etc/apt/sources.list ]]; then
  { grep -E '^deb ' /etc/apt/sources.list || true; } | sed 's/^deb /deb-src /' >"$work/sources/system.list"
fi
apt_options=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/sources"
  -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
apt-get "${apt_options[@]}" update -qq
(cd "$work/src" && apt-get "${apt_options[@]}" source --download-only -qq "$package=$version")
tar -xf "$work"/src/*.orig.tar.* -C "$work/src"
source_dir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d | head -1)
cmake -S "$source_dir" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread \
  -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF -DTBB_STRICT=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$work/build" -j "$(nproc)" >/dev/null
cmake --install "$work/build" >/dev/null
echo "oneTBB $version built with ThreadSanitizer into $prefix"
