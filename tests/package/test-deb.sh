#!/bin/bash
# Builds the Debian package with CPack, installs it with dpkg -i on this
# machine and checks that what an admin touches works from the package:
# nvmetctl --version, man nvmetctl / man 5 nvmetctl.yaml, the bash completion
# loaded on demand by bash-completion, the zsh and fish completions, the
# systemd unit, the conffile /etc/nvmetctl/target.yaml, the examples and the
# Ansible collection.
#
#   tests/package/test-deb.sh [--keep]
#
# Idempotent: every run rebuilds and reinstalls the same package; at the end
# the package is purged again unless --keep is given. Needs root (dpkg -i);
# installs man-db, bash-completion and dpkg-dev with apt-get when missing.
set -euo pipefail

keep=0
[[ ${1:-} == --keep ]] && keep=1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${NVMETCTL_PKG_BUILD:-$repo/build-pkg}
failures=0

say() { printf '== %s\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
bad() {
    printf '   FAIL: %s\n' "$*"
    failures=$((failures + 1))
}

[[ $(id -u) -eq 0 ]] || { echo "run as root (dpkg -i)" >&2; exit 1; }

need=()
command -v man >/dev/null || need+=(man-db)
[[ -r /usr/share/bash-completion/bash_completion ]] || need+=(bash-completion)
command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev)
if ((${#need[@]})); then
    say "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

say "build the package in $build"
cmake -S "$repo" -B "$build" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 -DNVMETCTL_BUILD_TESTS=OFF >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" >"$build.build.log" 2>&1 || { tail -50 "$build.build.log"; exit 1; }
rm -f "$build"/nvmetctl_*.deb
(cd "$build" && cpack -G DEB >"$build.cpack.log" 2>&1) || { cat "$build.cpack.log"; exit 1; }
deb=$(ls "$build"/nvmetctl_*.deb)
version=$(dpkg-deb -f "$deb" Version)
ok "$(basename "$deb")"

say "package contents and metadata"
listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/sbin/nvmetctl ./usr/share/man/man8/nvmetctl.8.gz ./usr/share/man/man5/nvmetctl.yaml.5.gz \
    ./usr/share/bash-completion/completions/nvmetctl ./usr/share/zsh/vendor-completions/_nvmetctl \
    ./usr/share/fish/vendor_completions.d/nvmetctl.fish ./lib/systemd/system/nvmetctl.service \
    ./lib/systemd/system/nvmetctl-watch.service \
    ./etc/nvmetctl/target.yaml ./usr/share/doc/nvmetctl/examples/rdma.yaml; do
    if grep -qxF "$path" <<<"$listing"; then ok "$path"; else bad "missing $path"; fi
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libyaml-cpp libkmod2 libmnl0 libnvme1 libnftables1 libsystemd0 libssl3 libkeyutils1 zlib1g; do
    if [[ $depends == *"$lib"* ]]; then ok "Depends has $lib"; else bad "Depends lacks $lib: $depends"; fi
done
if dpkg-deb -e "$deb" "$build/DEBIAN.check" 2>/dev/null || { rm -rf "$build/DEBIAN.check"; dpkg-deb -e "$deb" "$build/DEBIAN.check"; }; then
    if grep -qxF /etc/nvmetctl/target.yaml "$build/DEBIAN.check/conffiles"; then ok "conffile /etc/nvmetctl/target.yaml"
    else bad "target.yaml is not a conffile"; fi
    rm -rf "$build/DEBIAN.check"
fi

say "dpkg -i"
# An admin's edit of the conffile must survive a reinstall.
if [[ -f /etc/nvmetctl/target.yaml ]] && dpkg -s nvmetctl >/dev/null 2>&1; then
    echo "# local edit by test-deb.sh" >>/etc/nvmetctl/target.yaml
    edited=1
else
    edited=0
fi
DEBIAN_FRONTEND=noninteractive dpkg -i --force-confold "$deb" >"$build.dpkg.log" 2>&1 || { cat "$build.dpkg.log"; exit 1; }
if [[ $(dpkg-query -W -f='${Status} ${Version}' nvmetctl) == "install ok installed $version" ]]; then
    ok "nvmetctl $version installed"
else
    bad "dpkg status: $(dpkg-query -W -f='${Status} ${Version}' nvmetctl)"
fi
if ((edited)); then
    if grep -q "local edit by test-deb.sh" /etc/nvmetctl/target.yaml; then ok "conffile edit kept on reinstall"
    else bad "conffile edit lost on reinstall"; fi
fi

say "nvmetctl --version"
out=$(/usr/sbin/nvmetctl --version)
if [[ $out == "nvmetctl $version"* ]]; then ok "$out"; else bad "--version says '$out', package is $version"; fi
if /usr/sbin/nvmetctl validate /etc/nvmetctl/target.yaml >/dev/null; then ok "the shipped target.yaml validates"
else bad "the shipped target.yaml does not validate"; fi
for example in /usr/share/doc/nvmetctl/examples/{rdma,tcp,loop,ana-multipath,file-backed}.yaml; do
    if /usr/sbin/nvmetctl validate "$example" >/dev/null; then ok "validate $(basename "$example")"
    else bad "example $example does not validate"; fi
done

say "the Ansible collection, found where ansible-core looks by default"
collection=/usr/share/ansible/collections/ansible_collections/nvmetctl/nvmet
if [[ -f $collection/plugins/modules/target.py && -f $collection/galaxy.yml ]]; then ok "$collection"
else bad "the collection is not installed under $collection"; fi
if command -v ansible-doc >/dev/null; then
    if doc=$(env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_COLLECTIONS_PATHS HOME="$(mktemp -d)" \
        ansible-doc -t module nvmetctl.nvmet.target 2>&1) && grep -q "allow_recreate" <<<"$doc"; then
        ok "ansible-doc -t module nvmetctl.nvmet.target"
    else
        bad "ansible-doc does not find the packaged module: $(head -3 <<<"$doc")"
    fi
fi

say "man pages"
if [[ $(man -w nvmetctl) == /usr/share/man/man8/nvmetctl.8.gz ]]; then ok "man -w nvmetctl"
else bad "man -w nvmetctl: $(man -w nvmetctl 2>&1)"; fi
page=$(MANWIDTH=80 man nvmetctl 2>"$build.man.err" | col -b)
if [[ $page == *"nvmetctl - make the kernel NVMe-oF target"* && $page == *"EXIT STATUS"* ]]; then ok "man nvmetctl renders"
else bad "man nvmetctl: $(head -5 <<<"$page")"; fi
if [[ -s $build.man.err ]]; then bad "man nvmetctl warned: $(cat "$build.man.err")"; else ok "no warnings"; fi
page=$(MANWIDTH=80 man 5 nvmetctl.yaml 2>/dev/null | col -b)
if [[ $page == *"dhchap_key_file"* ]]; then ok "man 5 nvmetctl.yaml renders"; else bad "man 5 nvmetctl.yaml"; fi

say "bash completion, loaded on demand by bash-completion"
offers=$(bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    __load_completion nvmetctl || exit 3
    COMP_WORDS=(nvmetctl ""); COMP_CWORD=1; COMP_LINE="nvmetctl "; COMP_POINT=${#COMP_LINE}
    func=$(complete -p nvmetctl | sed -n "s/.*-F \([^ ]*\).*/\1/p")
    "$func" nvmetctl "" nvmetctl
    printf "%s\n" "${COMPREPLY[@]}"') || true
if grep -qx apply <<<"$offers" && grep -qx status <<<"$offers" && grep -qx import-nvmetcli <<<"$offers"; then
    ok "nvmetctl <Tab> offers $(tr '\n' ' ' <<<"$offers")"
else
    bad "bash completion offers: $offers"
fi
offers=$(bash "$repo/tests/completions/bash-complete.sh" /usr/share/bash-completion/completions/nvmetctl 'nvmetctl apply --')
if grep -qx -- --wait <<<"$offers"; then ok "nvmetctl apply --<Tab> offers --wait"; else bad "apply --: $offers"; fi
if command -v zsh >/dev/null; then
    offers=$(timeout 60 zsh -f "$repo/tests/completions/zsh-complete.zsh" /usr/share/zsh/vendor-completions 'nvmetctl ')
    if grep -qx status <<<"$offers"; then ok "zsh completion from vendor-completions"; else bad "zsh: $offers"; fi
fi
if command -v fish >/dev/null; then
    # fish finds vendor completions by itself (--no-config would skip them);
    # an empty home keeps the user's configuration out.
    fish_home=$(mktemp -d)
    offers=$(HOME=$fish_home XDG_CONFIG_HOME=$fish_home/.config XDG_DATA_HOME=$fish_home/.local/share \
        fish -c "complete -C 'nvmetctl '" | cut -f1)
    rm -rf "$fish_home"
    if grep -qx status <<<"$offers"; then ok "fish completion from vendor_completions.d"; else bad "fish: $offers"; fi
fi

say "systemd unit"
unit=/lib/systemd/system/nvmetctl.service
if grep -qx 'ExecStart=/usr/sbin/nvmetctl apply --wait 120 /etc/nvmetctl/target.yaml' "$unit"; then ok "ExecStart uses --wait"
else bad "ExecStart: $(grep ExecStart= "$unit")"; fi
watch_unit=/lib/systemd/system/nvmetctl-watch.service
if grep -qx 'Type=notify' "$watch_unit" && grep -q '^ExecStart=/usr/sbin/nvmetctl watch .*/etc/nvmetctl/target.yaml$' "$watch_unit" &&
    grep -q '^WatchdogSec=' "$watch_unit"; then ok "the agent's unit: Type=notify, watch, watchdog"
else bad "nvmetctl-watch.service: $(grep -E 'Type=|ExecStart=|WatchdogSec=' "$watch_unit")"; fi
if command -v systemd-analyze >/dev/null; then
    for u in "$unit" "$watch_unit"; do
        if err=$(systemd-analyze verify "$u" 2>&1 | grep -v "Command 'man" || true) && [[ -z $err ]]; then
            ok "systemd-analyze verify ${u##*/}"
        else
            bad "systemd-analyze verify ${u##*/}: $err"
        fi
    done
fi

if ((keep == 0)); then
    say "dpkg --purge"
    dpkg --purge nvmetctl >/dev/null
    if [[ -e /usr/sbin/nvmetctl || -e /etc/nvmetctl/target.yaml ]]; then bad "purge left files"; else ok "purged"; fi
fi

echo
if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "package OK"
