# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The no_log adapter for list options that hold passwords: the one place that touches
module.no_log_values.

A list option holding passwords is declared no_log, so Ansible never logs it; but then every
value in it (addresses, 'present') would be masked in the result as well. And Ansible masks by
searching every string of the result for every no_log value: 10,000 passwords against the
70,000 strings of such a result are 3 x 10^8 searches, minutes of CPU.

So the entries' secrets are masked in module.params (which Ansible returns as the invocation),
the entries are handed back in clear for the run, and no_log_values keeps the other secret
options only. Results never carry a password or a hash of their own (outcomes, counts and
diffs hold addresses and 'set'/'changed'), so nothing else needs masking.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# What Ansible shows in place of a no_log value.
MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def hide_list_secrets(module, list_key, secret_keys):
    """The module's parameters with the entries of `list_key` in clear, for the run.

    Afterwards module.params holds the entries with the `secret_keys` of each masked, and
    module.no_log_values the values of the module's other no_log options.
    """
    params = dict(module.params)
    entries = params.get(list_key)
    if entries is None or not secret_keys:
        return params
    module.no_log_values = _other_secrets(module, list_key)
    module.params[list_key] = [masked(entry, secret_keys) for entry in entries]
    return params


def hide_option(module, key, shown):
    """The value of the no_log option `key`, for the run. Afterwards module.params shows `shown`
    in its place (a summary, say), and module.no_log_values holds the other no_log options only."""
    value = module.params.get(key)
    module.no_log_values = _other_secrets(module, key)
    module.params[key] = shown
    return value


def _other_secrets(module, key):
    return set(str(module.params[name]) for name, spec in module.argument_spec.items()
               if spec.get('no_log') and name != key and module.params.get(name))


def masked(entry, secret_keys):
    """A list entry with the values of `secret_keys` replaced by MASK (an entry that is no dict as it is)."""
    if not isinstance(entry, dict):
        return entry
    return dict((key, MASK if key in secret_keys and value is not None else value) for key, value in entry.items())
