# fish completion for nvmetctl(8)

set -l commands validate plan apply check watch export clear rollback status doctor import-nvmetcli

# Live names come from configfs: --configfs on the line, then
# $NVMETCTL_CONFIGFS, then /sys/kernel/config.
function __nvmetctl_configfs
    set -l tokens (commandline -opc)
    set -l i 1
    while test $i -lt (count $tokens)
        if test "$tokens[$i]" = --configfs
            echo $tokens[(math $i + 1)]
            return
        end
        set i (math $i + 1)
    end
    for t in $tokens
        if string match -q -- '--configfs=*' $t
            string replace -- '--configfs=' '' $t
            return
        end
    end
    if set -q NVMETCTL_CONFIGFS
        echo $NVMETCTL_CONFIGFS
    else
        echo /sys/kernel/config
    end
end

function __nvmetctl_live --argument-names kind
    set -l dir (__nvmetctl_configfs)/nvmet/$kind
    test -d $dir; or return 0
    for entry in $dir/*
        basename -- $entry
    end
end

function __nvmetctl_files --argument-names pattern
    set -l token (commandline -ct)
    for f in $token*
        if test -d $f
            echo $f/
        else if string match -q -- $pattern $f
            echo $f
        end
    end
end

complete -c nvmetctl -f

# Global options
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -s h -l help -d 'Show help'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l version -d 'Show the version'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -s o -l output -x -a 'text json prometheus' -d 'Output format'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l configfs -x -a '(__fish_complete_directories)' -d 'configfs mount point'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l sysfs -x -a '(__fish_complete_directories)' -d 'sysfs root'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l proc -x -a '(__fish_complete_directories)' -d 'procfs root'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l kmsg -r -F -d 'Kernel log device'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l debugfs -x -a '(__fish_complete_directories)' -d 'debugfs root'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l modules-dir -x -a '(__fish_complete_directories)' -d 'Kernel modules root'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l boot-dir -x -a '(__fish_complete_directories)' -d 'Where config-<release> lives'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l dev-dir -x -a '(__fish_complete_directories)' -d 'Device nodes and udev disk/by-id links'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l lock-file -r -F -d 'Lock file'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l run-dir -x -a '(__fish_complete_directories)' -d 'Crash journal directory'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -l tls-keyring -x -d 'Kernel keyring of the hosts TLS PSKs'

# Commands
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a validate -d 'Check a target file without touching the kernel'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a plan -d 'Show the steps apply would take'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a apply -d 'Make the live target match the file'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a check -d 'Prove that hosts are served'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a watch -d 'Keep the target converged'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a export -d 'Print the live target in the file format'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a clear -d 'Tear the whole target down'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a rollback -d 'Restore the target as it was before an interrupted run'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a status -d 'Show the live target and connected hosts'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a doctor -d 'Check that the system can run the target'
complete -c nvmetctl -n "not __fish_seen_subcommand_from $commands" -a import-nvmetcli -d 'Convert an nvmetcli config.json'

# Command options and arguments
complete -c nvmetctl -n "__fish_seen_subcommand_from $commands" -s h -l help -d 'Show help'
complete -c nvmetctl -n "__fish_seen_subcommand_from validate plan apply check watch doctor" -a "(__nvmetctl_files '*.y*ml')" -d 'Target file'
complete -c nvmetctl -n "__fish_seen_subcommand_from import-nvmetcli" -a "(__nvmetctl_files '*.json')" -d 'nvmetcli config'
complete -c nvmetctl -n "__fish_seen_subcommand_from plan" -l detailed-exitcode -d 'Exit 2 when changes are pending'
complete -c nvmetctl -n "__fish_seen_subcommand_from plan apply watch" -l prune -d 'Also remove undeclared objects'
complete -c nvmetctl -n "__fish_seen_subcommand_from plan apply watch" -l allow-recreate -d 'Recreate subsystems with frozen identity'
complete -c nvmetctl -n "__fish_seen_subcommand_from apply" -l dry-run -d 'Only show the plan'
complete -c nvmetctl -n "__fish_seen_subcommand_from rollback" -l dry-run -d 'Only show the steps that would restore it'
complete -c nvmetctl -n "__fish_seen_subcommand_from apply check clear rollback" -l lock-timeout -x -d 'Seconds to wait for another run'
complete -c nvmetctl -n "__fish_seen_subcommand_from apply" -l wait -x -d 'Seconds to wait for addresses and devices'
complete -c nvmetctl -n "__fish_seen_subcommand_from apply watch" -l check -d 'After verify, check that hosts are served; roll back if not'
complete -c nvmetctl -n "__fish_seen_subcommand_from apply watch" -l check-timeout -x -d 'With --check: seconds a connect may take'
complete -c nvmetctl -n "__fish_seen_subcommand_from check doctor" -l timeout -x -d 'Seconds a connect may take'
complete -c nvmetctl -n "__fish_seen_subcommand_from check" -l settle -x -d 'Seconds the host may take to show a block device'
complete -c nvmetctl -n "__fish_seen_subcommand_from watch" -l repair -d 'Put drift back'
complete -c nvmetctl -n "__fish_seen_subcommand_from watch" -l drift-interval -x -d 'Seconds between drift checks'
complete -c nvmetctl -n "__fish_seen_subcommand_from watch" -l metrics-file -r -F -d 'Write Prometheus metrics here'
complete -c nvmetctl -n "__fish_seen_subcommand_from doctor" -l probe -d 'Also connect as each allowed host and explain what is not served'
complete -c nvmetctl -n "__fish_seen_subcommand_from export" -l format -x -a 'yaml nvmetcli' -d 'Output format'
complete -c nvmetctl -n "__fish_seen_subcommand_from export" -l output -r -F -d 'Write to this file (atomically, mode 0600)'
complete -c nvmetctl -n "__fish_seen_subcommand_from export" -l stable-paths -d 'Kernel device names as their /dev/disk/by-id links'
complete -c nvmetctl -n "__fish_seen_subcommand_from clear" -l rdma-links -d 'Also delete rxe and siw links'
complete -c nvmetctl -n "__fish_seen_subcommand_from clear" -l unload-modules -d 'Also unload the modules'
complete -c nvmetctl -n "__fish_seen_subcommand_from clear" -l dry-run -d 'Only show the steps'
complete -c nvmetctl -n "__fish_seen_subcommand_from import-nvmetcli" -l key-dir -x -a '(__fish_complete_directories)' -d 'Write inline DH-HMAC-CHAP keys here'
complete -c nvmetctl -n "__fish_seen_subcommand_from status" -l subsystem -x -a '(__nvmetctl_live subsystems)' -d 'Show only this subsystem'
complete -c nvmetctl -n "__fish_seen_subcommand_from doctor" -s v -l verbose -d 'Also list what was checked and found healthy'
complete -c nvmetctl -n "__fish_seen_subcommand_from doctor" -l list -d 'List every finding id and what it checks'
complete -c nvmetctl -n "__fish_seen_subcommand_from status" -l port -x -a '(__nvmetctl_live ports)' -d 'Show only this port'
