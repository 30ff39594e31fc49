# -*- coding: utf-8 -*-
# Copyright: ispmail.mailserver contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two contracts frame/run.py drives: Entity (one table's code, run_entity) and Task (the
other modules, run_task). Every module's main() builds its argument spec and calls one of them.

An entity file has one face: its functions (normalize_items, load, plan, apply, applied), which
ispmail_directory and the unit tests call. Its Entity subclass is the registry run_entity reads:
it names the module's options and items, binds the functions that take the contract's arguments
(`apply = staticmethod(apply)`), and adds only what a module needs: the options read into the
functions' arguments (load, plan), the result (report) and the files (after_commit).

    check_options(options)                   before connecting: the module options alone
    items = normalize(items, schema)         the rules; raises InputError, changes nothing
    current = load(session, schema, items, options)
                                             reads only: what the plan starts from
    plan = plan(current, items, options)     pure: decides every change, raises PlanError
    apply(plan, session)                     the only writer
    current = applied(current, plan)         pure: the state the plan leads to (tests plan again
                                             from it and expect no change)
    fields = report(plan, items, options)    the module's result (outcomes, counts, diff ...)
    fields = after_commit(plan, items, options, check_mode)
                                             what is not in the database (mail directories),
                                             once the transaction has committed

`options` holds the module options named in `option_keys`, and `is_list` (list form or not).
`load` and `plan` run again from the start when the transaction is retried.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class Entity(object):
    """One table's code, as run_entity drives it (the steps above)."""

    list_key = None     # the list option, such as 'users'
    key_name = None     # an item's key, such as 'email'; a list entry may be just this string
    item_keys = ()      # every key an item may hold
    option_keys = ()    # the module options the entity reads besides the items
    secret_keys = ()    # item keys that hold secrets (kept out of the result's invocation)
    needs_schema = True  # False: the ISPmail tables need not exist (normalize gets None)

    def check_options(self, options):
        """Refuse module options that make no sense together, before connecting."""

    def normalize(self, items, schema):
        raise NotImplementedError

    def load(self, session, schema, items, options):
        raise NotImplementedError

    def plan(self, current, items, options):
        raise NotImplementedError

    def apply(self, plan, session):
        raise NotImplementedError

    def report(self, plan, items, options):
        raise NotImplementedError

    def after_commit(self, plan, items, options, check_mode):
        return {}

    def applied(self, current, plan):
        raise NotImplementedError


class Task(object):
    """The contract of a module that is not one table's plan, which frame/run.py's run_task drives:
    ispmail_info (reads the directory), ispmail_dkim (checks the domain, writes key files),
    ispmail_directory (the three tables at once, entities/directory_sync.py).

        check_options(params)                before connecting: the module options alone
        outcome = work(session, schema, params)
                                             in the one transaction (again from the start when
                                             it is retried); schema is None without needs_schema
        result = finish(outcome, params, check_mode, diff)
                                             the module's result with `changed`, once the
                                             transaction has committed; files on the host here

    A Task object serves one run: check_options may keep what it worked out for the later steps.
    """
    write = True         # False: reads only, so the run takes no write lock
    rehearse = False     # True: check mode runs the writes and rolls them back (db/session.py)
    needs_schema = True  # False: the ISPmail tables need not be read first
    hidden_option = None  # a no_log option the result echoes as summary(value), not as itself

    def summary(self, value):
        return '(not shown)'

    def check_options(self, params):
        """Refuse module options that make no sense, before connecting."""

    def work(self, session, schema, params):
        raise NotImplementedError

    def finish(self, outcome, params, check_mode, diff):
        raise NotImplementedError
