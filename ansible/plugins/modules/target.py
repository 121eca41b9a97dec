#!/usr/bin/python
# -*- coding: utf-8 -*-
# Part of nvmetctl: make the kernel's NVMe-oF target match a target file.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: target
short_description: Make the kernel's NVMe-oF target match an nvmetctl target file
version_added: "0.1.0"
description:
  - Runs C(nvmetctl apply) on the managed node, so that the Linux kernel's
    NVMe over Fabrics target (nvmet, in configfs) matches a declarative
    target file, described in the nvmetctl.yaml(5) manual, which declares hosts,
    subsystems, namespaces, ports, referrals, ANA groups, Soft-RoCE links and
    kernel modules.
  - The task is C(changed) exactly when nvmetctl's plan has steps. A file that
    differs from the last one only in comments, order or defaults changes
    nothing, and a node that already matches is C(ok) without a single
    configfs write.
  - In check mode it runs C(nvmetctl plan) instead, which only reads the
    kernel's state, and reports whether a real run would change anything.
  - In diff mode the plan's steps (C(+) create, C(~) change, C(-/+) replace,
    C(-) remove) are returned as the diff, in the format of C(nvmetctl plan).
  - A failed apply is rolled back by nvmetctl itself. The task then fails with
    nvmetctl's error; for an invalid file, with the file, line and column of
    each error.
  - nvmetctl's JSON report is returned as I(report).
options:
  src:
    description:
      - Path of the target file on the managed node.
      - Exactly one of I(src) and I(content) is required.
    type: path
  content:
    description:
      - The target file's text, given inline. To send a file from the
        controller, read it with the C(ansible.builtin.file) lookup, as in the
        examples.
      - It is written to a temporary file of mode 0600 in Ansible's private
        temporary directory on the node, and removed when the module ends.
      - Exactly one of I(src) and I(content) is required.
    type: str
  content_name:
    description:
      - With I(content), the name that error messages and I(report) give the
        file instead of the temporary file's path, typically the controller
        path it was read from, so that an error reads
        C(files/target.yaml:4:13) followed by the error.
    type: str
    default: content
  prune:
    description:
      - Also remove the objects the file does not declare (C(--prune)).
        Without it they are left alone and listed as unmanaged in the plan.
    type: bool
    default: false
  allow_recreate:
    description:
      - Recreate subsystems whose identity (serial, model, version, firmware,
        IEEE OUI) a host has frozen, when the file changes it
        (C(--allow-recreate)). This disconnects their hosts.
    type: bool
    default: false
  check:
    description:
      - A confirmed change (C(apply --check)). After applying and verifying,
        prove that hosts are served by what changed, through the node's own
        NVMe host side; connect as each allowed host and read every
        namespace. When a host is not served, the change is rolled back and
        the task fails.
      - Not done in check mode, which only plans.
    type: bool
    default: false
  check_timeout:
    description:
      - With I(check), the seconds a connect may take (C(--check-timeout)).
        Default is nvmetctl's (10).
    type: float
  wait:
    description:
      - Seconds to wait first for the port addresses and namespace devices
        the file needs (C(--wait)), for example right after boot.
      - Not used in check mode.
    type: float
  lock_timeout:
    description:
      - Seconds to wait for another nvmetctl run holding the lock
        (C(--lock-timeout)). Default is nvmetctl's (10).
      - Not used in check mode; a plan takes no lock.
    type: float
  executable:
    description:
      - The nvmetctl binary, a name looked up in C(PATH) and the sbin
        directories, or a path.
    type: str
    default: nvmetctl
  configfs:
    description:
      - configfs mount point (C(--configfs)). Default is nvmetctl's
        (C(/sys/kernel/config)). For tests; the other system paths are moved
        with nvmetctl's C(NVMETCTL_*) variables through the task's
        C(environment).
    type: path
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Runs C(nvmetctl plan), which reads configfs and changes nothing.
  diff_mode:
    support: full
    details: The diff is the text of the plan's steps.
  platform:
    platforms: posix
notes:
  - nvmetctl must be installed on the managed node, and the module run as
    root (C(become)), as nvmetctl needs to write configfs and load modules.
  - Exit statuses of nvmetctl other than 0 fail the task; see nvmetctl(8).
    nvmetctl rolls back a failed apply by itself, so a failed task leaves the
    target as it was unless the message says the rollback is incomplete
    (then C(nvmetctl rollback) retries it).
  - The file is kept nowhere by the module. To have C(nvmetctl.service)
    restore the target at boot, copy the file to C(/etc/nvmetctl/target.yaml)
    after this task, as C(examples/ansible/apply-nvmet-target.yml) does.
seealso:
  - name: nvmetctl(8)
    description: The command line, the JSON reports and the exit statuses.
    link: https://manpages.debian.org/nvmetctl.8
author:
  - nvmetctl maintainers (@nvmetctl)
'''

EXAMPLES = r'''
- name: Make the target match a file already on the node
  nvmetctl.nvmet.target:
    src: /etc/nvmetctl/target.yaml
  become: true

- name: Send the file from the controller, remove what it does not declare
  nvmetctl.nvmet.target:
    content: "{{ lookup('ansible.builtin.file', 'files/target.yaml') }}"
    content_name: files/target.yaml
    prune: true
  become: true
  register: nvmet

- name: Show what changed
  ansible.builtin.debug:
    msg: "{{ nvmet.report.plan.summary }}"

- name: A confirmed change, rolled back unless every allowed host is served
  nvmetctl.nvmet.target:
    src: /etc/nvmetctl/target.yaml
    check: true
    check_timeout: 5
  become: true

- name: Only plan, whatever the play's mode
  nvmetctl.nvmet.target:
    src: /etc/nvmetctl/target.yaml
  check_mode: true
  become: true
'''

RETURN = r'''
report:
  description:
    - nvmetctl's JSON report, parsed; that of C(nvmetctl -o json apply), or
      of C(nvmetctl -o json plan) in check mode. See nvmetctl(8).
    - With I(content), the temporary file's path in it is replaced by
      I(content_name).
  returned: when nvmetctl printed one (always, but for a missing binary or a bad command line)
  type: dict
  contains:
    file:
      description: The target file.
      type: str
      returned: always
    diagnostics:
      description: The file's errors and warnings, each with C(severity), C(file), C(line), C(column), C(field) and C(message).
      type: list
      elements: dict
      returned: always
    plan:
      description:
        - The plan; C(changes) tells whether it has steps, C(steps) lists
          them (C(change), C(operation), C(object), C(path), and C(value),
          C(old_value), C(target), C(disruption) where they apply),
          C(unmanaged) the objects left alone, C(notes) what needs no step.
        - C(summary) counts them; C(configfs_mutations) is the number of
          configfs writes, mkdirs, links and removals the plan makes.
      type: dict
      returned: unless the file itself is invalid or unreadable
    status:
      description: What apply did; C(applied), C(no-changes), C(blocked) (the plan has errors), C(rolled-back), C(rollback-incomplete).
      type: str
      returned: when not in check mode, unless the file itself is invalid or unreadable
      sample: no-changes
    completed_operations:
      description: The steps apply performed (0 when the node already matched).
      type: int
      returned: when not in check mode, unless the file itself is invalid or unreadable
      sample: 0
    failure:
      description: Why apply failed (C(error), C(errno), C(kernel_log), C(cause), C(fix); or C(verify_drift); or C(check_failures)).
      type: dict
      returned: when apply failed
    rollback:
      description: The rollback after a failure (C(complete), C(undone_steps), C(kept), C(drift)).
      type: dict
      returned: when apply failed
    check:
      description: With I(check), the proof that hosts are served.
      type: dict
      returned: when I(check) was given and the plan had steps
    error:
      description: An error that is not about the file (I/O, a lock held by another run), with a C(hint).
      type: str
      returned: on such an error
  sample:
    file: /etc/nvmetctl/target.yaml
    diagnostics: []
    status: applied
    completed_operations: 2
    plan:
      changes: true
      notes: []
      unmanaged: []
      steps:
        - {change: "+", operation: mkdir, object: "subsystem nqn.2024-01.io.example:disk", path: "subsystems/nqn.2024-01.io.example:disk"}
        - {change: "+", operation: write, object: "subsystem nqn.2024-01.io.example:disk",
           path: "subsystems/nqn.2024-01.io.example:disk/attr_allow_any_host", value: "1"}
      summary: {create: 1, change: 0, replace: 0, remove: 0, operations: 2, configfs_mutations: 2}
errors:
  description:
    - The errors nvmetctl reported, one a line, as in I(msg).
    - "Those of the file read C(file:line:column: error: field: message)."
  returned: failure
  type: list
  elements: str
  sample: ["files/target.yaml:4:13: error: ports[0].trtype: must be one of rdma, tcp, fc, loop, pci, got 'carrier-pigeon'"]
rc:
  description: nvmetctl's exit status.
  returned: when nvmetctl ran
  type: int
  sample: 0
cmd:
  description: The nvmetctl command line that ran.
  returned: when nvmetctl ran
  type: list
  elements: str
  sample: [/usr/sbin/nvmetctl, -o, json, apply, /etc/nvmetctl/target.yaml]
stderr:
  description: nvmetctl's standard error (empty with C(-o json) but for a bad command line).
  returned: failure
  type: str
'''

import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes

# nvmetctl(8), EXIT STATUS: what each failure leaves behind, for the message.
EXIT_STATUS = {
    1: 'error: the job could not be done',
    3: 'invalid input; nothing was changed',
    4: 'apply failed and was rolled back; the target is as it was',
    5: 'apply failed and the rollback is incomplete',
    6: 'another nvmetctl run holds the lock',
    64: 'bad command line',
}

# nvmetctl's own column widths, so that the diff reads like `nvmetctl plan`.
BARE_OPERATIONS = {'mkdir': 'mkdir ', 'rmdir': 'rmdir ', 'unlink': 'unlink'}


def argument_spec():
    """The options, kept in one place for the module and its tests."""
    return dict(
        src=dict(type='path'),
        content=dict(type='str'),
        content_name=dict(type='str', default='content'),
        prune=dict(type='bool', default=False),
        allow_recreate=dict(type='bool', default=False),
        check=dict(type='bool', default=False),
        check_timeout=dict(type='float'),
        wait=dict(type='float'),
        lock_timeout=dict(type='float'),
        executable=dict(type='str', default='nvmetctl'),
        configfs=dict(type='path'),
    )


def shown(value):
    # nvmetctl already replaced a secret by this marker; it prints it unquoted.
    return value if value == '(secret)' else "'%s'" % value


def describe(step):
    """One step as `nvmetctl plan` prints it (the JSON omits a module's reason)."""
    operation, path = step.get('operation', '?'), step.get('path', '')
    if operation == 'write':
        if step.get('detail'):
            return 'write  %s = %s (%s)' % (path, shown(step.get('value', '')), step['detail'])
        if 'old_value' in step:
            return 'write  %s: %s -> %s' % (path, shown(step['old_value']), shown(step.get('value', '')))
        return 'write  %s = %s' % (path, shown(step.get('value', '')))
    if operation == 'link':
        return 'link   %s -> %s' % (path, step.get('target', ''))
    if operation in BARE_OPERATIONS:
        return '%s %s' % (BARE_OPERATIONS[operation], path)
    if operation == 'mount':
        return 'mount configfs on %s' % path
    return '%s %s' % (operation, path)


def summary_line(plan):
    if not plan.get('steps'):
        return 'No changes. The target matches the file.'
    s = plan.get('summary', {})
    return ('Plan: %d to create, %d to change, %d to replace, %d to remove (%d operations, %d in configfs).'
            % (s.get('create', 0), s.get('change', 0), s.get('replace', 0), s.get('remove', 0),
               s.get('operations', 0), s.get('configfs_mutations', 0)))


def render_plan(plan):
    """The plan as text, for the diff: the same lines as `nvmetctl plan`."""
    lines = ['  =   %s' % note for note in plan.get('notes', [])]
    for step in plan.get('steps', []):
        lines.append('  %-4s%s' % (step.get('change', ''), describe(step)))
        if step.get('disruption'):
            lines.append('        ! disrupts hosts: %s' % step['disruption'])
    for obj in plan.get('unmanaged', []):
        lines.append('  (unmanaged, left alone: %s; --prune removes it)' % obj)
    lines.append(summary_line(plan))
    return '\n'.join(lines) + '\n'


def format_diagnostic(d):
    """As nvmetctl prints it on stderr in text mode: file:line:column: error: field: message."""
    where = d.get('file', '')
    if where and d.get('line', 0) > 0:
        where += ':%d:%d' % (d['line'], d.get('column', 0))
    text = where + ': ' if where else ''
    text += d.get('severity', 'error') + ': '
    if d.get('field'):
        text += d['field'] + ': '
    return text + d.get('message', '')


def report_errors(report):
    """Every error in a report, one a line, the file's first."""
    errors = [format_diagnostic(d) for d in report.get('diagnostics', []) if d.get('severity') == 'error']
    if report.get('error'):
        errors.append(report['error'] + ('; hint: ' + report['hint'] if report.get('hint') else ''))
    failure = report.get('failure') or {}
    if failure.get('error'):
        errors.append(failure['error'])
        errors.extend('kernel: %s' % line for line in failure.get('kernel_log', []))
        if failure.get('cause'):
            errors.append('hint: %s' % failure['cause'] + ('; fix: %s' % failure['fix'] if failure.get('fix') else ''))
    errors.extend('drift after apply: %s' % line for line in failure.get('verify_drift', []))
    errors.extend('not served: %s' % line for line in failure.get('check_failures', []))
    rollback = report.get('rollback')
    if rollback is not None and not rollback.get('complete'):
        errors.extend('undo failed: %s' % e for e in rollback.get('errors', []))
        errors.extend('differs from before the run: %s' % d for d in rollback.get('drift', []))
        errors.append("rollback INCOMPLETE: 'nvmetctl rollback' retries restoring the target as it was")
    return errors


def renamed(value, old, new):
    """value with the string old replaced by new in every string it holds."""
    if isinstance(value, dict):
        return dict((k, renamed(v, old, new)) for k, v in value.items())
    if isinstance(value, list):
        return [renamed(v, old, new) for v in value]
    if isinstance(value, str):
        return value.replace(old, new)
    return value


def nvmetctl_command(module, binary, path):
    p = module.params
    cmd = [binary, '-o', 'json']
    if p['configfs']:
        cmd += ['--configfs', p['configfs']]
    # A plan only reads: check mode never takes the lock nor connects.
    cmd.append('plan' if module.check_mode else 'apply')
    if p['prune']:
        cmd.append('--prune')
    if p['allow_recreate']:
        cmd.append('--allow-recreate')
    if not module.check_mode:
        if p['check']:
            cmd.append('--check')
            if p['check_timeout'] is not None:
                cmd += ['--check-timeout', str(p['check_timeout'])]
        if p['wait'] is not None:
            cmd += ['--wait', str(p['wait'])]
        if p['lock_timeout'] is not None:
            cmd += ['--lock-timeout', str(p['lock_timeout'])]
    # `--` so that a file name starting with '-' is not read as an option.
    return cmd + ['--', path]


def staged_content(module):
    """Write the inline content to a private file that is removed at exit."""
    # module.tmpdir is Ansible's per-task directory (mode 0700) and is removed
    # even if nvmetctl is killed; mkstemp adds mode 0600 for the file itself.
    fd, path = tempfile.mkstemp(prefix='nvmetctl-', suffix='.yaml', dir=module.tmpdir)
    module.add_cleanup_file(path)
    with os.fdopen(fd, 'wb') as f:
        f.write(to_bytes(module.params['content'], errors='surrogate_or_strict'))
    return path


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[('src', 'content')],
        required_one_of=[('src', 'content')],
        supports_check_mode=True,
    )
    p = module.params

    binary = p['executable']
    if '/' not in binary:
        # get_bin_path also searches /sbin and /usr/sbin, where the .deb puts it.
        binary = module.get_bin_path(binary, required=True)
    elif not os.access(binary, os.X_OK):
        module.fail_json(msg='nvmetctl binary %s is not an executable file' % binary)

    path = p['src'] if p['content'] is None else staged_content(module)
    cmd = nvmetctl_command(module, binary, path)
    rc, out, err = module.run_command(cmd)
    result = dict(changed=False, rc=rc, cmd=cmd)

    try:
        report = json.loads(out)
    except ValueError:
        # Only a bad command line (exit 64) or a crash prints no JSON.
        module.fail_json(msg='nvmetctl printed no JSON report (exit %d): %s'
                         % (rc, (err or out).strip() or EXIT_STATUS.get(rc, 'no output')),
                         stdout=out, stderr=err, **result)
    if p['content'] is not None:
        # The temporary file's name means nothing to the user: give the
        # content's own name, in messages and the report alike.
        report = renamed(report, path, p['content_name'])
    result['report'] = report

    plan = report.get('plan') or {}
    for d in report.get('diagnostics', []):
        if d.get('severity') == 'warning':
            module.warn('nvmetctl: ' + format_diagnostic(d))
    for key in ('journal_error', 'sizes_error'):
        if report.get(key):
            module.warn('nvmetctl: %s: %s' % (key.replace('_', ' '), report[key]))

    if rc != 0:
        errors = report_errors(report) or [(err or out).strip()]
        # A complete rollback left the target as it was: nothing changed.
        result['changed'] = report.get('status') == 'rollback-incomplete'
        module.fail_json(msg='nvmetctl %s failed (exit %d: %s): %s'
                         % ('plan' if module.check_mode else 'apply', rc,
                            EXIT_STATUS.get(rc, 'see nvmetctl(8)'), '; '.join(errors)),
                         errors=errors, stderr=err, **result)

    # The plan alone decides: apply reports the plan it carried out, and a
    # plan without steps made no configfs mutation.
    result['changed'] = bool(plan.get('steps'))
    if result['changed'] and module._diff:
        result['diff'] = dict(prepared=render_plan(plan))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
