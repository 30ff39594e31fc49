# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The frame of every module run: connect, lock, read the schema, plan, write, commit, report.

Any error the user can act on ends the run with its message and no traceback, and the
transaction is rolled back, so nothing is half-written.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.ispmail.mailserver.plugins.module_utils.connection import (
    ConnectionFailure, require_pymysql)
from ansible_collections.ispmail.mailserver.plugins.module_utils.errors import InputError, PlanError
from ansible_collections.ispmail.mailserver.plugins.module_utils.items import DIFF_ENTRIES_MAX, gather_items
from ansible_collections.ispmail.mailserver.plugins.module_utils.passwords import missing_library
from ansible_collections.ispmail.mailserver.plugins.module_utils.schema import SchemaError, load_schema
from ansible_collections.ispmail.mailserver.plugins.module_utils.session import DatabaseError, Session

USER_ERRORS = (InputError, PlanError, ConnectionFailure, SchemaError, DatabaseError)


# What Ansible shows in place of a no_log value.
MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def restrict_no_log(module, list_key, secret_keys):
    """Keep the secrets of a list option out of the result, and only them.

    A list option that holds passwords is declared no_log, so Ansible never logs it; but then
    every value in it (addresses, 'present') would be masked in the result as well. And
    Ansible masks by searching every string of the result for every no_log value: 10,000
    passwords against the 70,000 strings of such a result are 3 x 10^8 searches, minutes of CPU.

    So the items' secrets are taken out of module.params (which Ansible returns as the
    invocation) and kept aside for run(), and no_log_values holds the top-level secrets only.
    Results never carry a password or a hash of their own (items, counts and diffs hold
    addresses and 'set'/'changed'), so nothing else needs masking.
    """
    entries = module.params.get(list_key)
    if entries is None:
        return
    module.no_log_values = set(str(module.params[key]) for key in ('login_password', 'password', 'password_hash')
                               if module.params.get(key))
    module.ispmail_clear_entries = {list_key: entries}
    module.params[list_key] = [_masked(entry, secret_keys) for entry in entries]


def _masked(entry, secret_keys):
    if not isinstance(entry, dict):
        return entry
    return dict((key, MASK if key in secret_keys and value is not None else value) for key, value in entry.items())


def check_libraries(module, schemes):
    for scheme in sorted(schemes):
        missing = missing_library(scheme)
        if missing:
            module.fail_json(msg=missing_required_lib('%s (Debian: %s) for %s' % (missing[0], missing[1], scheme)),
                             exception=missing[2])


def run(module, list_key, key_name, item_keys, work):
    """Run `work(session, schema, items, is_list)` for the single or list form (see run_session)."""
    params = dict(module.params)
    params.update(getattr(module, 'ispmail_clear_entries', {}))  # see restrict_no_log
    is_list = params.get(list_key) is not None

    def with_items(session, schema):
        return work(session, schema, gather_items(params, list_key, key_name, item_keys), is_list)
    run_session(module, with_items, invocation=echoed_arguments(module.params, list_key))


def echoed_arguments(params, list_key):
    """The module arguments a result echoes as `invocation`, with a long list told by its length.

    Ansible returns every argument with the result, and takes the result apart several times on
    the controller: a list of 10,000 entries echoed back costs more there than the module's own
    work, and nobody reads it at -vvv. The result's outcomes, counts and diff report every entry.
    """
    entries = params.get(list_key)
    if entries is None or len(entries) <= DIFF_ENTRIES_MAX:
        return {'module_args': params}
    echoed = dict(params)
    echoed[list_key] = '(%d entries, not echoed: see outcomes, counts and diff)' % len(entries)
    return {'module_args': echoed}


def run_session(module, work, write=True, invocation=None):
    """Run `work(session, schema)` in one transaction and exit the module.

    `work` returns (result dict, after_commit); after_commit (or None) runs only when the
    transaction has committed, for what is not in the database (mail directories).
    `invocation`, when given, replaces the arguments Ansible echoes with the result.
    """
    require_pymysql(module)
    session = None
    failure = None
    try:
        session = Session(module.params, module.check_mode, write=write)
        schema = load_schema(session)
        result, after_commit = work(session, schema)
        session.commit()
        if after_commit:
            after_commit(result)
    except USER_ERRORS as exc:
        failure = str(exc)
        if session:
            session.rollback()
    except (OSError, IOError) as exc:
        # After the commit only: removing mail directories.
        failure = 'the database was changed, but removing mail failed: %s' % exc
    queries = session.queries if session else []
    if session:
        session.close()
    extra = {'invocation': invocation} if invocation else {}
    if failure is not None:
        # Outside the except block: these are messages for the user, not Python tracebacks.
        module.fail_json(msg=failure, queries=queries, **extra)
    result['queries'] = queries
    result.update(extra)
    module.exit_json(**result)
