#!/usr/bin/env bash
# Interactive root shell inside a test guest (tests/vm/run-guest.sh --shell).
# The console is the serial line; lib.sh's helpers are available, without
# its errexit settings. `exit` powers the guest off.
cat >/run/nvmet-vm/shellrc <<RC
source "$NVMETCTL_VM_REPO/tests/vm/lib.sh"
set +eEuo pipefail
trap - ERR
PS1='[nvmet-vm \$(uname -r)] \w# '
echo "Guest shell on \$(uname -r). configfs is not mounted, nvmet not loaded."
echo "lib.sh helpers loaded (mount_configfs, setup_dummy_net, setup_rxe, hide_module, ...)."
RC
stty -F /dev/ttyS0 sane 2>/dev/null
exec setsid -c bash --rcfile /run/nvmet-vm/shellrc -i </dev/ttyS0 >/dev/ttyS0 2>&1
